"""Following up alerts, and escalating those that wait too long.

A follow-up records what a clinician did (contacted the client, reviewed the safety
plan, could not reach them, something else) with an optional encrypted note. Anything
but "could not reach" resolves the alert. A safety alert still unresolved after the
clinic's set time is e-mailed to its covering therapists and clinic admins, once.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.models import TEXT_MAX_CHARS, Alert
from clinic import audit
from clinic.models import Clinic, Therapist, User

from .models import FollowUp

logger = logging.getLogger(__name__)


@transaction.atomic
def follow_up_record(*, alert: Alert, by: User, action: str, note: str = "") -> FollowUp:
    """Record what was done about an alert; resolve it unless the client was not reached.

    A resolved alert takes no further follow-up, so a second tap or a colleague acting at
    the same moment cannot resolve it twice.
    """
    if action not in FollowUp.Action.values:
        raise ValidationError({"action": _("Choose what was done.")})
    note = note.strip()
    if len(note) > TEXT_MAX_CHARS:
        raise ValidationError(
            {"note": _("A note holds at most %(limit)s characters.") % {"limit": TEXT_MAX_CHARS}}
        )
    if action == FollowUp.Action.OTHER and not note:
        raise ValidationError({"note": _("Say in the note what was done.")})
    # Lock the alert (PostgreSQL; SQLite's immediate transactions already serialise writers).
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.acknowledged_at is not None:
        raise ValidationError(
            {"alert": ValidationError(_("This alert has been followed up already."), "resolved")}
        )
    follow_up = FollowUp.objects.create(alert=locked, by=by, action=action, note=note)
    if follow_up.resolves:
        locked.acknowledged_by = by
        locked.acknowledged_at = follow_up.at
        locked.save(update_fields=["acknowledged_by", "acknowledged_at"])
    alert.acknowledged_by, alert.acknowledged_at = locked.acknowledged_by, locked.acknowledged_at
    return follow_up


def alerts_waiting(*, clinic: Clinic, now: datetime) -> list[int]:
    """Ids of the clinic's unresolved safety alerts older than its set time, not escalated
    yet. An attempt that did not reach the client does not resolve it, so that client,
    who most needs someone, is escalated too. (Only safety concerns are escalated: a
    covering colleague reads the client's words for that reason alone.)"""
    limit = now - timedelta(minutes=clinic.escalate_after_minutes)
    return list(
        Alert.objects.filter(
            client__clinic=clinic,
            kind=Alert.Kind.SAFETY_CONCERN,
            acknowledged_at__isnull=True,
            escalated_at__isnull=True,
            created_at__lte=limit,
        ).values_list("pk", flat=True)
    )


def alerts_escalate(*, now: datetime | None = None) -> int:
    """E-mail every safety alert that waited too long to its clinic's covering therapists
    and admins; each once. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    waiting = Q(
        clients__alerts__kind=Alert.Kind.SAFETY_CONCERN,
        clients__alerts__acknowledged_at__isnull=True,
        clients__alerts__escalated_at__isnull=True,
    )
    for clinic in Clinic.objects.filter(waiting).distinct():
        for alert_id in alerts_waiting(clinic=clinic, now=now):
            try:
                sent += alert_escalate(alert_id=alert_id, now=now)
            except Exception as error:  # one bad mailbox must not hold back the others
                logger.warning(
                    "Escalation of alert %s not sent (%s); retried next sweep",
                    alert_id,
                    type(error).__name__,
                )
    return sent


def escalation_recipients(alert: Alert) -> list[tuple[str, bool]]:
    """(e-mail, covers alerts) of the clinic's covering therapists (not the treating one)
    and its admins."""
    covering = Therapist.objects.filter(
        clinic_id=alert.client.clinic_id, covers_alerts=True, is_active=True, user__is_active=True
    ).exclude(pk=alert.client.primary_therapist_id)
    admins = User.objects.filter(
        clinic_id=alert.client.clinic_id, role=User.Role.CLINIC_ADMIN, is_active=True
    )
    emails = [t.user.email for t in covering.select_related("user")]
    admin_emails = admins.values_list("email", flat=True)
    return [(email, True) for email in emails] + [
        (email, False) for email in admin_emails if email not in emails
    ]


def _escalation_emails(alert: Alert, now: datetime) -> dict[bool, tuple[str, str]]:
    """(subject, body) for a covering therapist (True: with the link) and for a clinic
    admin (False: without; they cannot open a client's alert, they make sure a clinician
    does)."""
    minutes = max(1, round((now - alert.created_at).total_seconds() / 60))
    waited = (
        ngettext("%(n)s hour", "%(n)s hours", minutes // 60) % {"n": minutes // 60}
        if minutes >= 120
        else ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
    )
    tries = alert.follow_ups.count()  # only attempts: anything else would have resolved it
    facts = {
        "attempts": (
            ngettext("%(n)s attempt so far", "%(n)s attempts so far", tries) % {"n": tries}
            if tries
            else _("no follow-up recorded")
        ),
        "clinic": alert.client.clinic.name,
        "waited": waited,
        "therapist": alert.client.primary_therapist.display_name,
        "link": settings.SITE_URL + reverse("alert-page", args=[alert.pk]),
    }
    opening = _(
        "Hello,\n\n"
        "An alert at %(clinic)s has waited %(waited)s and the client has not been reached "
        "(%(attempts)s). The treating therapist is %(therapist)s.\n\n"
    )
    covering = _("You cover alerts for the clinic: open it and record what you do here: %(link)s\n")
    admin = _(
        "Please make sure a clinician follows it up now: the treating therapist, or a "
        "therapist who covers alerts (they find it on their caseload).\n"
    )
    subject = _("An alert is waiting for follow-up")
    return {
        True: (subject, (opening + covering) % facts),
        False: (subject, (opening + admin) % facts),
    }


def alert_escalate(*, alert_id: int, now: datetime | None = None) -> bool:
    """Claim one waiting alert and tell the covering therapists and clinic admins.

    The e-mail names no client and nothing they said: the clinic, how long it waited,
    the treating therapist and a link that only a covering therapist can open. Each
    recipient gets their own message, so staff addresses are not shared. Whatever fails
    after the claim frees it, so the next sweep tries again: late rather than never.
    """
    now = now or timezone.now()
    alert = Alert.objects.select_related("client__clinic", "client__primary_therapist__user").get(
        pk=alert_id
    )
    recipients = escalation_recipients(alert)
    if not recipients:
        # Left unclaimed: once the clinic names someone, the next sweep tells them.
        logger.warning("Alert %s waits with nobody to escalate to (no cover, no admin)", alert_id)
        return False
    claimed = Alert.objects.filter(
        pk=alert_id, escalated_at__isnull=True, acknowledged_at__isnull=True
    ).update(escalated_at=now)
    if not claimed:
        return False
    try:
        emails = _escalation_emails(alert, now)
        messages = [EmailMessage(*emails[covers], to=[address]) for address, covers in recipients]
        get_connection().send_messages(messages)
    except Exception:
        Alert.objects.filter(pk=alert_id).update(escalated_at=None)
        raise
    # update() sends no save signal: the audit row is written here, once it has happened.
    audit.record(
        None,
        action="update",
        object_type="alert",
        object_ids=[alert_id],
        client_id=alert.client_id,
        clinic_id=alert.client.clinic_id,
    )
    return True
