"""Writers for the concurrency tests, run as separate processes against a real database.

    python -m tests.api.concurrent_writers setup          -> prints {"tokens": [...]}
    python -m tests.api.concurrent_writers same-key TOKEN N
    python -m tests.api.concurrent_writers distinct TOKEN N PREFIX
    python -m tests.api.concurrent_writers count          -> prints {"check_ins": n, ...}

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

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from knox.models import AuthToken  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

BODY = {
    "emotions": [{"label": "grief", "intensity": 6}, {"label": "calm", "intensity": 2}],
    "distress": 5,
    "charge": 2,
    "mind_space": 40,
    "note": "concurrency test",
}


def _body() -> dict:
    return {**BODY, "occurred_at": (timezone.now() - dt.timedelta(minutes=1)).isoformat()}


def setup() -> None:
    from clients.services import client_create
    from clinic.services import clinic_create, therapist_create

    clinic = clinic_create(name="Concurrency", slug="concurrency")
    therapist = therapist_create(clinic=clinic, email="t@conc.example", display_name="T")
    tokens = []
    for n in range(4):
        client = client_create(therapist=therapist, email=f"c{n}@conc.example", label=f"C{n}")
        tokens.append(AuthToken.objects.create(user=client.user)[1])
    print(json.dumps({"tokens": tokens}))


def _post(token: str, key: str, body: dict) -> int:
    api = APIClient(SERVER_NAME="127.0.0.1")  # a host the settings allow
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    try:
        return api.post(
            "/api/v1/check-ins/", body, format="json", HTTP_IDEMPOTENCY_KEY=key
        ).status_code
    finally:
        connection.close()


def same_key(token: str, count: int) -> None:
    """``count`` threads, each with its own connection, send one request at the same moment."""
    body = _body()
    start = threading.Barrier(count)
    statuses: list[int] = []

    def send():
        start.wait()
        statuses.append(_post(token, "one-key-for-all-of-them", body))

    threads = [threading.Thread(target=send) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps(Counter(statuses)))


def distinct(token: str, count: int, prefix: str) -> None:
    statuses = Counter(_post(token, f"{prefix}-{n:05d}", _body()) for n in range(count))
    print(json.dumps(statuses))


def count() -> None:
    from clients.models import CheckIn, CheckInEmotion

    print(
        json.dumps(
            {"check_ins": CheckIn.objects.count(), "emotions": CheckInEmotion.objects.count()}
        )
    )


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "setup":
        setup()
    elif command == "same-key":
        same_key(args[0], int(args[1]))
    elif command == "distinct":
        distinct(args[0], int(args[1]), args[2])
    elif command == "count":
        count()
    else:
        raise SystemExit(f"unknown command {command}")
