"""Clinicians and sweepers acting on one alert at the same moment, as separate threads
with their own database connections against a real database.

    python -m tests.clients.safety.concurrent_safety setup        -> {"alert": id, ...}
    python -m tests.clients.safety.concurrent_safety follow-up N   -> outcomes of N at once
    python -m tests.clients.safety.concurrent_safety sweep N       -> e-mails sent by N sweeps
    python -m tests.clients.safety.concurrent_safety count         -> what is stored

The database comes from DATABASE_URL, as in production.
"""

import datetime as dt
import json
import os
import sys
import threading
from collections import Counter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings_test")

import django  # noqa: E402

django.setup()

from django.core import mail  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def setup() -> None:
    from clients.models import Alert
    from clients.services import client_create
    from clinic.services import clinic_create, therapist_create

    clinic = clinic_create(name="Races", slug="races")
    therapist = therapist_create(clinic=clinic, email="t@races.example", display_name="T")
    for n in range(2):
        cover = therapist_create(clinic=clinic, email=f"c{n}@races.example", display_name="C")
        cover.covers_alerts = True
        cover.save(update_fields=["covers_alerts"])
    client = client_create(therapist=therapist, email="client@races.example", label="R")
    alert = Alert.objects.create(
        client=client, kind="safety_concern", created_at=timezone.now() - dt.timedelta(hours=3)
    )
    print(json.dumps({"alert": alert.pk}))


def _at_once(count: int, work) -> list:
    start = threading.Barrier(count)
    outcomes: list = []

    def run():
        start.wait()
        try:
            outcomes.append(work())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def follow_up(count: int) -> None:
    from clients.models import Alert
    from clients.safety.services import follow_up_record
    from clinic.models import User

    alert = Alert.objects.get()
    by = User.objects.get(email="t@races.example")

    def one():
        try:
            follow_up_record(alert=Alert.objects.get(pk=alert.pk), by=by, action="contacted")
        except ValidationError:
            return "refused"
        return "resolved"

    print(json.dumps(Counter(_at_once(count, one))))


def sweep(count: int) -> None:
    from clients.safety.services import alerts_escalate

    setup_test_environment()  # the locmem backend's outbox, shared by the threads
    sent = _at_once(count, alerts_escalate)
    print(json.dumps({"alerts_escalated": sum(sent), "emails": len(mail.outbox)}))


def count() -> None:
    from clients.models import Alert
    from clients.safety.models import FollowUp

    alert = Alert.objects.get()
    print(
        json.dumps(
            {
                "follow_ups": FollowUp.objects.count(),
                "resolved": alert.acknowledged_at is not None,
                "escalated": alert.escalated_at is not None,
            }
        )
    )


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    commands = {"setup": setup, "follow-up": follow_up, "sweep": sweep, "count": count}
    commands[command](*(int(arg) for arg in args))
