"""The outbox: every e-mail owed in the database with what it is about, sent once,
claimed with a lease that runs out, swept when its own task did not send it."""

import datetime as dt
import logging
import uuid

import pytest
from django.core import mail
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone

from clients.models import Alert, CheckIn
from clinic.celery import app
from clinic.models import AuditEvent
from clinic.outbox import delivery
from clinic.outbox import services as outbox
from clinic.outbox.models import OutboxMessage
from reports.models import TherapistDigest
from tests import factories
from tests.clients.safety.test_alerts import WORDS, safety_check_in

URL = "/api/v1/check-ins/"


@pytest.fixture(autouse=True)
def evening(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 10, 20, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def broker_down(monkeypatch):
    """The real Celery client, pointed at a port where no broker listens. Celery lets
    the environment variable win over its configuration, so both are set."""
    saved = app.conf.task_always_eager, app.conf.broker_url
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:9/0")
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    _forget_connections()
    yield
    app.conf.task_always_eager, app.conf.broker_url = saved
    _forget_connections()


def _forget_connections():
    # Celery keeps its connections to the broker it first saw; these make it connect anew.
    app._pool = None
    app.amqp._producer_pool = None


def owed_alert_email(client_record) -> OutboxMessage:
    _, alert = safety_check_in(client_record)
    return OutboxMessage.objects.get(kind="alert_notify", object_id=alert.pk)


@pytest.mark.django_db
def test_a_safety_check_in_with_the_broker_down_is_stored_answered_and_owed(
    client_record, as_user, django_capture_on_commit_callbacks, broker_down, caplog
):
    me = as_user(client_record.user)
    body = {
        "occurred_at": (timezone.now() - dt.timedelta(minutes=3)).isoformat(),
        "emotions": [{"label": "grief", "intensity": 8}],
        "distress": 9,
        "safety_concern": True,
        "note": WORDS,
    }
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = me.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 201, response.content
    assert response.json()["crisis_resources"] is not None
    alert = Alert.objects.get(check_in_id=response.json()["id"])
    owed = OutboxMessage.objects.get(kind="alert_notify", object_id=alert.pk)
    assert owed.sent_at is None and owed.dropped_at is None
    assert owed.recipient == client_record.primary_therapist.user
    assert mail.outbox == []
    # Logged, with the e-mail's number and kind only.
    assert "not queued" in caplog.text and "OperationalError" in caplog.text
    assert WORDS not in caplog.text and client_record.label not in caplog.text
    assert client_record.primary_therapist.user.email not in caplog.text


@pytest.mark.django_db
def test_the_sweep_sends_what_was_never_queued_once_after_its_own_task_had_its_chance(
    client_record, time_machine
):
    owed = owed_alert_email(client_record)
    assert delivery.sweep() == 0, "a fresh one is left to its own task"
    time_machine.shift(dt.timedelta(seconds=31))
    assert delivery.sweep() == 1
    assert delivery.sweep() == 0
    assert [m.to for m in mail.outbox] == [[client_record.primary_therapist.user.email]]
    owed.refresh_from_db()
    assert owed.sent_at is not None and owed.attempts == 1
    alert = Alert.objects.get(pk=owed.object_id)
    assert alert.notified_at == owed.sent_at


@pytest.mark.django_db
def test_a_claim_of_a_worker_that_died_runs_out_and_is_taken_again(
    client_record, time_machine, settings
):
    owed = owed_alert_email(client_record)
    # A worker claimed it, then was killed before sending: its lease stands.
    OutboxMessage.objects.filter(pk=owed.pk).update(
        lease_until=timezone.now() + settings.OUTBOX_LEASE, lease_token=uuid.uuid4(), attempts=1
    )
    time_machine.shift(dt.timedelta(seconds=31))
    assert delivery.send(owed.pk) is False, "held by the other claim"
    assert delivery.sweep() == 0
    time_machine.shift(settings.OUTBOX_LEASE)
    assert delivery.sweep() == 1
    assert len(mail.outbox) == 1
    owed.refresh_from_db()
    assert owed.attempts == 2 and owed.lease_until is None


@pytest.mark.django_db
def test_a_safety_e_mail_perhaps_sent_by_a_worker_that_died_is_sent_again(
    client_record, time_machine, settings
):
    """Twice rather than never: the mail server may have had it when the worker died."""
    owed = owed_alert_email(client_record)
    OutboxMessage.objects.filter(pk=owed.pk).update(
        lease_until=timezone.now() + settings.OUTBOX_LEASE,
        lease_token=uuid.uuid4(),
        attempts=1,
        handed_at=timezone.now(),
    )
    time_machine.shift(settings.OUTBOX_LEASE + dt.timedelta(seconds=1))
    assert delivery.sweep() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_sent_e_mail_is_not_sent_again(client_record):
    owed = owed_alert_email(client_record)
    assert delivery.send(owed.pk) is True
    assert delivery.send(owed.pk) is False
    assert len(mail.outbox) == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.mark.django_db
def test_a_mail_server_that_refuses_gets_tries_further_and_further_apart(
    client_record, time_machine, settings, caplog
):
    owed = owed_alert_email(client_record)
    settings.EMAIL_BACKEND = "tests.clinic.outbox.test_outbox.BrokenBackend"
    waits = []
    for _ in range(5):
        assert delivery.send(owed.pk) is False
        owed.refresh_from_db()
        waits.append((owed.send_after - timezone.now()).total_seconds())
        assert owed.last_error == "ConnectionRefusedError" and owed.lease_until is None
        time_machine.shift(owed.send_after - timezone.now())
    assert waits == [30, 60, 120, 120, 120], "a safety e-mail is tried every 2 minutes at most"
    assert client_record.primary_therapist.user.email not in caplog.text
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.sweep() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_alert_followed_up_before_its_e_mail_went_out_is_not_e_mailed(client_record, therapist):
    owed = owed_alert_email(client_record)
    Alert.objects.filter(pk=owed.object_id).update(
        acknowledged_at=timezone.now(), acknowledged_by=therapist.user
    )
    assert delivery.send(owed.pk) is False
    owed.refresh_from_db()
    assert owed.dropped_at is not None and owed.drop_reason == "not_needed"
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_e_mail_about_an_erased_record_is_dropped_not_retried(client_record):
    owed = owed_alert_email(client_record)
    CheckIn.objects.filter(client=client_record).delete()
    Alert.objects.filter(pk=owed.object_id).delete()
    assert delivery.send(owed.pk) is False
    owed.refresh_from_db()
    assert owed.drop_reason == "gone"


@pytest.mark.django_db
def test_a_password_link_not_sent_within_the_hour_is_not_sent(client, client_record, time_machine):
    client_record.user.set_password("a-password-of-theirs")
    client_record.user.save()
    client.post("/accounts/password-reset/", {"email": client_record.user.email})
    owed = OutboxMessage.objects.get(kind="password_reset")
    time_machine.shift(dt.timedelta(hours=1, seconds=1))
    assert delivery.sweep() == 0
    owed.refresh_from_db()
    assert owed.drop_reason == "expired"
    assert mail.outbox == []


@pytest.mark.django_db
def test_owing_the_same_e_mail_twice_owes_it_once(client_record):
    user = client_record.primary_therapist.user
    first = outbox.owe(kind="alert_notify", key="alert-notify:999", recipient=user, object_id=999)
    again = outbox.owe(kind="alert_notify", key="alert-notify:999", recipient=user, object_id=999)
    assert first.pk == again.pk
    assert OutboxMessage.objects.filter(key="alert-notify:999").count() == 1


@pytest.mark.django_db
def test_safety_e_mails_go_first_and_late_ones_are_counted(client_record, time_machine, settings):
    therapist_user = client_record.primary_therapist.user
    digest = TherapistDigest.objects.create(
        therapist=client_record.primary_therapist,
        week_start=dt.date(2026, 3, 2),
        summaries=3,
        needing_attention=1,
    )
    outbox.owe(
        kind="weekly_digest",
        key=f"digest:{digest.pk}",
        recipient=therapist_user,
        object_id=digest.pk,
    )
    time_machine.shift(dt.timedelta(seconds=1))
    owed_alert_email(client_record)
    time_machine.shift(settings.OUTBOX_LATE_AFTER)
    assert OutboxMessage.objects.late().count() == 2
    assert delivery.sweep(limit=1) == 1
    assert mail.outbox[0].subject == "An alert needs your attention"
    assert OutboxMessage.objects.late().count() == 1


class AcceptsThenFailsBackend:
    """A mail server that takes the message and then drops the line."""

    seen: list[str] = []

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        AcceptsThenFailsBackend.seen += [m.extra_headers["Message-ID"] for m in messages]
        raise ConnectionResetError("line dropped after the message")


@pytest.mark.django_db
def test_every_message_carries_the_same_message_id_on_every_try(client_record, settings):
    owed = owed_alert_email(client_record)
    AcceptsThenFailsBackend.seen = []
    settings.EMAIL_BACKEND = "tests.clinic.outbox.test_outbox.AcceptsThenFailsBackend"
    delivery.send(owed.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMessage.objects.filter(pk=owed.pk).update(send_after=timezone.now())
    delivery.send(owed.pk)
    assert AcceptsThenFailsBackend.seen == [mail.outbox[0].extra_headers["Message-ID"]]
    assert AcceptsThenFailsBackend.seen[0].startswith(f"<outbox.{owed.pk}.")


class SlowBackend:
    """A send so slow that the lease runs out and another worker takes the e-mail and
    records it before this one is done."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        message_id = int(messages[0].extra_headers["Message-ID"].split(".")[1])
        OutboxMessage.objects.filter(pk=message_id).update(lease_until=timezone.now())
        from django.core.mail.backends.locmem import EmailBackend

        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            assert delivery.send(message_id, now=timezone.now() + dt.timedelta(seconds=1))
        return EmailBackend().send_messages(messages)


@pytest.mark.django_db
def test_a_send_that_outlived_its_lease_is_recorded_once_and_told_once(client_record, settings):
    owed = owed_alert_email(client_record)
    settings.EMAIL_BACKEND = "tests.clinic.outbox.test_outbox.SlowBackend"
    assert delivery.send(owed.pk) is False, "the other worker recorded it"
    # Two copies left (what the lease exists to prevent), but one record and one audit row.
    assert len(mail.outbox) == 2
    told = AuditEvent.objects.filter(
        action="update", object_type="alert", object_ids=[owed.object_id]
    )
    assert told.count() == 1


@pytest.mark.django_db
def test_an_e_mail_sent_is_not_sent_again_when_recording_what_it_did_fails(
    client_record, monkeypatch, time_machine, settings
):
    owed = owed_alert_email(client_record)

    def audit_down(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("clients.safety.emails.audit.record", audit_down)
    assert delivery.send(owed.pk) is True
    time_machine.shift(settings.OUTBOX_LEASE * 2)
    assert delivery.sweep() == 0
    assert len(mail.outbox) == 1
    owed.refresh_from_db()
    assert owed.sent_at is not None


@pytest.mark.django_db
def test_a_kind_nobody_registered_is_tried_later_with_its_error_named(client_record):
    owed = outbox.owe(kind="alert_notify", key="k", recipient=client_record.user, object_id=1)
    OutboxMessage.objects.filter(pk=owed.pk).update(kind="retired_kind")
    assert delivery.send(owed.pk) is False
    owed.refresh_from_db()
    assert owed.last_error == "LookupError" and owed.lease_until is None


@pytest.mark.django_db
def test_a_recipient_without_an_address_is_not_recorded_as_sent(client_record, caplog):
    owed = owed_alert_email(client_record)
    type(client_record.user).objects.filter(pk=owed.recipient_id).update(email="")
    with caplog.at_level(logging.WARNING):
        assert delivery.send(owed.pk) is False
    owed.refresh_from_db()
    assert owed.sent_at is None and owed.drop_reason == "no_address"
    assert "Safety e-mail" in caplog.text and "no_address" in caplog.text


@pytest.mark.django_db
def test_an_e_mail_refused_for_days_is_still_tried_every_two_minutes(
    client_record, settings, time_machine
):
    owed = owed_alert_email(client_record)
    OutboxMessage.objects.filter(pk=owed.pk).update(attempts=5000)
    settings.EMAIL_BACKEND = "tests.clinic.outbox.test_outbox.BrokenBackend"
    assert delivery.send(owed.pk) is False
    owed.refresh_from_db()
    assert (owed.send_after - timezone.now()) == dt.timedelta(minutes=2)
    assert owed.attempts == 5001 and owed.lease_until is None


def test_the_sweep_runs_on_beat_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]
    assert entry["schedule"] == dt.timedelta(minutes=1)
    from clinic.outbox.tasks import outbox_sweep

    assert outbox_sweep.name == entry["task"]


@pytest.mark.django_db
def test_the_caseload_tells_the_therapist_when_their_e_mail_is_late(
    client, client_record, therapist, time_machine, settings
):
    owed_alert_email(client_record)
    client.force_login(therapist.user)
    assert "have not reached you" not in client.get("/").content.decode(), "not late yet"
    time_machine.shift(settings.OUTBOX_LATE_AFTER)
    client.force_login(therapist.user)  # staff sessions end when idle
    page = client.get("/").content.decode()
    assert "Alert e-mails have not reached you" in page
    assert "1 e-mail about an alert has waited 2" in page  # 2 minutes
    assert "open them from here rather than wait for the e-mail" in page
    delivery.sweep()
    assert "have not reached you" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_admin_lists_late_e_mails_for_the_clinic_admin_of_that_clinic_only(
    client, client_record, time_machine, settings
):
    owed_alert_email(client_record)
    time_machine.shift(settings.OUTBOX_LATE_AFTER)
    url = "/admin/outbox/outboxmessage/?state=late"
    client.force_login(factories.ClinicAdminFactory(clinic=client_record.clinic))
    page = client.get(url).content.decode()
    row = 'class="field-kind_name">Alert, to the treating therapist'
    assert row in page and "Late" in page
    client.force_login(factories.ClinicAdminFactory())
    assert row not in client.get(url).content.decode()
    alerts = "/admin/clients/alert/"
    client.force_login(factories.ClinicAdminFactory(clinic=client_record.clinic))
    assert "late: not sent yet" in client.get(alerts).content.decode()


@pytest.mark.django_db
def test_upgrading_owes_what_was_due_before_the_outbox_and_never_sent(client_record, therapist):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("clinic.outbox.migrations.0002_owe_what_was_never_sent")
    never_told = factories.AlertFactory(client=client_record)
    factories.AlertFactory(client=client_record, notified_at=timezone.now())
    factories.AlertFactory(
        client=client_record, acknowledged_at=timezone.now(), acknowledged_by=therapist.user
    )
    unsent = TherapistDigest.objects.create(
        therapist=therapist, week_start=dt.date(2026, 3, 2), summaries=1, needing_attention=0
    )
    migration.owe_unsent(apps, None)
    migration.owe_unsent(apps, None)  # run twice: still once
    owed = OutboxMessage.objects.order_by("kind")
    assert [(m.kind, m.object_id, m.recipient_id) for m in owed] == [
        ("alert_notify", never_told.pk, therapist.user_id),
        ("weekly_digest", unsent.pk, therapist.user_id),
    ]
    assert delivery.sweep() == 0 and delivery.send(owed[0].pk) is True


@pytest.mark.django_db
def test_sent_e_mails_are_forgotten_after_the_keeping_time_owed_ones_never(
    client_record, time_machine, settings
):
    sent = owed_alert_email(client_record)
    delivery.send(sent.pk)
    waiting = outbox.owe(kind="invitation", key="invitation:test", recipient=client_record.user)
    time_machine.shift(settings.OUTBOX_KEEP + dt.timedelta(days=1))
    assert delivery.purge() == 1
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert Alert.objects.get(pk=sent.object_id).notified_at is not None
    assert (
        settings.CELERY_BEAT_SCHEDULE["outbox-purge"]["task"] == "clinic.outbox.tasks.outbox_purge"
    )


@pytest.mark.django_db
def test_a_try_due_a_moment_after_a_sweep_is_taken_by_that_sweep_not_the_next(
    client_record, time_machine, settings
):
    owed = owed_alert_email(client_record)
    time_machine.shift(dt.timedelta(minutes=1))
    OutboxMessage.objects.filter(pk=owed.pk).update(
        attempts=3, send_after=timezone.now() + dt.timedelta(seconds=1)
    )
    assert delivery.sweep() == 1, "due 1 s later: this sweep, not one a minute later"


@pytest.mark.django_db
@pytest.mark.parametrize("owed", [2, 30])
def test_the_admins_outbox_list_reads_a_fixed_number_of_queries(
    client, client_record, owed, django_assert_max_num_queries
):
    therapist_user = client_record.primary_therapist.user
    for n in range(owed):
        outbox.owe(kind="alert_notify", key=f"k{n}", recipient=therapist_user, object_id=n)
    client.force_login(factories.ClinicAdminFactory(clinic=client_record.clinic))
    url = "/admin/outbox/outboxmessage/?state=waiting"
    client.get(url)
    with django_assert_max_num_queries(10):  # session, user, counts, one page of rows
        page = client.get(url).content.decode()
    assert page.count('class="field-kind_name"') == owed
