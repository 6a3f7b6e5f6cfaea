"""Reminders with real processes: a Celery worker (and beat where the sweep matters), the
web server, a fresh database of the configured engine, and an SMTP server (aiosmtpd) that
keeps every message whole, so what is checked is what was really sent.

Each person is seeded so that their daily hour is the current hour in their own zone and
they have no quiet hours: the exercise reminder is due now. Each test prints what it
counted.
"""

import contextlib
import json
import re
import signal
import sqlite3
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests import processes
from tests.clinic.outbox import servers

pytestmark = pytest.mark.integration

SITE = "https://dashboard.example"
SUBJECT = "Something planned for today"

# Run in the product's shell: a clinic, a therapist and ``count`` clients whose exercise
# reminder is due now (an exercise every day, their hour the current one, no quiet hours).
# ``done``: whether each has already done today's exercise, a minute before their hour.
SEED = """
import json
from datetime import time, timedelta
from zoneinfo import ZoneInfo
from django.utils import timezone
from clients.models import EmotionLabel
from clients.reminders.models import ReminderPreference
from tests import factories

def seed(tag, zone, done):
    now = timezone.now()
    local = timezone.localtime(now, ZoneInfo(zone))
    today = local.date()
    clinic = factories.ClinicFactory(name=f"Harbour Practice {tag}", slug=f"harbour-{tag}")
    # Nobody signs in with a password here: none is hashed (half a second each otherwise).
    therapist = factories.TherapistFactory(
        clinic=clinic, user__email=f"{tag}-therapist@example.org", user__password=None
    )
    exercise = clinic.exercises.filter(is_active=True).order_by("pk").first()
    before_the_hour = max(
        local.replace(minute=0, second=0, microsecond=0) - timedelta(minutes=1),
        local.replace(hour=0, minute=0, second=1, microsecond=0),
    )
    people = []
    for n, done_already in enumerate(done):
        client = factories.ClientFactory(
            primary_therapist=therapist,
            time_zone=zone,
            started_on=today - timedelta(days=2),  # too soon for the check-in nudge
            label=f"{tag} {n}",
            user__email=f"{tag}-{n}@example.org",
            user__password=None,
        )
        assignment = factories.AssignmentFactory(
            client=client, exercise=exercise, starts_on=today - timedelta(days=10)
        )
        if done_already:
            factories.CompletionFactory(assignment=assignment, completed_at=before_the_hour)
        ReminderPreference.objects.create(
            user=client.user, daily_hour=local.hour, quiet_from=time(0), quiet_until=time(0)
        )
        people.append({"email": client.user.email, "user_id": client.user_id})
    return {
        "people": people,
        "clinic": clinic.name,
        "exercises": list(clinic.exercises.values_list("title", flat=True)),
        "feelings": list(EmotionLabel.objects.filter(clinic=clinic).values_list("name", flat=True)),
    }
"""

PLAN_TWICE = """
from clients.reminders.tasks import reminders_plan
reminders_plan.delay()
reminders_plan.delay()
"""


def _seed(env: dict, count: int, *, done: list[bool] | None = None, plan: bool = True) -> dict:
    """Seed ``count`` clients due now (in Chicago) and, with ``plan``, queue the planning
    task twice, as beat and a retry might: one process start for both."""
    tag = uuid.uuid4().hex[:6]
    call = f"\nseeded = seed({tag!r}, 'America/Chicago', {done or [False] * count})\n"
    call += (PLAN_TWICE if plan else "") + "print(json.dumps(seeded))"
    return servers.shell(env, SEED + call)


def _plan_twice(env: dict) -> None:
    servers.shell(env, "import json" + PLAN_TWICE + "print(json.dumps(1))")


def _sql(env: dict, query: str, ids: list[int]) -> list[tuple]:
    """Read (or delete) straight from the database, where a Django process per look would
    cost seconds. ``ids`` fill the query's ``IN ({ids})``."""
    query = query.format(ids=", ".join(str(int(each)) for each in ids))
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30)
        with contextlib.closing(connection), connection:
            return connection.execute(query).fetchall()
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as connection:
        cursor = connection.execute(query)
        return cursor.fetchall() if cursor.description else []


def _rows(env: dict, people: list[dict]) -> list[list]:
    """(recipient, kind, attempts, sent, why dropped) of each reminder owed to ``people``."""
    query = (
        "SELECT recipient_id, kind, attempts, sent_at IS NOT NULL, drop_reason "
        "FROM outbox_outboxmessage WHERE kind LIKE 'reminder_%' AND recipient_id IN ({ids}) "
        "ORDER BY recipient_id, id"
    )
    found = _sql(env, query, [p["user_id"] for p in people])
    return [[who, kind, tries, bool(sent), why] for who, kind, tries, sent, why in found]


def _choices(env: dict, people: list[dict]) -> dict[int, dict]:
    """The kinds each person chose, by user id."""
    query = "SELECT user_id, kinds FROM reminders_reminderpreference WHERE user_id IN ({ids})"
    found = _sql(env, query, [p["user_id"] for p in people])
    return {who: json.loads(kinds) if isinstance(kinds, str) else kinds for who, kinds in found}


def _log(folder: Path, name: str):
    return open(folder / f"{name}.log", "a")  # noqa: SIM115  (closed with the test's folder)


def _environment(database_url: str, folder: Path) -> dict:
    env = {
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        # The unsubscribe page is HTML: DEBUG serves its static files without collectstatic.
        "DEBUG": "true",
        "DATABASE_URL": database_url,
        "VAR_DIR": str(folder / "var"),
        "CELERY_QUEUE": f"test-{uuid.uuid4().hex[:8]}",
        "CELERY_BROKER_URL": "filesystem://",
        "LOG_LEVEL": "WARNING",
        "SITE_URL": SITE,
    }
    if settings.CELERY_BROKER_URL.startswith("redis"):
        env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    processes.result(processes.start(["manage.py", "migrate", "-v0"], env))
    return env


@dataclass
class Stage:
    env: dict
    mailbox: servers.Mailbox
    folder: Path
    running: list = field(default_factory=list)


@pytest.fixture(scope="module")
def stage(tmp_path_factory):
    """One fresh database, a mail server and a worker for the tests that neither kill
    nor slow anything; each test seeds a clinic of its own."""
    folder = tmp_path_factory.mktemp("reminders")
    with processes.fresh_database(folder) as database_url, servers.mail_server() as (port, box):
        env = {**_environment(database_url, folder), "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
        worker = servers.worker(env, _log(folder, "worker"))
        try:
            yield Stage(env, box, folder)
        finally:
            servers.stop(worker)


def _settled(mailbox: servers.Mailbox, seconds: float = 2) -> None:
    """Wait until nothing more has arrived for ``seconds``."""
    count = -1
    while count != len(mailbox.messages):
        count = len(mailbox.messages)
        time.sleep(seconds)


def _names(text: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE) is not None


def test_a_reminder_planned_twice_arrives_once_with_both_parts_and_one_click_unsubscribe(stage):
    env, mailbox = stage.env, stage.mailbox
    seeded = _seed(env, 1)
    person = seeded["people"][0]
    servers.wait_for(lambda: mailbox.to(person["email"]), "the reminder", timeout=60)
    _settled(mailbox)
    arrived = mailbox.to(person["email"])
    rows = _rows(env, [person])
    print(
        f"\nplanned twice: {len(arrived)} e-mail(s) to the client, subjects "
        f"{[a.header('Subject') for a in arrived]}; outbox rows {rows}"
    )
    assert len(arrived) == 1, "the task ran twice, the reminder arrives once"
    assert rows == [[person["user_id"], "reminder_exercises", 1, True, ""]]

    email = arrived[0]
    assert email.header("Subject") == SUBJECT
    assert email.message.get_content_type() == "multipart/alternative"
    text, html = email.text, email.html
    assert text and html, "a plain and an HTML part"
    assert email.header("Message-ID")

    header = email.header("List-Unsubscribe")
    found = re.fullmatch(r"<(https://[^>]+/reminders/stop/([^/>]+)/)>", header or "")
    assert found, header
    link = found.group(1)
    assert link.startswith(SITE + "/reminders/stop/")
    assert email.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    # The link in the body is the header's, in both parts.
    assert link in text
    assert f'href="{link}"' in html
    assert re.findall(r"https://\S+/reminders/stop/\S+?/", text) == [link]

    everything = "\n".join([email.header("Subject"), text, html])
    for title in seeded["exercises"]:
        assert title.lower() not in everything.lower(), title
    assert "therap" not in everything.lower().replace(seeded["clinic"].lower(), "")
    named = [name for name in seeded["feelings"] if _names(everything, name)]
    assert seeded["feelings"] and not named, named


def test_a_client_done_for_the_day_gets_no_exercise_reminder(stage):
    """Done before the hour: nothing is even owed. Done after it was owed and before the
    worker got to it: the worker asks again and sends nothing."""
    env, mailbox = stage.env, stage.mailbox
    done, pending, late = _seed(env, 3, done=[True, False, False], plan=False)["people"]

    # Owed now by the planner, but queued only after the second client has done it.
    servers.shell(
        env,
        "import json\n"
        "from django.utils import timezone\n"
        "from clients.models import Assignment\n"
        "from clients.reminders import planner\n"
        "from clinic.outbox.tasks import outbox_send_many\n"
        "from tests import factories\n"
        "ids = planner.plan()\n"
        f"assignment = Assignment.objects.get(client__user_id={late['user_id']})\n"
        "factories.CompletionFactory(assignment=assignment, completed_at=timezone.now())\n"
        "outbox_send_many.delay(ids)\n" + PLAN_TWICE + "print(json.dumps(ids))",
    )
    servers.wait_for(lambda: mailbox.to(pending["email"]), "the control client's reminder")
    _settled(mailbox)
    rows = _rows(env, [done, pending, late])
    counts = [len(mailbox.to(p["email"])) for p in (done, pending, late)]
    print(
        f"\ne-mails to (done before the hour, not done, done once owed): {counts}; "
        f"outbox rows {rows}"
    )
    assert counts == [0, 1, 0]
    assert [row[0] for row in rows] == [pending["user_id"], late["user_id"]], "none owed"
    assert rows[0][3] is True
    assert rows[1][3] is False and rows[1][4] == "not_needed"


def _one_char_changed(token: str) -> str:
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")


def test_the_unsubscribe_link_stops_that_kind_at_once_and_cannot_be_forged(stage):
    env, mailbox, folder = stage.env, stage.mailbox, stage.folder
    stopping, control = _seed(env, 2)["people"]
    for person in (stopping, control):
        servers.wait_for(lambda p=person: mailbox.to(p["email"]), "the first reminders")
    header = mailbox.to(stopping["email"])[0].header("List-Unsubscribe")
    link = header.strip("<>")
    path = urlsplit(link).path
    token = path.rstrip("/").rsplit("/", 1)[1]
    other_token = (
        mailbox.to(control["email"])[0].header("List-Unsubscribe").strip("<>").rstrip("/")
    ).rsplit("/", 1)[1]
    web, base = servers.web(env, _log(folder, "web"))
    try:
        one_click = {"Content-Type": "application/x-www-form-urlencoded"}
        body = b"List-Unsubscribe=One-Click"
        # A mail scanner opens every link: a visit shows a button and changes nothing.
        visited, page = servers.fetch("GET", base + path)
        assert visited == 200
        assert "<form" in page and 'method="post"' in page
        assert _choices(env, [stopping]) == {stopping["user_id"]: {}}

        # A token with one character changed, or another person's id under this one's
        # signature: not found, nothing changes.
        forged = [
            path.replace(token, _one_char_changed(token)),
            path.replace(token, other_token.split(".")[0] + "." + token.split(".", 1)[1]),
            path.replace(token, token.split(".")[0] + ".m" + token.split(".", 1)[1][1:]),
        ]
        answers = [servers.fetch("POST", base + url, body, one_click)[0] for url in forged]
        assert answers == [404, 404, 404], answers
        unchanged = {stopping["user_id"]: {}, control["user_id"]: {}}
        assert _choices(env, [stopping, control]) == unchanged

        # The mail program's one-click post: no cookie, no CSRF token.
        status, page = servers.fetch("POST", base + path, body, one_click)
        assert status == 200
        again, _page = servers.fetch("POST", base + path, body, one_click)  # twice: the same
        assert again == 200
    finally:
        servers.stop(web)
    choices = _choices(env, [stopping, control])
    assert choices == {**unchanged, stopping["user_id"]: {"exercises": False}}, choices

    # The next day's planning (today's rows forgotten, as tomorrow's slot has none yet)
    # owes the control client's reminder again, and nothing to the one who stopped it.
    forget = "DELETE FROM outbox_outboxmessage WHERE recipient_id IN ({ids})"
    _sql(env, forget, [stopping["user_id"], control["user_id"]])
    _plan_twice(env)
    servers.wait_for(lambda: len(mailbox.to(control["email"])) == 2, "the control's next one")
    _settled(mailbox)
    counts = [len(mailbox.to(p["email"])) for p in (stopping, control)]
    rows = _rows(env, [stopping, control])
    print(
        f"\nunsubscribe: visit 200 and no change, forged {answers}, one-click 200; "
        f"e-mails (stopped, control): {counts}; rows after the next planning {rows}"
    )
    assert counts == [1, 2]
    assert [row[0] for row in rows] == [control["user_id"]]


@pytest.fixture
def alone(stage):
    """The same database on a queue of this test's own, with a lease and a sweep of a few
    seconds: this test kills its worker and has beat sweep after it."""
    return {
        **stage.env,
        "CELERY_QUEUE": f"test-{uuid.uuid4().hex[:8]}",
        "OUTBOX_LEASE_SECONDS": "4",
        "OUTBOX_SWEEP_EVERY_SECONDS": "2",
        "OUTBOX_SWEEP_AFTER_SECONDS": "2",
    }


CLIENTS = 30


def test_a_worker_killed_mid_run_leaves_every_reminder_sent_once_after_the_restart(alone, tmp_path):
    env = alone
    people = _seed(env, CLIENTS, plan=False)["people"]
    emails = {p["email"] for p in people}
    running = []
    # 0.3 s per message: the worker is mid-run for about ten seconds.
    with servers.mail_server(delay=0.3) as (port, mailbox):
        env["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
        try:
            first = servers.worker(env, _log(tmp_path, "first-worker"), name="first")
            running.append(first)
            _plan_twice(env)
            servers.wait_for(lambda: len(mailbox.messages) >= 8, "the first reminders", every=0.05)
            servers.stop(first, signal.SIGKILL)
            killed_at = time.monotonic()
            before_the_kill = len(mailbox.messages)
            running.append(servers.worker(env, _log(tmp_path, "second-worker"), name="second"))
            running.append(servers.beat(env, _log(tmp_path, "beat")))
            servers.wait_for(
                lambda: all(row[3] or row[4] for row in _rows(env, people)),
                "every client's reminder sent (or left as perhaps sent) after the restart",
                timeout=120,
            )
            all_in = round(time.monotonic() - killed_at, 1)
            time.sleep(4)  # two more sweeps: nothing goes out again
        finally:
            servers.stop_all(running)
        arrivals = list(mailbox.messages)
    rows = _rows(env, people)
    copies = Counter(a.recipient for a in arrivals)
    ids = defaultdict(set)
    for arrival in arrivals:
        ids[arrival.recipient].add(arrival.header("Message-ID"))
    doubled = {who: n for who, n in copies.items() if n > 1}
    print(
        f"\nworker killed after {before_the_kill} of {CLIENTS} reminders; every client had "
        f"theirs {all_in} s after the kill; {len(arrivals)} e-mails for {len(copies)} "
        f"clients; received twice: {len(doubled)}; perhaps sent at the kill and not again: "
        f"{sum(row[4] == 'in_doubt' for row in rows)}; attempts per row: "
        f"{sorted(Counter(row[2] for row in rows).items())}"
    )
    assert 0 < before_the_kill < CLIENTS, "the kill landed mid-run"
    in_doubt = [row for row in rows if row[4] == "in_doubt"]
    doubtful = {p["email"] for p in people if p["user_id"] in {row[0] for row in in_doubt}}
    # The one in flight had almost surely reached the mail server (it is slow to answer,
    # not to receive), but had it not, that client alone would miss it: once at most.
    assert emails - set(copies) <= doubtful
    assert all(len(found) == 1 for found in ids.values()), "never two different messages"
    assert all(a.header("Subject") == SUBJECT for a in arrivals)
    assert doubled == {}, "a reminder the mail server may have had is not sent again"
    # Each row sent, or, for the one the mail server held at the kill, left as perhaps sent.
    assert len(rows) == CLIENTS and len(in_doubt) <= 1, rows
    assert all(row[3] for row in rows if row not in in_doubt), rows
