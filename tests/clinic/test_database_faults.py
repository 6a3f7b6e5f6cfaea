"""A database that does not answer gives 503 with Retry-After, never a 500.

The fault is simulated where it can happen: in a DRF view (between the check-in and its
Idempotency-Key), in a plain page view, and in middleware that loads the session. The
last test holds a real SQLite write lock past the timeout. The restart of a real
PostgreSQL under load is in test_database_restart.py.
"""

import datetime as dt
import json
import logging
import subprocess
import uuid

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client as BrowserClient
from django.utils import timezone

from clients import pages, selectors
from clients.models import CheckIn, CheckInEmotion
from clinic.models import IdempotencyKey
from tests import processes

URL = "/api/v1/check-ins/"
NOTE = "Found the old photos today."
MESSAGE = "The dashboard cannot reach its database for a moment. Try again in a few seconds."


def body() -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "occurred_at": (timezone.now() - dt.timedelta(minutes=3)).isoformat(),
        "emotions": [{"label": "grief", "intensity": 7}, {"label": "longing", "intensity": 5}],
        "distress": 6,
        "note": NOTE,
    }


def locked(*args, **kwargs):
    raise OperationalError("database is locked")


@pytest.fixture
def logged():
    """Every log record at INFO or above, Django's own included (they do not propagate)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep(level=logging.INFO)
    loggers = [logging.getLogger(), logging.getLogger("django")]
    for logger in loggers:
        logger.addHandler(handler)
    yield records
    for logger in loggers:
        logger.removeHandler(handler)


def assert_one_warning(records) -> None:
    """One line, no traceback, nothing of what the client wrote; Django logs no error."""
    noisy = [r for r in records if r.levelno >= logging.WARNING]
    assert [(r.name, r.levelname) for r in noisy] == [("clinic.database", "WARNING")]
    assert noisy[0].exc_info is None
    line = noisy[0].getMessage()
    assert "503" in line
    assert "database is locked" in line or "connection already closed" in line
    assert NOTE not in line and "grief" not in line


def assert_api_503(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "errors": [{"field": None, "code": "database_unavailable", "message": MESSAGE}]
    }


def assert_page_503(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    assert [t.name for t in response.templates] == ["503.html"]
    assert "cannot reach its database for a moment" in response.content.decode()


@pytest.fixture
def web():
    # Django's test client re-raises what a view raised; a real server answers instead.
    return BrowserClient(raise_request_exception=False)


@pytest.mark.django_db
def test_fault_between_check_in_and_its_key_answers_503_and_stores_neither(
    client_record, as_user, monkeypatch, logged
):
    api = as_user(client_record.user)
    data, key = body(), {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    # The check-in and its emotions are written; then the key's insert finds the database gone.
    monkeypatch.setattr(IdempotencyKey.objects, "create", locked)

    response = api.post(URL, data, format="json", **key)

    assert_api_503(response)
    assert_one_warning(logged)
    assert CheckIn.objects.count() == 0 and CheckInEmotion.objects.count() == 0
    assert IdempotencyKey.objects.count() == 0

    monkeypatch.undo()  # the database is back; the app retries with the same key and body
    retried = api.post(URL, data, format="json", **key)
    assert retried.status_code == 201, retried.json()
    again = api.post(URL, data, format="json", **key)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == retried.json()
    assert list(CheckIn.objects.values_list("client_uuid", flat=True)) == [
        uuid.UUID(data["client_uuid"])
    ]
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.django_db
def test_closed_connection_in_an_api_read_answers_503(client_record, as_user, monkeypatch):
    def closed(**kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(selectors, "check_ins_for", closed)
    assert_api_503(as_user(client_record.user).get(URL))


@pytest.mark.django_db
def test_fault_in_a_page_view_answers_the_503_page(client_record, web, monkeypatch, logged):
    web.force_login(client_record.user)
    monkeypatch.setattr(pages, "client_home", locked)

    response = web.get("/me/")

    assert_page_503(response)
    assert_one_warning(logged)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "api"), [("/", False), ("/me/", False), ("/api/v1/me/", True)])
def test_fault_in_the_session_middleware_answers_503(
    client_record, web, monkeypatch, logged, path, api
):
    web.force_login(client_record.user)  # a session cookie: middleware loads the session
    monkeypatch.setattr(SessionStore, "load", locked)

    response = web.get(path)

    if api:
        assert_api_503(response)
    else:
        assert_page_503(response)
    assert_one_warning(logged)


@pytest.mark.django_db
def test_another_error_is_still_a_500(client_record, web, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a bug, not an outage")

    web.force_login(client_record.user)
    monkeypatch.setattr(pages, "client_home", broken)
    response = web.get("/me/")
    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_a_missing_table_is_a_mistake_not_a_pause_and_stays_a_500(client_record, web, monkeypatch):
    """What a deploy that forgot `migrate` meets: on SQLite an OperationalError too."""
    import sqlite3

    def no_table(**kwargs):
        try:
            raise sqlite3.OperationalError("no such table: outbox_outboxmessage")
        except sqlite3.OperationalError as driver_error:
            raise OperationalError(str(driver_error)) from driver_error

    web.force_login(client_record.user)
    monkeypatch.setattr(pages, "client_home", no_table)
    response = web.get("/me/")
    assert response.status_code == 500
    assert "Retry-After" not in response


# Runs in its own process on a SQLite file (the test database is in memory, without
# locks between connections): a second connection holds the write lock past the timeout.
LOCKED_SQLITE = r"""
import json, sqlite3, sys, time, uuid
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient
from clients.models import CheckIn
from clinic.models import IdempotencyKey
from tests import factories

connection.settings_dict["OPTIONS"]["timeout"] = 1  # seconds a writer waits for the lock
call_command("migrate", verbosity=0)
client = factories.ClientFactory()
_, token = AuthToken.objects.create(user=client.user)
api = APIClient(SERVER_NAME="127.0.0.1")
api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
body = json.loads(sys.argv[1])
key = str(uuid.uuid4())

def post():
    response = api.post("/api/v1/check-ins/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    return {
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "replayed": response.get("Idempotent-Replayed"),
        "body": response.json(),
    }

holder = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
holder.execute("BEGIN IMMEDIATE")  # another process's write transaction, held too long
started = time.monotonic()
during = post()
waited = time.monotonic() - started
stored_during = CheckIn.objects.count(), IdempotencyKey.objects.count()  # WAL: reads go on
holder.execute("ROLLBACK")
after, replay = post(), post()
print(json.dumps({
    "during": during, "waited": waited, "stored_during": stored_during,
    "after": after["status"], "replay": [replay["status"], replay["replayed"]],
    "stored": [str(u) for u in CheckIn.objects.values_list("client_uuid", flat=True)],
    "keys": IdempotencyKey.objects.count(),
}))
"""


@pytest.mark.integration
def test_sqlite_locked_past_the_timeout_answers_503_then_the_retry_stores_once(tmp_path):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite's write lock: the suite runs on another database")
    data = body()
    process = processes.start(
        ["-c", LOCKED_SQLITE, json.dumps(data)],
        {
            "DJANGO_SETTINGS_MODULE": "clinic.settings_test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "VAR_DIR": str(tmp_path / "var"),
            "CELERY_BROKER_URL": "filesystem://",
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
        },
    )
    try:
        out, err = process.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert process.returncode == 0, err
    seen = processes.last_json(out)

    during = seen["during"]
    assert during["status"] == 503 and during["retry_after"] == "5"
    assert during["body"]["errors"][0]["code"] == "database_unavailable"
    assert seen["waited"] >= 1  # it waited for the lock before giving up
    assert seen["stored_during"] == [0, 0]
    assert seen["after"] == 201
    assert seen["replay"] == [201, "true"]
    assert seen["stored"] == [data["client_uuid"]] and seen["keys"] == 1
    warnings = [line for line in err.splitlines() if "database unavailable" in line]
    assert len(warnings) == 1 and "database is locked" in warnings[0]
    assert "Traceback" not in err and NOTE not in err
