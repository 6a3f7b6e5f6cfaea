"""Server time of the clinic outcomes page: a clinic of 1,000 clients against one of 50,
in the same run.

    .venv/bin/python bench/outcomes.py [--db sqlite|postgres] [--runs 30]

Builds a fresh database (a SQLite file, or a new PostgreSQL database as bench/report.py
does) with two clinics of five therapists each, one with 50 clients and one with 1,000,
each client with four PHQ-9 and four GAD-7 scores over the last eleven months. Renders
/outcomes/ for each clinic's admin through Django's request handler (no network: the
server's own time), alternating the two, and reports the median of each and their ratio.
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from report import configure  # noqa: E402  (the same fresh database and production settings)

SIZES = {"small": 50, "large": 1000}
THERAPISTS = 5
SCORES_EACH = 4  # per instrument and client


def clinic_with_clients(name: str, clients: int, rng: random.Random):
    """A clinic, its admin, five therapists and ``clients`` clients with scores."""
    from clients.measures.instruments import INSTRUMENTS
    from clients.measures.models import MeasureResponse
    from clients.measures.scoring import score
    from clients.models import Client
    from clinic.models import User
    from clinic.services import clinic_admin_create, clinic_create, therapist_create

    # No second factor to give: the page, not the sign-in, is what is timed.
    clinic = clinic_create(name=name, slug=name, two_factor_required=False)
    admin = clinic_admin_create(clinic=clinic, email=f"admin@{name}.example", display_name="A")
    therapists = [
        therapist_create(clinic=clinic, email=f"t{n}@{name}.example", display_name=f"T{n}")
        for n in range(THERAPISTS)
    ]
    # Accounts and records in bulk: client_create's checks would only slow the set-up.
    users = [
        User(email=f"c{n}@{name}.example", clinic=clinic, role=User.Role.CLIENT)
        for n in range(clients)
    ]
    for user in users:
        user.set_unusable_password()  # as a client invited but not yet signed up
    User.objects.bulk_create(users)
    now = datetime.now(UTC)
    records = Client.objects.bulk_create(
        Client(
            clinic=clinic,
            user=user,
            primary_therapist=therapists[n % THERAPISTS],
            label=f"C{n}",
            started_on=(now - timedelta(days=340)).date(),
        )
        for n, user in enumerate(users)
    )
    responses = []
    for client in records:
        for code in ("phq9", "gad7"):
            definition = INSTRUMENTS[code]
            level = rng.randint(0, 3)
            for k in range(SCORES_EACH):
                # A course that drifts down, up or stays, with noise, as real ones do.
                answers = {
                    item: max(
                        0, min(3, level + rng.choice((-1, 0, 0, 1)) - (k * rng.randint(0, 1)))
                    )
                    for item in definition.item_codes
                }
                if code == "phq9":
                    answers["9"] = 0  # the self-harm item raises alerts; not what is timed here
                scored = score(definition, answers)
                responses.append(
                    MeasureResponse(
                        client=client,
                        instrument=code,
                        version=definition.version,
                        completed_at=now - timedelta(days=330 - 80 * k, hours=rng.randrange(12)),
                        answers=answers,
                        total=scored.total,
                        band=scored.band,
                        subscales=scored.subscales,
                    )
                )
    MeasureResponse.objects.bulk_create(responses, batch_size=2000)
    return admin


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

        call_command("migrate", verbosity=0)
        call_command("collectstatic", "--noinput", verbosity=0)  # production settings
        rng = random.Random(7)
        admins = {size: clinic_with_clients(size, count, rng) for size, count in SIZES.items()}
        browsers = {}
        for size, admin in admins.items():
            browsers[size] = Browser()
            browsers[size].force_login(admin)
            page = browsers[size].get("/outcomes/")  # warm up, and check what is counted
            assert page.status_code == 200, page.status_code
            assert f"<td>{SIZES[size]}</td>" in page.content.decode()  # PHQ-9's clients
        timings: dict[str, list[float]] = {size: [] for size in SIZES}
        for _ in range(args.runs):
            for size, browser in browsers.items():
                started = time.perf_counter()
                response = browser.get("/outcomes/")
                timings[size].append(1000 * (time.perf_counter() - started))
                assert response.status_code == 200
        small, large = statistics.median(timings["small"]), statistics.median(timings["large"])
        report = {
            "date": datetime.now(UTC).date().isoformat(),
            "machine": (
                f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
            ),
            "database": args.db,
            "runs": args.runs,
            "clients_50_median_ms": round(small, 1),
            "clients_1000_median_ms": round(large, 1),
            "ratio": round(large / small, 2),
        }
    finally:
        drop()
    print(json.dumps(report, indent=2))
    ok = report["ratio"] < 3
    print("target met" if ok else "TARGET MISSED: 1,000 clients under 3x the time of 50")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
