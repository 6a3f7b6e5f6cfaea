"""Writes that touch clients' records. Every function checks that what it links
belongs to the same clinic, so no caller can join two tenants by mistake."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.models import Clinic, Therapist, User
from clinic.outbox import services as outbox

from . import library
from .emails import INVITATION
from .models import (
    SCALES,
    Alert,
    Assignment,
    CheckIn,
    CheckInEmotion,
    Client,
    Completion,
    EmotionLabel,
)
from .safety.emails import ALERT_NOTIFY


def install_default_library(*, clinic_id: int, label_model, exercise_model) -> None:
    """Create the default vocabulary and exercises a clinic lacks; safe to run twice.

    Takes the model classes so the data migration can pass its historical models.
    """
    have_codes = set(label_model.objects.filter(clinic_id=clinic_id).values_list("code", flat=True))
    label_model.objects.bulk_create(
        label_model(clinic_id=clinic_id, code=code, name=name, tone=tone, sort_order=order)
        for order, (code, name, tone) in enumerate(library.DEFAULT_EMOTIONS)
        if code not in have_codes
    )
    have_titles = set(
        exercise_model.objects.filter(clinic_id=clinic_id).values_list("title", flat=True)
    )
    exercise_model.objects.bulk_create(
        exercise_model(clinic_id=clinic_id, **item)
        for item in library.DEFAULT_EXERCISES
        if item["title"] not in have_titles
    )


def clinic_library_install(*, clinic: Clinic) -> None:
    """Give a clinic the default emotion vocabulary and exercise library."""
    from .models import Exercise

    install_default_library(clinic_id=clinic.pk, label_model=EmotionLabel, exercise_model=Exercise)


@transaction.atomic
def client_create(
    *,
    therapist: Therapist,
    email: str,
    label: str,
    time_zone: str = "UTC",
    focus_areas: list[str] | None = None,
    password: str | None = None,
    started_on: date | None = None,
) -> Client:
    """Create a client of the therapist's clinic, with a login for the API.

    Without a password the account cannot log in until the client sets one.
    """
    if User.objects.filter(email__iexact=email).exists():
        # Worded so as not to say at which clinic, or whether as a client.
        raise ValidationError({"email": "This e-mail address cannot be used for a new account."})
    if Client.objects.filter(clinic_id=therapist.clinic_id, label=label).exists():
        raise ValidationError({"label": "Another client of the clinic has this label."})
    user = User.objects.create_user(
        email=email, password=password, clinic=therapist.clinic, role=User.Role.CLIENT
    )
    client = Client(
        clinic=therapist.clinic,
        user=user,
        primary_therapist=therapist,
        label=label,
        time_zone=time_zone,
        focus_areas=focus_areas or [],
    )
    if started_on is not None:
        client.started_on = started_on
    client.full_clean(exclude=["clinic", "user", "primary_therapist"])
    client.save()
    return client


def client_invite(
    *, therapist: Therapist, email: str, label: str, time_zone: str, focus_areas: list[str]
) -> Client:
    """Add a client with no password yet and e-mail them a one-time link to set one."""
    with transaction.atomic():
        client = client_create(
            therapist=therapist,
            email=email,
            label=label,
            time_zone=time_zone,
            focus_areas=focus_areas,
        )
        _invitation_queue(client.user_id)
    return client


def invitation_resend(*, client: Client) -> None:
    """Send a client who has not chosen a password yet a fresh link."""
    if client.user.has_usable_password():
        raise ValidationError("This client has chosen a password already.")
    _invitation_queue(client.user_id)


def _invitation_queue(user_id: int) -> None:
    # Each invitation or resend is its own e-mail: a resend after the first link was lost
    # must go out even if the first did.
    user = User.objects.get(pk=user_id)
    outbox.owe(kind=INVITATION, key=f"invitation:{user_id}:{uuid.uuid4().hex}", recipient=user)


def alert_raise(*, client: Client, kind: str, check_in: CheckIn | None = None) -> Alert:
    """Raise an alert for the client's therapist, one per check-in and kind, and owe
    the therapist an e-mail in the same transaction (sent once it is committed)."""
    if check_in is None:
        alert, created = Alert.objects.create(client=client, kind=kind), True
    else:
        # Raised when the check-in arrived (a stored history, as in the demo, keeps its times).
        alert, created = Alert.objects.get_or_create(
            client=client,
            kind=kind,
            check_in=check_in,
            defaults={"created_at": check_in.received_at},
        )
    if created:
        outbox.owe(
            kind=ALERT_NOTIFY,
            key=f"alert-notify:{alert.pk}",
            recipient=client.primary_therapist.user,
            object_id=alert.pk,
            clinic_id=client.clinic_id,
        )
    return alert


def emotion_labels_named(*, clinic_id: int, codes: list[str], field: str) -> list[EmotionLabel]:
    """The clinic's active emotion labels named by ``codes``, in their order; a repeated or
    unknown code is refused under ``field``."""
    if len(set(codes)) != len(codes):
        raise ValidationError({field: _("Each emotion may be labelled only once.")})
    by_code = {
        label.code: label
        for label in EmotionLabel.objects.filter(
            clinic_id=clinic_id, code__in=codes, is_active=True
        )
    }
    unknown = [code for code in codes if code not in by_code]
    if unknown:
        message = _("Not in this clinic's vocabulary: %(codes)s.") % {"codes": ", ".join(unknown)}
        raise ValidationError({field: message})
    return [by_code[code] for code in codes]


def _labels_for(client: Client, pairs: list[tuple[str, int]]) -> list[tuple]:
    """Resolve (code, intensity) pairs against the client's clinic vocabulary."""
    labels = emotion_labels_named(
        clinic_id=client.clinic_id, codes=[code for code, _intensity in pairs], field="emotions"
    )
    low, high = SCALES["intensity"]
    for _code, intensity in pairs:
        if not low <= intensity <= high:
            raise ValidationError({"emotions": f"Intensity must be between {low} and {high}."})
    return [(label, intensity) for label, (_code, intensity) in zip(labels, pairs, strict=True)]


@dataclass(frozen=True)
class CheckInDraft:
    """A validated check-in, not yet stored; ``stored`` is set when its client_uuid was."""

    check_in: CheckIn
    labels: list[tuple[EmotionLabel, int]]
    stored: CheckIn | None = None
    uuid_from_client: bool = False


def check_in_prepare(
    *,
    client: Client,
    occurred_at: datetime,
    emotions: Iterable[tuple[str, int]],
    distress: int | None = None,
    charge: int | None = None,
    mind_space: int | None = None,
    self_compassion: int | None = None,
    resistance: int | None = None,
    wants_to_discuss: bool = False,
    safety_concern: bool = False,
    note: str = "",
    client_uuid: uuid.UUID | None = None,
    received_at: datetime | None = None,
) -> CheckInDraft:
    """Validate a check-in against the scales and the clinic's vocabulary; writes nothing.

    Raises ValidationError naming the field. Kept apart from ``check_in_record`` so
    the write transaction holds only writes.
    """
    if client_uuid is not None:
        stored = CheckIn.objects.filter(client=client, client_uuid=client_uuid).first()
        if stored is not None:
            return CheckInDraft(check_in=stored, labels=[], stored=stored)
    emotions = list(emotions)
    # A safety answer is kept whatever else is missing; any other check-in needs a
    # feeling and a distress rating.
    missing = {}
    if not emotions and not safety_concern:
        missing["emotions"] = ValidationError("Label at least one emotion.", code="empty")
    if distress is None and not safety_concern:
        missing["distress"] = ValidationError("Rate your distress from 0 to 10.", code="required")
    if missing:
        raise ValidationError(missing)
    labels = _labels_for(client, emotions)
    check_in = CheckIn(
        client=client,
        occurred_at=occurred_at,
        client_uuid=client_uuid or uuid.uuid4(),
        distress=distress,
        charge=charge,
        mind_space=mind_space,
        self_compassion=self_compassion,
        resistance=resistance,
        wants_to_discuss=wants_to_discuss,
        safety_concern=safety_concern,
        note=note,
    )
    if received_at is not None:
        check_in.received_at = received_at
    check_in.full_clean(exclude=["client"], validate_unique=False, validate_constraints=False)
    return CheckInDraft(check_in=check_in, labels=labels, uuid_from_client=client_uuid is not None)


# No savepoint of its own: everything that can be refused was refused by
# check_in_prepare, so a failure here is the caller's failure too.
@transaction.atomic(savepoint=False)
def check_in_record(*, draft: CheckInDraft) -> tuple[CheckIn, bool]:
    """Store a prepared check-in with its emotions; raise a safety alert when asked to.

    Returns (check_in, created). A check-in whose ``client_uuid`` is already stored
    is returned as it was, so an app that retries never stores a moment twice.
    """
    if draft.stored is not None:
        return draft.stored, False
    check_in = draft.check_in
    if not draft.uuid_from_client:
        check_in.save()  # a uuid made here cannot collide
    else:
        try:
            with transaction.atomic():
                check_in.save()
        except IntegrityError:
            # The same client_uuid arrived twice at once; the other one was stored.
            stored = CheckIn.objects.get(client=check_in.client, client_uuid=check_in.client_uuid)
            return stored, False
    # Saved in bulk (no signals): they are part of the check-in, whose audit row covers them.
    emotions = CheckInEmotion.objects.bulk_create(
        CheckInEmotion(check_in=check_in, label=label, intensity=intensity)
        for label, intensity in draft.labels
    )
    # What the selectors' prefetch would load; callers that answer at once need no query.
    check_in.emotions_strongest_first = sorted(emotions, key=lambda e: (-e.intensity, e.pk))
    if check_in.safety_concern:
        alert_raise(client=check_in.client, kind=Alert.Kind.SAFETY_CONCERN, check_in=check_in)
    return check_in, True


def assignment_create(
    *,
    therapist: Therapist,
    client: Client,
    exercise,
    schedule: str,
    starts_on: date,
    times_per_week: int | None = None,
    ends_on: date | None = None,
    note_to_client: str = "",
) -> Assignment:
    """Give a client an exercise from their own clinic's library."""
    if client.clinic_id != therapist.clinic_id:
        raise ValidationError({"client": "This client is not at your clinic."})
    if exercise.clinic_id != client.clinic_id:
        raise ValidationError({"exercise": "This exercise is not in the clinic's library."})
    today = timezone.localdate(timezone=ZoneInfo(client.time_zone))
    if ends_on is not None and ends_on < today:
        raise ValidationError({"ends_on": "This end date has passed."})
    ongoing = [Assignment.Status.ACTIVE, Assignment.Status.PAUSED]
    if client.assignments.filter(exercise=exercise, status__in=ongoing).exists():
        raise ValidationError(
            {"exercise": "The client has this exercise already; change its schedule instead."}
        )
    assignment = Assignment(
        client=client,
        exercise=exercise,
        assigned_by=therapist,
        schedule=schedule,
        times_per_week=times_per_week,
        starts_on=starts_on,
        ends_on=ends_on,
        note_to_client=note_to_client,
    )
    assignment.full_clean(exclude=["client", "exercise", "assigned_by"], validate_constraints=False)
    assignment.save()
    return assignment


@transaction.atomic
def assignment_update(*, assignment: Assignment, **changes) -> Assignment:
    """Pause, resume, end or reschedule an assignment. An ended one stays ended."""
    if assignment.status == Assignment.Status.ENDED and changes:
        raise ValidationError({"status": "This assignment has ended; assign the exercise anew."})
    if changes.get("schedule") in {"once", "daily"} and "times_per_week" not in changes:
        changes["times_per_week"] = None
    if changes.get("status") == Assignment.Status.ENDED and "ends_on" not in changes:
        # Ended today, in the client's calendar: adherence stops asking from tomorrow.
        today = timezone.localdate(timezone=ZoneInfo(assignment.client.time_zone))
        if assignment.ends_on is None or assignment.ends_on > today:
            changes["ends_on"] = max(today, assignment.starts_on)
    for field, value in changes.items():
        setattr(assignment, field, value)
    assignment.full_clean(exclude=["client", "exercise", "assigned_by"], validate_constraints=False)
    assignment.save(update_fields=list(changes))
    return assignment


@transaction.atomic
def completion_record(
    *,
    assignment: Assignment,
    completed_at: datetime,
    distress_before: int,
    distress_after: int,
    helpfulness: int,
    reflection: str = "",
    client_uuid: uuid.UUID | None = None,
) -> tuple[Completion, bool]:
    """Store one completion of an assignment. Returns (completion, created); a
    repeated ``client_uuid`` is stored once."""
    if client_uuid is not None:
        existing = assignment.completions.filter(client_uuid=client_uuid).first()
        if existing is not None:
            return existing, False
    # A paused exercise done anyway is still worth keeping; one done before it was
    # given, or after it ended, is a mistake.
    done_on = timezone.localdate(completed_at, timezone=ZoneInfo(assignment.client.time_zone))
    if done_on < assignment.starts_on:
        raise ValidationError({"completed_at": "This exercise had not started yet on that day."})
    if (
        assignment.status == Assignment.Status.ENDED
        and assignment.ends_on
        and done_on > assignment.ends_on
    ):
        raise ValidationError({"completed_at": "This exercise had ended by that day."})
    completion = Completion(
        assignment=assignment,
        completed_at=completed_at,
        distress_before=distress_before,
        distress_after=distress_after,
        helpfulness=helpfulness,
        reflection=reflection,
        client_uuid=client_uuid or uuid.uuid4(),
    )
    completion.full_clean(exclude=["assignment"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            completion.save()
    except IntegrityError:
        return assignment.completions.get(client_uuid=completion.client_uuid), False
    return completion, True


# How long after recording an exercise the client may take it back: a slip of the thumb.
UNDO_MINUTES = 10


def completion_undo(*, completion: Completion) -> None:
    """Take back a completion the client just recorded by mistake."""
    if timezone.now() - completion.received_at > timedelta(minutes=UNDO_MINUTES):
        raise ValidationError(
            {"completion": _("It is too late to undo this; ask your therapist to correct it.")}
        )
    completion.delete()
