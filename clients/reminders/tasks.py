from celery import shared_task
from django.db import OperationalError

from clinic.outbox.tasks import outbox_send_many

from . import planner

SEND_CHUNK = 50


# A database away for a moment: retried; the next run (a few minutes on) is the net below.
@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def reminders_plan() -> int:
    """Every few minutes: owe the reminders that are due, then have them sent in chunks.
    Safe to run twice and after a crash: each reminder is a row with a unique key, and the
    outbox's sweep sends whatever a lost chunk leaves."""
    new_ids = planner.plan()
    for start in range(0, len(new_ids), SEND_CHUNK):
        outbox_send_many.delay(new_ids[start : start + SEND_CHUNK])
    return len(new_ids)
