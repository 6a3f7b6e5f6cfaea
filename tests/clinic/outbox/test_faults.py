"""The safety e-mail survives the broker and the worker, with real processes: gunicorn,
a Celery worker and beat, a Redis of the test's own that is stopped and started again,
and real mail servers that count what arrives. Each test prints what it did and counted.
"""

import datetime as dt
import signal
import time
import uuid
from dataclasses import dataclass, field

import pytest
from django.conf import settings

from tests import processes

from . import servers

pytestmark = pytest.mark.integration

PASSWORD = "demo-healing-2026"

ALERT_E_MAILS = """
import json
from clinic.outbox.models import OutboxMessage
rows = OutboxMessage.objects.filter(kind="alert_notify", object_id__in={ids})
print(json.dumps([[m.object_id, m.attempts, m.sent_at is not None, m.lease_until is not None]
                  for m in rows.order_by("object_id")]))
"""

RAISE_ALERT = """
import json
from django.db import transaction
from django.utils import timezone
from clients.models import Alert, Client
from clients.services import check_in_prepare, check_in_record
client = Client.objects.order_by("pk").first()
with transaction.atomic():
    draft = check_in_prepare(client=client, occurred_at=timezone.now(), emotions=[],
                             safety_concern=True)
    check_in, _ = check_in_record(draft=draft)
print(json.dumps(Alert.objects.get(check_in=check_in).pk))
"""


@pytest.fixture
def product(tmp_path):
    """A fresh installation with the demo clinics, run as production runs it (DEBUG off),
    with the outbox's sweep every 2 seconds so the tests need not wait minutes."""
    with processes.fresh_database(tmp_path) as database_url:
        env = {
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "VAR_DIR": str(tmp_path / "var"),
            "CELERY_QUEUE": f"test-{uuid.uuid4().hex[:8]}",
            "CELERY_BROKER_URL": "filesystem://",
            "LOG_LEVEL": "WARNING",
            "OUTBOX_SWEEP_EVERY_SECONDS": "2",
            "OUTBOX_SWEEP_AFTER_SECONDS": "2",
            "SUMMARIES_PLAN_EVERY_SECONDS": "5",
            "SITE_URL": "http://dashboard.example",
        }
        processes.result(processes.start(["manage.py", "migrate", "-v0"], env))
        seed = ["manage.py", "seed_demo", "--clients", "3", "--weeks", "2", "-v0"]
        processes.result(processes.start(seed, {**env, "DEBUG": "true"}))
        yield env


COUNTS = """
import json
from reports.models import TherapistDigest, WeeklySummary
from reports.summaries import summaries_missing
print(json.dumps({"missing": len(summaries_missing()),
                  "summaries": WeeklySummary.objects.count(),
                  "digests": TherapistDigest.objects.filter(sent_at__isnull=False).count()}))
"""


@dataclass
class OnRedis:
    """The product's environment on a Redis of the test's own and a counting mail server;
    the processes a test starts go in ``running`` and are stopped after it."""

    env: dict
    redis: servers.Redis
    mailbox: servers.Mailbox
    running: list = field(default_factory=list)


@pytest.fixture
def on_redis(product, tmp_path):
    redis = servers.Redis(tmp_path)
    redis.start()
    with servers.mail_server() as (mail_port, mailbox):
        env = {
            **product,
            "CELERY_BROKER_URL": redis.url,
            "EMAIL_URL": f"smtp://127.0.0.1:{mail_port}",
        }
        stage = OnRedis(env, redis, mailbox)
        try:
            yield stage
        finally:
            for process in stage.running:
                servers.stop(process)
            redis.stop()


def _client_emails(env: dict) -> list[str]:
    code = (
        "import json; from clients.models import Client; "
        "print(json.dumps(list(Client.objects.values_list('user__email', flat=True))))"
    )
    return servers.shell(env, code)


def _alert_link(alert_id: int) -> str:
    return f"/alerts/{alert_id}/"


def _log(tmp_path, name):
    return open(tmp_path / f"{name}.log", "w")  # noqa: SIM115  (closed with the test's folder)


def test_with_the_broker_down_a_safety_check_in_is_answered_and_e_mailed_once_it_returns(
    on_redis, tmp_path
):
    env, redis, mailbox, running = on_redis.env, on_redis.redis, on_redis.mailbox, on_redis.running
    web, base = servers.web(env, _log(tmp_path, "web"))
    running += [web, servers.worker(env, _log(tmp_path, "worker"))]
    running.append(servers.beat(env, _log(tmp_path, "beat")))
    tokens = []
    for email in _client_emails(env):
        status, body = servers.call(
            "POST", f"{base}/api/v1/auth/login/", {"email": email, "password": PASSWORD}
        )
        assert status == 200, body
        tokens.append(body["token"])

    redis.stop()
    answers, alert_ids = [], []
    for token in tokens:
        started = time.monotonic()
        status, body = servers.call(
            "POST",
            f"{base}/api/v1/check-ins/",
            {
                "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
                "emotions": [],
                "safety_concern": True,
                "note": "words that stay in the database",
            },
            {"Authorization": f"Token {token}", "Idempotency-Key": str(uuid.uuid4())},
        )
        answers.append((status, round(time.monotonic() - started, 2)))
        assert status == 201, body
        assert body["crisis_resources"], "the crisis lines are shown at once"
        alert_ids.append(
            servers.shell(
                env,
                "import json; from clients.models import Alert; "
                f"print(json.dumps(Alert.objects.get(check_in_id={body['id']}).pk))",
            )
        )
    time.sleep(5)
    told_while_down = sum(len(mailbox.mentioning(_alert_link(a))) for a in alert_ids)
    assert told_while_down == 0, "nothing can reach the worker while the broker is down"

    redis.start()
    back_at = time.monotonic() - mailbox.started
    servers.wait_for(
        lambda: all(mailbox.mentioning(_alert_link(a)) for a in alert_ids),
        "every therapist's e-mail after the broker returned",
        timeout=180,
    )
    time.sleep(6)  # three more sweeps: nothing goes out twice
    arrivals = {a: mailbox.mentioning(_alert_link(a)) for a in alert_ids}
    rows = servers.shell(env, ALERT_E_MAILS.format(ids=alert_ids))
    after = [round(items[0][0] - back_at, 1) for items in arrivals.values()]
    print(
        f"\nbroker down: {len(answers)} safety check-ins answered {answers} (status, s); "
        f"e-mails while down: {told_while_down}; after the broker returned each arrived in "
        f"{after} s; copies per alert: {[len(items) for items in arrivals.values()]}; "
        f"outbox rows (alert, attempts, sent, leased): {rows}"
    )
    assert all(len(items) == 1 for items in arrivals.values()), "each e-mail exactly once"
    assert max(after) < 180
    assert all(sent for _alert, _attempts, sent, _leased in rows)


def test_a_worker_killed_between_claim_and_send_leaves_an_e_mail_that_goes_out_once_later(
    product, tmp_path
):
    env = {**product, "OUTBOX_LEASE_SECONDS": "6", "EMAIL_TIMEOUT": "120"}
    if settings.CELERY_BROKER_URL.startswith("redis"):
        env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    running = []
    with servers.silent_mail_server() as (silent_port, connections):
        first = servers.worker(
            {**env, "EMAIL_URL": f"smtp://127.0.0.1:{silent_port}"},
            _log(tmp_path, "first-worker"),
            name="first",
        )
        running.append(first)
        try:
            alert_id = servers.shell(env, RAISE_ALERT)
            servers.wait_for(lambda: connections, "the first worker to reach the mail server")
            claimed = servers.shell(env, ALERT_E_MAILS.format(ids=[alert_id]))
            assert claimed == [[alert_id, 1, False, True]], "claimed, not sent"
            servers.stop(first, signal.SIGKILL)
            killed_at = time.monotonic()
            with servers.mail_server() as (mail_port, mailbox):
                env["EMAIL_URL"] = f"smtp://127.0.0.1:{mail_port}"
                running.append(servers.worker(env, _log(tmp_path, "second-worker"), "second"))
                running.append(servers.beat(env, _log(tmp_path, "beat")))
                link = _alert_link(alert_id)
                servers.wait_for(lambda: mailbox.mentioning(link), "the e-mail", timeout=120)
                sent_after = round(time.monotonic() - killed_at, 1)
                time.sleep(6)  # three more sweeps
                copies = len(mailbox.mentioning(link))
                rows = servers.shell(env, ALERT_E_MAILS.format(ids=[alert_id]))
        finally:
            for process in running:
                servers.stop(process)
    print(
        f"\nworker killed holding the claim of alert {alert_id}'s e-mail "
        f"({len(connections)} connection to the silent mail server); the claim ran out and "
        f"the e-mail arrived {sent_after} s after the kill; copies: {copies}; "
        f"outbox row (alert, attempts, sent, leased): {rows}"
    )
    assert copies == 1
    assert rows == [[alert_id, 2, True, False]]


def test_after_a_broker_restart_that_lost_its_messages_summaries_digests_and_alerts_recover(
    on_redis, tmp_path
):
    """Work queued while no worker ran is lost with the broker; beat's planners and the
    outbox's sweep find it again, and nothing is done twice."""
    env, redis, mailbox, running = on_redis.env, on_redis.redis, on_redis.mailbox, on_redis.running
    alert_id = servers.shell(env, RAISE_ALERT)  # queued, and no worker to take it
    servers.shell(
        env,
        "import json; from reports.tasks import summaries_plan; "
        "summaries_plan.delay(); print(json.dumps(1))",
    )
    redis.stop()  # everything queued is gone
    redis.start()
    running += [servers.worker(env, _log(tmp_path, "worker"))]
    running.append(servers.beat(env, _log(tmp_path, "beat")))  # plans at its start
    servers.wait_for(lambda: mailbox.mentioning(_alert_link(alert_id)), "the alert")
    servers.wait_for(lambda: servers.shell(env, COUNTS)["missing"] == 0, "the summaries", every=2)
    servers.wait_for(lambda: mailbox.mentioning("weekly summar"), "the digests")
    time.sleep(6)
    found = servers.shell(env, COUNTS)
    alert_copies = len(mailbox.mentioning(_alert_link(alert_id)))
    digest_e_mails = len(mailbox.mentioning("weekly summar"))
    print(
        f"\nbroker restarted with a planner run and an alert e-mail queued: afterwards "
        f"{found['summaries']} summaries, {found['missing']} missing; "
        f"{digest_e_mails} digest e-mails for {found['digests']} digests; "
        f"alert e-mail copies: {alert_copies}"
    )
    assert found["missing"] == 0
    assert alert_copies == 1
    assert digest_e_mails == found["digests"] > 0
