"""Server time of the progress report: a client with a year of daily check-ins
against one with ten days, in the same run.

    .venv/bin/python bench/report.py [--db sqlite|postgres|both] [--runs 30] [--profile FILE]

Builds a fresh database, then renders /clients/<id>/?window=all through Django's
request handler (no network: the server's own time), alternating the two clients,
and reports the median of each and their ratio: wall-clock time (the target), and the
process's CPU time, which moves less when other work shares the machine (with
PostgreSQL it leaves out the database server's own time). It checks that both pages
run the same number of queries, and prints the load average before and after, since a
busy machine stretches every figure. ``--profile`` writes cProfile statistics of the
year's page to FILE (read them with ``python -m pstats FILE``), after the timed runs.

Targets: the year under 150 ms median, and at most 1.5 times the ten days.
"""

import argparse
import cProfile
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def configure(db: str) -> callable:
    workdir = Path(tempfile.mkdtemp(prefix="bench-report-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="clinic.settings",
        DEBUG="false",
        SECRET_KEY="bench-" + uuid.uuid4().hex * 2,
        DATA_KEYS=Fernet.generate_key().decode(),
        SECURE_SSL_REDIRECT="false",  # the test client speaks plain HTTP
        ALLOWED_HOSTS="testserver",
        VAR_DIR=str(workdir),
        LOG_LEVEL="WARNING",
    )
    if db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        return lambda: None
    import psycopg

    name = f"clinic_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return drop


def client_with_history(therapist, label: str, days: int, rng: random.Random):
    from clients.models import Assignment, CheckIn, CheckInEmotion, Completion, EmotionLabel
    from clients.services import client_create
    from clinic.models import Session

    now = datetime.now(UTC)
    client = client_create(
        therapist=therapist,
        email=f"{label}@bench.example",
        label=label,
        started_on=(now - timedelta(days=days)).date(),
    )
    labels = list(EmotionLabel.objects.filter(clinic=client.clinic))
    check_ins = CheckIn.objects.bulk_create(
        CheckIn(
            client=client,
            occurred_at=now - timedelta(days=days - n, hours=rng.randrange(1, 12)),
            distress=rng.randint(0, 10),
            charge=rng.randint(-5, 5),
            mind_space=rng.randint(0, 100),
            self_compassion=rng.randint(0, 10),
            resistance=rng.randint(0, 10),
            wants_to_discuss=rng.random() < 0.1,
            note="A benchmark note." if rng.random() < 0.1 else "",
        )
        for n in range(days)
    )
    CheckInEmotion.objects.bulk_create(
        CheckInEmotion(check_in=c, label=label, intensity=rng.randint(1, 10))
        for c in check_ins
        for label in rng.sample(labels, 3)
    )
    exercises = list(client.clinic.exercises.all()[:4])
    assignments = [
        Assignment.objects.create(
            client=client,
            exercise=exercise,
            assigned_by=therapist,
            schedule="weekly",
            times_per_week=3,
            starts_on=(now - timedelta(days=days)).date(),
        )
        for exercise in exercises
    ]
    Completion.objects.bulk_create(
        Completion(
            assignment=rng.choice(assignments),
            completed_at=now - timedelta(days=days - n, hours=1),
            distress_before=rng.randint(4, 9),
            distress_after=rng.randint(1, 6),
            helpfulness=rng.randint(1, 5),
        )
        for n in range(0, days, 2)
    )
    Session.objects.bulk_create(
        Session(
            client=client,
            therapist=therapist,
            starts_at=now - timedelta(days=d),
            status="completed",
        )
        for d in range(1, days, 7)
    )
    return client


def signed_in(user):
    """A browser signed in as production signs a therapist in: password, then the second
    factor (the clinic asks for one), so every request takes the verified path."""
    from django.test import Client as Browser
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    browser = Browser()
    browser.force_login(user)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return browser


YEAR_UNDER_MS = 150
RATIO_AT_MOST = 1.5


def measure(db: str, runs: int, profile: str | None) -> dict:
    drop = configure(db)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from clinic.services import clinic_create, therapist_create

        call_command("migrate", verbosity=0)
        call_command("collectstatic", "--noinput", verbosity=0)  # production settings: hashed files
        clinic = clinic_create(name="Bench", slug="bench")
        therapist = therapist_create(clinic=clinic, email="t@bench.example", display_name="T")
        rng = random.Random(7)
        clients = {
            "year": client_with_history(therapist, "year", 365, rng),
            "ten_days": client_with_history(therapist, "ten", 10, rng),
        }
        browser = signed_in(therapist.user)

        def page(client):
            response = browser.get(f"/clients/{client.pk}/", {"window": "all"})
            assert response.status_code == 200
            return response

        queries, sizes = {}, {}
        for name, client in clients.items():  # warm up, and count what each page asks
            page(client)
            with CaptureQueriesContext(connection) as captured:
                sizes[name] = len(page(client).content)
            queries[name] = len(captured)
        load_before = os.getloadavg()
        wall: dict[str, list[float]] = {name: [] for name in clients}
        cpu: dict[str, list[float]] = {name: [] for name in clients}
        for _ in range(runs):
            for name, client in clients.items():
                started, started_cpu = time.perf_counter(), time.process_time()
                page(client)
                wall[name].append(1000 * (time.perf_counter() - started))
                cpu[name].append(1000 * (time.process_time() - started_cpu))
        load_after = os.getloadavg()
        if profile:
            profiler = cProfile.Profile()
            profiler.runcall(lambda: [page(clients["year"]) for _ in range(runs)])
            profiler.dump_stats(profile)
    finally:
        drop()

    def median(values: list[float]) -> float:
        return round(statistics.median(values), 1)

    def quartiles(values: list[float]) -> list[float]:
        low, _middle, high = statistics.quantiles(values, n=4)
        return [round(low, 1), round(high, 1)]

    year, ten = median(wall["year"]), median(wall["ten_days"])
    return {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "database": db,
        "runs": runs,
        "load_average_1min": [round(load_before[0], 2), round(load_after[0], 2)],
        "year_median_ms": year,
        "ten_days_median_ms": ten,
        "ratio": round(year / ten, 2),
        "year_quartiles_ms": quartiles(wall["year"]),
        "ten_days_quartiles_ms": quartiles(wall["ten_days"]),
        "year_cpu_median_ms": median(cpu["year"]),
        "ten_days_cpu_median_ms": median(cpu["ten_days"]),
        "cpu_ratio": round(statistics.median(cpu["year"]) / statistics.median(cpu["ten_days"]), 2),
        "queries": queries,
        "page_kb": {name: round(size / 1024) for name, size in sizes.items()},
    }


def target_met(report: dict) -> bool:
    return (
        report["year_median_ms"] < YEAR_UNDER_MS
        and report["ratio"] <= RATIO_AT_MOST
        and report["queries"]["year"] == report["queries"]["ten_days"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", metavar="FILE", help="cProfile statistics of the year")
    args = parser.parse_args()
    if args.profile and args.db == "both":
        parser.error("--profile profiles one database: give --db sqlite or --db postgres")
    if args.db == "both":  # one process per database: Django is set up once a process
        reports = []
        for db in ("sqlite", "postgres"):
            command = [sys.executable, __file__, "--db", db, "--runs", str(args.runs)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            sys.stderr.write(done.stderr)
            reports.append(json.loads(done.stdout[: done.stdout.rindex("}") + 1]))
    else:
        reports = [measure(args.db, args.runs, args.profile)]
    for report in reports:
        print(json.dumps(report, indent=2))
    ok = all(target_met(report) for report in reports)
    print(
        "target met"
        if ok
        else f"TARGET MISSED: year < {YEAR_UNDER_MS} ms median, at most {RATIO_AT_MOST}x the "
        "ten days, the same queries for both"
    )
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
