"""Nobody's alert waits alone: an alert with no follow-up after the clinic's set time is
e-mailed once to covering therapists and clinic admins, who may then open that alert only."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clients.models import Alert
from clients.safety import services
from clients.safety.services import follow_up_record
from clinic.models import AuditEvent
from clinic.outbox import delivery
from clinic.outbox.models import OutboxMessage
from tests import factories

from .test_alerts import WORDS, safety_check_in


@pytest.fixture(autouse=True)
def evening(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 10, 20, 0, tzinfo=dt.UTC))


@pytest.fixture
def covering(clinic):
    return factories.TherapistFactory(clinic=clinic, covers_alerts=True)


@pytest.fixture
def clinic_admin(clinic):
    return factories.ClinicAdminFactory(clinic=clinic)


@pytest.mark.django_db
def test_escalates_once_after_the_set_time_to_covering_therapists_and_admins(
    client_record, covering, other_therapist, clinic_admin, time_machine
):
    _, alert = safety_check_in(client_record)
    mail.outbox.clear()
    time_machine.shift(dt.timedelta(minutes=119))
    assert services.alerts_escalate() == 0
    time_machine.shift(dt.timedelta(minutes=1))
    assert services.alerts_escalate() == 1
    assert services.alerts_escalate() == 0, "once"
    # One message each, so staff addresses are not shared.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([covering.user.email, clinic_admin.email])
    assert all(len(m.to) == 1 for m in mail.outbox)
    message = mail.outbox[0]
    by_person = {m.to[0]: m.body for m in mail.outbox}
    assert reverse("alert-page", args=[alert.pk]) in by_person[covering.user.email]
    # The admin cannot open a client's alert: they are asked to see that someone does.
    assert reverse("alert-page", args=[alert.pk]) not in by_person[clinic_admin.email]
    assert "make sure a clinician" in by_person[clinic_admin.email]
    assert "2 hours" in message.body
    for secret in (WORDS, client_record.label, "9/10", "distress", "safety"):
        assert secret not in message.body + message.subject
    alert.refresh_from_db()
    assert alert.escalated_at is not None
    assert AuditEvent.objects.filter(
        action="update", object_type="alert", object_ids=[alert.pk], actor_role="system"
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["contacted", "plan_reviewed"])
def test_never_escalates_an_alert_with_a_follow_up(
    client_record, covering, therapist, time_machine, action
):
    _, alert = safety_check_in(client_record)
    follow_up_record(alert=alert, by=therapist.user, action=action)
    mail.outbox.clear()
    time_machine.shift(dt.timedelta(hours=5))
    assert services.alerts_escalate() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_client_nobody_could_reach_is_escalated(client_record, covering, therapist, time_machine):
    _, alert = safety_check_in(client_record)
    follow_up_record(alert=alert, by=therapist.user, action="could_not_reach")
    mail.outbox.clear()
    time_machine.shift(dt.timedelta(hours=2))
    assert services.alerts_escalate() == 1
    assert [m.to for m in mail.outbox] == [[covering.user.email]]


@pytest.mark.django_db
def test_the_clinics_own_time_is_used(clinic, client_record, covering, time_machine):
    clinic.escalate_after_minutes = 30
    clinic.save()
    safety_check_in(client_record)
    mail.outbox.clear()
    time_machine.shift(dt.timedelta(minutes=31))
    assert services.alerts_escalate() == 1


@pytest.mark.django_db
def test_a_failed_send_stays_owed_and_the_outbox_sweep_sends_it_once(
    client_record, covering, time_machine, settings
):
    _, alert = safety_check_in(client_record)
    time_machine.shift(dt.timedelta(hours=3))
    settings.EMAIL_BACKEND = "tests.clients.safety.test_escalation.BrokenBackend"
    assert services.alerts_escalate() == 1
    alert.refresh_from_db()
    assert alert.escalated_at is not None, "escalated once; its e-mail is owed"
    owed = OutboxMessage.objects.get(kind="alert_escalation")
    assert owed.sent_at is None and owed.last_error == "OSError"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    assert services.alerts_escalate() == 0, "not escalated twice"
    # The treating therapist's own e-mail was never queued here (no commit in this
    # test): the sweep finds it; the escalation waits for its next try.
    assert delivery.sweep() == 1
    assert [m.to for m in mail.outbox] == [[client_record.primary_therapist.user.email]]
    mail.outbox.clear()
    time_machine.shift(dt.timedelta(seconds=31))
    assert delivery.sweep() == 1
    assert delivery.sweep() == 0
    assert [m.to for m in mail.outbox] == [[covering.user.email]]
    # Two changes of the alert: its therapist told, and it escalated (once).
    assert AuditEvent.objects.filter(object_type="alert", action="update").count() == 2


@pytest.mark.django_db
def test_with_nobody_to_tell_the_alert_waits_until_someone_is_named(
    clinic, client_record, time_machine
):
    _, alert = safety_check_in(client_record)
    mail.outbox.clear()
    time_machine.shift(dt.timedelta(hours=3))
    assert services.alerts_escalate() == 0
    alert.refresh_from_db()
    assert alert.escalated_at is None
    factories.TherapistFactory(clinic=clinic, covers_alerts=True)
    assert services.alerts_escalate() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_only_safety_concerns_are_escalated(client_record, covering, time_machine):
    factories.AlertFactory(client=client_record, kind=Alert.Kind.DISTRESS_RISE)
    time_machine.shift(dt.timedelta(hours=3))
    assert services.alerts_escalate() == 0


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")


@pytest.mark.django_db
def test_covering_therapist_opens_and_follows_up_only_the_escalated_alert(
    client, client_record, covering, time_machine
):
    _, alert = safety_check_in(client_record)
    client.force_login(covering.user)
    assert client.get(reverse("alert-page", args=[alert.pk])).status_code == 404
    time_machine.shift(dt.timedelta(hours=3))
    services.alerts_escalate()
    quiet = factories.AlertFactory(client=client_record)  # new: not escalated
    client.force_login(covering.user)  # staff sessions end after 30 idle minutes
    page = client.get(reverse("alert-page", args=[alert.pk]))
    assert page.status_code == 200
    assert "You are covering for" in page.content.decode()
    assert WORDS.replace("'", "&#x27;") in page.content.decode()
    caseload = client.get("/").content.decode()
    assert "Alerts you are covering" in caseload
    assert reverse("alert-page", args=[alert.pk]) in caseload
    # The rest of the client's record stays out of reach.
    assert client.get(reverse("client-progress", args=[client_record.pk])).status_code == 404
    assert client.get(reverse("client-safety-plan", args=[client_record.pk])).status_code == 404
    assert client.get(reverse("alert-page", args=[quiet.pk])).status_code == 404
    client.post(reverse("alert-page-follow-up", args=[alert.pk]), {"action": "contacted"})
    alert.refresh_from_db()
    assert alert.acknowledged_by == covering.user
    assert AuditEvent.objects.filter(
        actor_id=covering.user.pk, action="view", object_type="alert", object_ids=[alert.pk]
    ).exists()


@pytest.mark.django_db
def test_the_sweeper_runs_on_beat_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["alerts-escalate"]
    assert entry["task"] == "clients.safety.tasks.alerts_escalate"
    assert entry["schedule"] == dt.timedelta(minutes=1)
    from clients.safety.tasks import alerts_escalate

    assert alerts_escalate.name == entry["task"]


@pytest.mark.django_db
def test_an_alert_already_resolved_is_not_escalated(client_record, covering, therapist):
    _, alert = safety_check_in(client_record)
    Alert.objects.filter(pk=alert.pk).update(
        acknowledged_at=timezone.now(), acknowledged_by=therapist.user
    )
    assert services.alert_escalate(alert_id=alert.pk) == []
