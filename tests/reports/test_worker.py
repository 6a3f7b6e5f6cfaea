"""Weekly summaries with a real Celery worker process and a real broker.

The broker is the configured one: the filesystem broker (in a folder of the test's
own) on the one-machine defaults, or Redis when CELERY_BROKER_URL says so, with a
queue of the test's own. The database is a fresh one of the configured engine.
"""

import os
import signal
import subprocess
import time
import uuid

import pytest
from django.conf import settings

from tests import processes

pytestmark = pytest.mark.integration

COUNT = """
import json
from reports.models import WeeklySummary
from reports.summaries import summaries_missing
rows = WeeklySummary.objects.count()
pairs = WeeklySummary.objects.values("client_id", "week_start").distinct().count()
print(json.dumps({"rows": rows, "pairs": pairs, "missing": len(summaries_missing())}))
"""
PLAN = "from reports.tasks import summaries_plan; summaries_plan.delay()"


@pytest.fixture
def product(tmp_path):
    """Environment of a fresh installation: database, broker folders, demo clients."""
    with processes.fresh_database(tmp_path) as database_url:
        env = {
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "DEBUG": "true",
            "DATABASE_URL": database_url,
            "VAR_DIR": str(tmp_path / "var"),
            "CELERY_QUEUE": f"test-{uuid.uuid4().hex[:8]}",
            "LOG_LEVEL": "WARNING",
            # One client-week per task, so that a worker killed mid-run leaves some built.
            "SUMMARIES_CHUNK": "1",
        }
        if settings.CELERY_BROKER_URL.startswith("redis"):
            env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
        else:
            env["CELERY_BROKER_URL"] = "filesystem://"
        processes.result(processes.start(["manage.py", "migrate", "-v0"], env))
        # Three weeks of history that no worker has summarised yet.
        seed = ["manage.py", "seed_demo", "--clients", "12", "--weeks", "3", "-v0"]
        processes.result(processes.start(seed, env))
        yield env


def _shell(env: dict, code: str) -> str:
    return processes.result(processes.start(["manage.py", "shell", "-c", code], env))


def _counts(env: dict) -> dict:
    return processes.last_json(_shell(env, COUNT))


def _rows(env: dict) -> int:
    """Summaries stored, read straight from the database: fast enough to catch a worker
    in the middle of its work, where a Django process per poll would not be."""
    query = "SELECT count(*) FROM reports_weeklysummary"
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30) as conn:
            return conn.execute(query).fetchone()[0]
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        return conn.execute(query).fetchone()[0]


def _worker(env: dict, log) -> object:
    args = ["-m", "celery", "-A", "clinic", "worker", "--pool=prefork", "--concurrency=2"]
    args += ["--without-mingle", "--without-gossip", "--loglevel=WARNING"]
    args += ["-Q", env["CELERY_QUEUE"]]
    return processes.start(args, env, stdout=log, stderr=log)


def _stop(worker, sig=signal.SIGTERM) -> None:
    """Stop the worker's whole process group. A warm shutdown that takes longer than
    20 s (it has been seen to hang with prefork children) ends with SIGKILL: what the
    tests check is the data, not the shutdown."""
    if worker.poll() is not None:
        return
    os.killpg(worker.pid, sig)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=20)


def _wait_until_complete(env: dict, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    counts = _counts(env)
    while counts["missing"] and time.monotonic() < deadline:
        time.sleep(2)
        counts = _counts(env)
    return counts


def test_planner_catches_up_weeks_with_no_worker_exactly_once(product, tmp_path):
    before = _counts(product)
    assert before["rows"] == 0 and before["missing"] >= 12 * 3  # three weeks, nobody built
    with open(tmp_path / "worker.log", "w") as log:
        worker = _worker(product, log)
        try:
            _shell(product, PLAN)
            counts = _wait_until_complete(product)
            _shell(product, PLAN)  # again, as beat does every hour: nothing new
            time.sleep(3)
            again = _counts(product)
        finally:
            _stop(worker)
    assert counts == {"rows": before["missing"], "pairs": before["missing"], "missing": 0}
    assert again == counts


def test_a_killed_worker_loses_no_week_and_doubles_none(product, tmp_path):
    expected = _counts(product)["missing"]
    with open(tmp_path / "worker.log", "w") as log:
        first = _worker(product, log)
        try:
            _shell(product, PLAN)
            deadline = time.monotonic() + 120
            while _rows(product) == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            _stop(first, signal.SIGKILL)  # mid-build: no warm shutdown
        built_before_the_kill = _rows(product)
        second = _worker(product, log)
        try:
            _shell(product, PLAN)  # the next hourly run
            counts = _wait_until_complete(product)
        finally:
            _stop(second)
    assert 0 < built_before_the_kill < expected  # the kill did land mid-run
    assert counts == {"rows": expected, "pairs": expected, "missing": 0}
