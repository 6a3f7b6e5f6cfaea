"""The nightly backup on the one-machine default (BACKUP_NIGHTLY, scheduled in settings).

Celery's autodiscovery finds only ``tasks.py``: settings name this module in CELERY_IMPORTS.
"""

from pathlib import Path

from celery import shared_task
from django.conf import settings

from .backups import backup_write, prune


@shared_task
def backup_nightly() -> str:
    """Write a backup into BACKUP_DIR and keep the newest BACKUP_KEEP; returns its folder.

    Run twice, it writes two backups and prune keeps BACKUP_KEEP of them.
    """
    folder = backup_write(Path(settings.BACKUP_DIR))
    prune(Path(settings.BACKUP_DIR), settings.BACKUP_KEEP)
    return folder.name
