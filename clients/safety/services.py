"""Following up alerts, and escalating those that wait too long.

A follow-up records what a clinician did (contacted the client, reviewed the safety
plan, could not reach them, something else) with an optional encrypted note. Anything
but "could not reach" resolves the alert. A safety alert still unresolved after the
clinic's set time is e-mailed to its covering therapists and clinic admins, once.
"""

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import TEXT_MAX_CHARS, Alert
from clinic import audit
from clinic.models import Clinic, Therapist, User
from clinic.outbox import delivery
from clinic.outbox import services as outbox

from .emails import ALERT_ESCALATION
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
    """Escalate every safety alert that waited too long, each once, and send its e-mails.
    Returns how many alerts were escalated. An e-mail that cannot go now stays owed in
    the outbox, whose sweep sends it later."""
    now = now or timezone.now()
    escalated = 0
    waiting = Q(
        clients__alerts__kind=Alert.Kind.SAFETY_CONCERN,
        clients__alerts__acknowledged_at__isnull=True,
        clients__alerts__escalated_at__isnull=True,
    )
    for clinic in Clinic.objects.filter(waiting).distinct():
        for alert_id in alerts_waiting(clinic=clinic, now=now):
            try:
                owed = alert_escalate(alert_id=alert_id, now=now)
            except Exception as error:  # one alert's trouble must not hold back the others
                logger.warning("Alert %s not escalated (%s)", alert_id, type(error).__name__)
                continue
            escalated += bool(owed)
            for message_id in owed:  # the sweeper runs in a worker: send from here
                delivery.send(message_id)  # or, if it cannot go now, the outbox's sweep
    return escalated


def escalation_recipients(alert: Alert) -> list[User]:
    """The clinic's covering therapists (not the treating one) and its admins."""
    covering = Therapist.objects.filter(
        clinic_id=alert.client.clinic_id, covers_alerts=True, is_active=True, user__is_active=True
    ).exclude(pk=alert.client.primary_therapist_id)
    users = [t.user for t in covering.select_related("user")]
    admins = User.objects.filter(
        clinic_id=alert.client.clinic_id, role=User.Role.CLINIC_ADMIN, is_active=True
    ).exclude(pk__in=[user.pk for user in users])
    return users + list(admins)


@transaction.atomic
def alert_escalate(*, alert_id: int, now: datetime | None = None) -> list[int]:
    """Claim one waiting alert and owe its covering therapists and clinic admins an
    e-mail each (clients/safety/emails.py says what it holds), in one transaction: an
    escalated alert always has its e-mails owed. Returns the owed e-mails' ids."""
    now = now or timezone.now()
    alert = Alert.objects.select_related("client").get(pk=alert_id)
    recipients = escalation_recipients(alert)
    if not recipients:
        # Left unclaimed: once the clinic names someone, the next sweep tells them.
        logger.warning("Alert %s waits with nobody to escalate to (no cover, no admin)", alert_id)
        return []
    claimed = Alert.objects.filter(
        pk=alert_id, escalated_at__isnull=True, acknowledged_at__isnull=True
    ).update(escalated_at=now)
    if not claimed:
        return []
    owed = [
        outbox.owe(
            kind=ALERT_ESCALATION,
            key=f"alert-escalation:{alert_id}:{user.pk}",
            recipient=user,
            object_id=alert_id,
            clinic_id=alert.client.clinic_id,
            ask_worker=False,  # the sweeper sends them itself
        ).pk
        for user in recipients
    ]
    # update() sends no save signal: the audit row is written here.
    audit.record(
        None,
        action="update",
        object_type="alert",
        object_ids=[alert_id],
        client_id=alert.client_id,
        clinic_id=alert.client.clinic_id,
    )
    return owed
