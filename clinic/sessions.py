"""Sessions in the calendar: booking without collisions, recording what happened, the next one.

A therapist cannot be in two sessions at once, so a booking that overlaps another of the
therapist's sessions (unless that one was cancelled) is refused, as is a start in the past.
A session that already took place is recorded as held on purpose, never by booking late.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Session, Therapist

# A session's status that still occupies the therapist's time.
OCCUPYING = [Session.Status.SCHEDULED, Session.Status.COMPLETED, Session.Status.NO_SHOW]
# A session is "next" for the client until it has ended.
TOOK_PLACE = {Session.Status.COMPLETED, Session.Status.NO_SHOW}


@dataclass(frozen=True)
class Booking:
    """What a therapist asks for; checked by ``session_book`` before anything is stored."""

    starts_at: datetime
    duration_minutes: int = 50
    mode: str = Session.Mode.IN_PERSON
    video_link: str = ""


def overlapping(*, therapist: Therapist, starts_at: datetime, minutes: int) -> list[Session]:
    """The therapist's sessions that share any minute with [starts_at, starts_at + minutes)."""
    ends_at = starts_at + timedelta(minutes=minutes)
    # Sessions last at most 8 hours, so only those starting in the 8 hours before can reach
    # into this one; the range keeps the query on the (therapist, starts_at) index, and the
    # few candidates are compared here, the same way on SQLite and PostgreSQL.
    candidates = Session.objects.filter(
        therapist=therapist,
        status__in=OCCUPYING,
        starts_at__lt=ends_at,
        starts_at__gt=starts_at - timedelta(hours=8),
    ).select_related("client")
    return [session for session in candidates if session.ends_at > starts_at]


def _check(*, therapist: Therapist, client, booking: Booking, past: bool) -> None:
    errors: dict[str, list[str]] = {}
    if client.clinic_id != therapist.clinic_id:
        errors["client"] = [_("This client is not at your clinic.")]
    if client.status == client.Status.DISCHARGED:
        errors["client"] = [_("This client has been discharged; reactivate them to book.")]
    now = timezone.now()
    if not past and booking.starts_at < now:
        errors["starts_at"] = [
            _(
                "This time has passed. To record a session that already took place, "
                "choose “It already took place”."
            )
        ]
    if past and booking.starts_at > now:
        errors["starts_at"] = [_("A session recorded as held must have begun already.")]
    if booking.video_link and booking.mode != Session.Mode.VIRTUAL:
        errors["video_link"] = [_("Only a virtual session has a video link.")]
    clashes = overlapping(
        therapist=therapist, starts_at=booking.starts_at, minutes=booking.duration_minutes
    )
    if clashes and "starts_at" not in errors:
        clash = clashes[0]
        local = timezone.localtime(clash.starts_at, timezone=ZoneInfo(client.clinic.time_zone))
        errors["starts_at"] = [
            _("This overlaps your session with %(label)s at %(time)s (%(minutes)d minutes).")
            % {
                "label": clash.client.label,
                "time": local.strftime("%a %-d %b %H:%M"),
                "minutes": clash.duration_minutes,
            }
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_book(*, therapist: Therapist, client, booking: Booking, past: bool = False) -> Session:
    """Book a session ahead, or record one that already took place (``past``) as held.

    The therapist's row is locked first, so two bookings made at the same moment are
    checked one after the other and cannot both take the same hour."""
    Therapist.objects.select_for_update().filter(pk=therapist.pk).first()
    _check(therapist=therapist, client=client, booking=booking, past=past)
    session = Session(
        client=client,
        therapist=therapist,
        starts_at=booking.starts_at,
        duration_minutes=booking.duration_minutes,
        mode=booking.mode,
        video_link=booking.video_link,
        status=Session.Status.COMPLETED if past else Session.Status.SCHEDULED,
    )
    session.full_clean(exclude=["client", "therapist"])
    session.save()
    return session


def session_mark(*, session: Session, status: str) -> Session:
    """Record that a session was held, cancelled or missed, or undo that (back to scheduled)."""
    if session.client.status == session.client.Status.DISCHARGED and status != session.status:
        raise ValidationError(
            {"status": _("This client has been discharged; reactivate them to change sessions.")}
        )
    if status in TOOK_PLACE and session.starts_at > timezone.now():
        raise ValidationError(
            {"status": _("A session can be marked held or missed once it has begun.")}
        )
    if (
        session.status == Session.Status.COMPLETED
        and status != session.status
        and session.emdr_records.exists()
    ):
        # The records' numbers stand for what happened in the session: resolution, charts
        # and reevaluation read them. A session that was not held cannot keep them.
        raise ValidationError(
            {
                "status": _(
                    "EMDR processing is recorded for this session; it stays held. Remove "
                    "its processing records on the session's EMDR page first if it did not "
                    "take place."
                )
            }
        )
    if status != Session.Status.CANCELLED and session.status == Session.Status.CANCELLED:
        # Bringing a cancelled session back must not double-book the hour it left free.
        clashes = overlapping(
            therapist=session.therapist,
            starts_at=session.starts_at,
            minutes=session.duration_minutes,
        )
        if any(clash.pk != session.pk for clash in clashes):
            raise ValidationError(
                {"status": _("Another session now takes this time; this one stays cancelled.")}
            )
    session.status = status
    session.full_clean(exclude=["client", "therapist"])
    session.save(update_fields=["status"])
    return session


def next_session_for(client) -> Session | None:
    """The client's next session that has not yet ended and is still on."""
    now = timezone.now()
    upcoming = (
        client.sessions.filter(
            status=Session.Status.SCHEDULED, starts_at__gt=now - timedelta(hours=8)
        )
        .select_related("therapist__user")
        .order_by("starts_at")
    )
    return next((s for s in upcoming[:3] if s.ends_at > now), None)
