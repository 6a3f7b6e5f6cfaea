import datetime as dt

import pytest
from django.db import ConnectionHandler

from clinic import health
from clinic.celery import app as celery_app


@pytest.fixture
def beat_sweeping(db):
    from clinic.outbox import delivery

    delivery.sweep()  # what beat starts every minute; it leaves its heartbeat


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_broker_answer(client, beat_sweeping):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "email": "ok", "beat": "ok"},
    }


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_does_not(client, monkeypatch):
    # Nothing listens on port 1: a real connection attempt that fails. Celery
    # lets the environment variable win over its configuration, so set both.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "unreachable"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_filesystem_broker_folder_is_gone(
    client, monkeypatch, tmp_path
):
    if not celery_app.conf.broker_url.startswith("filesystem"):
        pytest.skip("runs with the filesystem broker (the one-machine default)")
    options = dict(celery_app.conf.broker_transport_options)
    options.update(
        data_folder_in=str(tmp_path / "missing"), data_folder_out=str(tmp_path / "missing")
    )
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", options)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "unreachable"


def test_database_check_reports_a_server_that_does_not_answer():
    unreachable = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "HOST": "127.0.0.1",
                "PORT": "1",
                "NAME": "nothing",
                "USER": "nobody",
            }
        }
    )
    assert health.database_reachable(unreachable["default"]) is False


@pytest.mark.django_db
def test_healthz_says_degraded_when_e_mail_is_late_and_stays_200(
    client, client_record, time_machine, settings, beat_sweeping
):
    from django.utils import timezone

    from clients import services

    draft = services.check_in_prepare(
        client=client_record, occurred_at=timezone.now(), emotions=[], safety_concern=True
    )
    services.check_in_record(draft=draft)  # its e-mail is owed; no commit runs it here
    time_machine.move_to(
        timezone.now() + settings.OUTBOX_LATE_AFTER + dt.timedelta(seconds=10), tick=False
    )
    response = client.get("/healthz")
    assert response.status_code == 200, "a late e-mail must not take a web node out"
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"] == {"database": "ok", "broker": "ok", "email": "late", "beat": "ok"}, (
        "late, and no count of alerts: anyone may ask this page"
    )


@pytest.mark.django_db
def test_healthz_says_degraded_when_beat_stopped_sweeping(client, beat_sweeping, time_machine):
    from django.utils import timezone

    time_machine.move_to(timezone.now() + dt.timedelta(minutes=4), tick=False)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["beat"] == "not running"


@pytest.mark.django_db
def test_a_web_process_that_just_started_does_not_call_beat_stopped(client, monkeypatch):
    from django.utils import timezone

    from clinic.outbox import delivery

    monkeypatch.setattr(delivery, "PROCESS_STARTED_AT", timezone.now())
    assert client.get("/healthz").json()["checks"]["beat"] == "ok", "no sweep yet, and fine"
