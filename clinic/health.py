"""Reachability checks behind ``/healthz``: each answers True or False, never raises."""

import logging
import os
from pathlib import Path

from django.db import connection

from clinic.outbox import delivery
from clinic.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)


def database_reachable(db=connection) -> bool:
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception as error:  # any driver error means "not reachable"
        # One line per probe: a monitor asks every few seconds while the database is away.
        logger.warning("health check: database unreachable (%s)", type(error).__name__)
        return False


def broker_reachable() -> bool:
    from clinic.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            if conn.transport_cls == "filesystem":
                return _broker_folders_writable(app.conf.broker_transport_options)
            return True
    except Exception as error:  # kombu raises a different class per transport
        logger.warning("health check: broker unreachable (%s)", type(error).__name__)
        return False


def _broker_folders_writable(options: dict) -> bool:
    # The filesystem transport "connects" to anything; what matters is that the
    # folders the worker reads and the web writes are there and writable.
    folders = [options["data_folder_in"], options["data_folder_out"], options["control_folder"]]
    return all(Path(f).is_dir() and os.access(f, os.W_OK) for f in folders)


def cache_reachable() -> bool | None:
    """Whether the shared cache answers; None when it is each process's own memory."""
    from django.core.cache import cache

    reachable = getattr(cache, "reachable", None)
    return reachable() if reachable else None


def email_late() -> bool:
    """Whether any owed e-mail has waited longer than OUTBOX_LATE_AFTER."""
    return OutboxMessage.objects.late().exists()


def beat_running() -> bool:
    """Whether beat is running: the outbox's sweep, which beat starts every minute, ran
    lately. Without beat nothing late is sent and no alert is escalated."""
    return delivery.sweeping()
