"""Server time of the progress report: a client with a year of daily check-ins
against one with ten days, in the same run.

    .venv/bin/python bench/report.py [--db sqlite|postgres] [--runs 30]

Builds a fresh database, then renders /clients/<id>/?window=all through Django's
request handler (no network: the server's own time), alternating the two clients,
and reports the median of each and their ratio.
"""

import argparse
import json
import os
import platform
import random
import statistics
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    drop = configure(args.db)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client as Browser

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
        browser = Browser()
        browser.force_login(therapist.user)
        timings: dict[str, list[float]] = {name: [] for name in clients}
        for client in clients.values():  # warm up
            assert browser.get(f"/clients/{client.pk}/", {"window": "all"}).status_code == 200
        for _ in range(args.runs):
            for name, client in clients.items():
                started = time.perf_counter()
                response = browser.get(f"/clients/{client.pk}/", {"window": "all"})
                timings[name].append(1000 * (time.perf_counter() - started))
                assert response.status_code == 200
        year, ten = statistics.median(timings["year"]), statistics.median(timings["ten_days"])
        report = {
            "date": datetime.now(UTC).date().isoformat(),
            "machine": (
                f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
            ),
            "database": args.db,
            "runs": args.runs,
            "year_median_ms": round(year, 1),
            "ten_days_median_ms": round(ten, 1),
            "ratio": round(year / ten, 2),
        }
    finally:
        drop()
    print(json.dumps(report, indent=2))
    ok = report["year_median_ms"] < 150 and report["ratio"] < 3
    print("target met" if ok else "TARGET MISSED: year < 150 ms median, ratio < 3")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
