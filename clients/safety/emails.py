"""The safety e-mails, written when they are sent (see clinic/outbox).

Neither names a client nor carries anything they said: that something waits, and a
link that asks the reader to sign in.
"""

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from clients.models import Alert
from clinic import audit
from clinic.models import Therapist
from clinic.outbox import kinds
from clinic.outbox.models import OutboxMessage

ALERT_NOTIFY = "alert_notify"
ALERT_ESCALATION = "alert_escalation"


def _alert(message: OutboxMessage) -> Alert:
    return Alert.objects.select_related("client__clinic", "client__primary_therapist__user").get(
        pk=message.object_id
    )


def _link(alert: Alert) -> str:
    return settings.SITE_URL + reverse("alert-page", args=[alert.pk])


def alert_notify_render(message: OutboxMessage) -> EmailMessage | None:
    """To the treating therapist: an alert waits. Not needed once it is followed up."""
    alert = _alert(message)
    if alert.acknowledged_at is not None:
        return None
    body = _(
        "Hello %(name)s,\n\n"
        "One of your clients has an alert in the progress dashboard that needs "
        "your attention.\n\n"
        "Open it (you will be asked to sign in): %(link)s\n"
    ) % {"name": message.recipient.get_short_name(), "link": _link(alert)}
    return EmailMessage(_("An alert needs your attention"), body)


def alert_notify_delivered(message: OutboxMessage, sent_at: datetime) -> None:
    Alert.objects.filter(pk=message.object_id).update(notified_at=sent_at)
    # update() sends no save signal: the audit row is written here.
    audit.record(None, action="update", object_type="alert", object_ids=[message.object_id])


def _waited(alert: Alert, now: datetime) -> str:
    minutes = max(1, round((now - alert.created_at).total_seconds() / 60))
    if minutes >= 120:
        return ngettext("%(n)s hour", "%(n)s hours", minutes // 60) % {"n": minutes // 60}
    return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}


def alert_escalation_render(message: OutboxMessage) -> EmailMessage | None:
    """To a covering therapist (with the link) or a clinic admin (without: they cannot
    open a client's alert, they make sure a clinician does). Not needed once resolved."""
    alert = _alert(message)
    if alert.acknowledged_at is not None:
        return None
    tries = alert.follow_ups.count()  # only attempts: anything else would have resolved it
    facts = {
        "attempts": (
            ngettext("%(n)s attempt so far", "%(n)s attempts so far", tries) % {"n": tries}
            if tries
            else _("no follow-up recorded")
        ),
        "clinic": alert.client.clinic.name,
        "waited": _waited(alert, timezone.now()),
        "therapist": alert.client.primary_therapist.display_name,
        "link": _link(alert),
    }
    opening = _(
        "Hello,\n\n"
        "An alert at %(clinic)s has waited %(waited)s and the client has not been reached "
        "(%(attempts)s). The treating therapist is %(therapist)s.\n\n"
    )
    covers = Therapist.objects.filter(
        user=message.recipient, clinic_id=alert.client.clinic_id, covers_alerts=True
    ).exists()
    if covers:
        rest = _("You cover alerts for the clinic: open it and record what you do here: %(link)s\n")
    else:
        rest = _(
            "Please make sure a clinician follows it up now: the treating therapist, or a "
            "therapist who covers alerts (they find it on their caseload).\n"
        )
    return EmailMessage(_("An alert is waiting for follow-up"), (opening + rest) % facts)


kinds.register(
    ALERT_NOTIFY,
    label=gettext_lazy("Alert, to the treating therapist"),
    priority=OutboxMessage.Priority.SAFETY,
    render=alert_notify_render,
    delivered=alert_notify_delivered,
)
kinds.register(
    ALERT_ESCALATION,
    label=gettext_lazy("Alert waiting, to cover and admins"),
    priority=OutboxMessage.Priority.SAFETY,
    render=alert_escalation_render,
)
