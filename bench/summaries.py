"""Weekly summaries for many client-weeks with real Celery workers.

    .venv/bin/python bench/summaries.py --db postgres --broker redis --sizes 25000 50000 100000
    .venv/bin/python bench/summaries.py --db sqlite --broker filesystem --sizes 2000 4000

For each size (client-weeks, smallest first) it builds a fresh database with
clients of 8 finished weeks each (4 check-ins a week, 3 emotions each), starts one worker
with 2 processes, queues the planner once and waits until no client-week is missing.
Reports wall time, summaries per second and the peak memory of a worker process.
"""

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
WEEKS = 8

SEED = """
import random
from datetime import timedelta
from django.utils import timezone
from clients.models import CheckIn, CheckInEmotion, EmotionLabel
from clients.services import client_create
from clinic.services import clinic_create, therapist_create
rng = random.Random(7)
clinic = clinic_create(name="Bench", slug="bench", time_zone="Europe/Berlin")
therapists = [
    therapist_create(clinic=clinic, email=f"t{{n}}@bench.example", display_name=f"T{{n}}")
    for n in range(10)
]
labels = list(EmotionLabel.objects.filter(clinic=clinic))
start = timezone.localdate() - timedelta(weeks={weeks}, days=7)
for n in range({clients}):
    client = client_create(
        therapist=therapists[n % 10], email=f"c{{n}}@bench.example", label=f"C{{n}}",
        started_on=start,
    )
    moments = [
        timezone.now() - timedelta(days=2 * k + 1, hours=rng.randrange(12))
        for k in range(4 * {weeks})
    ]
    rows = CheckIn.objects.bulk_create(
        CheckIn(
            client=client, occurred_at=m, distress=rng.randint(0, 10), charge=rng.randint(-5, 5),
            mind_space=rng.randint(0, 100), self_compassion=rng.randint(0, 10),
            resistance=rng.randint(0, 10),
        )
        for m in moments
    )
    CheckInEmotion.objects.bulk_create(
        CheckInEmotion(check_in=r, label=label, intensity=rng.randint(1, 10))
        for r in rows
        for label in rng.sample(labels, 3)
    )
"""
COUNT = "from reports.summaries import summaries_missing; print(len(summaries_missing()))"
PLAN = "from reports.tasks import summaries_plan; summaries_plan.delay()"


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def summaries_stored(database_url: str) -> int:
    """Count rows straight from the database: a Django process per poll would take
    CPU from the workers being measured."""
    query = "SELECT count(*) FROM reports_weeklysummary"
    if database_url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=30) as conn:
            return conn.execute(query).fetchone()[0]
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as conn:
        return conn.execute(query).fetchone()[0]


def analyze(database_url: str) -> None:
    """Refresh the planner's statistics after the bulk seed, as autovacuum does in time on
    a database that grew by use. Without it PostgreSQL still believes the tables nearly
    empty, scans all emotions for every chunk, and the cost grows with the square."""
    if database_url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            conn.execute("ANALYZE")
        return
    import psycopg

    url = database_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User and system time of a process so far (fields 14 and 15 of /proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def run(size: int, args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench-summaries-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DEBUG": "true",
        "VAR_DIR": str(workdir),
        "LOG_LEVEL": "WARNING",
        "CELERY_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
        "EMAIL_URL": "dummymail://",
    }
    drop = lambda: None  # noqa: E731
    if args.db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
    else:
        import psycopg

        name = f"clinic_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"

        def drop():
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    env["CELERY_BROKER_URL"] = (
        "redis://127.0.0.1:6379/14" if args.broker == "redis" else "filesystem://"
    )
    try:
        manage(env, "migrate", "-v0")
        manage(env, "shell", "-c", SEED.format(clients=size // WEEKS, weeks=WEEKS))
        analyze(env["DATABASE_URL"])
        expected = int(manage(env, "shell", "-c", COUNT))
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "clinic", "worker", "--pool=prefork",
             f"--concurrency={args.processes}", "--without-mingle", "--without-gossip",
             "--loglevel=WARNING", "-Q", env["CELERY_QUEUE"]],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        time.sleep(3)  # let the worker start before the clock does
        started = time.perf_counter()
        manage(env, "shell", "-c", PLAN)
        peak, stored = 0.0, 0
        while stored < expected:
            for pid in children(worker.pid):
                peak = max(peak, rss_mb(pid))
            time.sleep(0.5)
            stored = summaries_stored(env["DATABASE_URL"])
            if time.perf_counter() - started > 900:
                raise SystemExit(f"gave up with {expected - stored} missing")
        wall = time.perf_counter() - started
        cpu = sum(cpu_seconds(pid) for pid in [worker.pid, *children(worker.pid)])
        if int(manage(env, "shell", "-c", COUNT)):  # every week built, none twice
            raise SystemExit("client-weeks left unbuilt")
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
    finally:
        drop()
    return {
        "client_weeks": expected,
        "wall_s": round(wall, 1),
        "per_second": round(expected / wall, 1),
        "peak_worker_mb": round(peak, 1),
        # What the worker itself spent, which other work on a shared machine does not
        # stretch as it stretches the wall time.
        "worker_cpu_s": round(cpu, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--broker", choices=["filesystem", "redis"], default="redis")
    parser.add_argument("--sizes", type=int, nargs="+", default=[25000, 50000, 100000])
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    results = []
    for size in sorted(args.sizes):
        results.append(run(size, args))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)  # progress of a long run
    report = {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "database": args.db,
        "broker": args.broker,
        "worker_processes": args.processes,
        "runs": results,
        # Each size's time over the one before: near 2 for doubled work means linear.
        "cost_growth": [
            round(later["wall_s"] / earlier["wall_s"], 2)
            for earlier, later in zip(results, results[1:], strict=False)
        ],
        "cpu_growth": [
            round(later["worker_cpu_s"] / earlier["worker_cpu_s"], 2)
            for earlier, later in zip(results, results[1:], strict=False)
        ],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
