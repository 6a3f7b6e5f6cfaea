"""Celery tasks for the weekly summaries. They take ids, call a service, and are safe
to run twice: a summary is an upsert, a digest e-mail is owed once and sent by the outbox."""

import logging
from datetime import date

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from clinic.outbox import delivery

from . import summaries, summary_batch

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=8)
def summaries_build(items: list[list]) -> int:
    """Build a chunk of client-weeks, each [client id, ISO date of its Monday]."""
    return summary_batch.summaries_build(
        (client_id, date.fromisoformat(week_start)) for client_id, week_start in items
    )


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=8)
def summary_build(client_id: int, week_start: str) -> int:
    """Build one client's summary of one clinic week (ISO date of its Monday). Kept for
    messages queued before chunks were built in one go."""
    return summaries_build([[client_id, week_start]])


def chunks_queue(missing: list[summaries.ClientWeek], on_queued=None) -> int:
    """Queue builds of ``missing`` in chunks of ``SUMMARIES_CHUNK``, ids only in every
    message. The planner lists a client's weeks together, so a chunk holds whole clients'
    weeks and each week's "week before" is read once."""
    arguments = [[item.client_id, item.week_start.isoformat()] for item in missing]
    size = settings.SUMMARIES_CHUNK
    for first in range(0, len(arguments), size):
        chunk = arguments[first : first + size]
        summaries_build.delay(chunk)
        if on_queued:
            on_queued(len(chunk))
    return len(arguments)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=8)
def summaries_plan(clinic_id: int | None = None, since: str | None = None) -> int:
    """Queue a build for every client-week still missing, in chunks; then the digests
    whose weeks are complete. Run hourly by beat, and by ``summaries_build``."""
    missing = summaries.summaries_missing(
        clinic_id=clinic_id, since=date.fromisoformat(since) if since else None
    )
    queued = chunks_queue(missing)
    for therapist_id, week_start in summaries.digests_due():
        try:
            owed = summaries.therapist_digest_owe(therapist_id=therapist_id, week_start=week_start)
        except Exception as error:  # one therapist's trouble must not hold back the others
            logger.warning(
                "Digest of therapist %s not owed (%s)", therapist_id, type(error).__name__
            )
            continue
        if owed is not None:
            delivery.send(owed)  # or, if it cannot go now, the outbox's sweep sends it
    return queued
