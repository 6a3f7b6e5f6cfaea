from celery import shared_task
from django.db import OperationalError

from . import delivery


# A database away for a moment: the task is retried; the sweeper is the net below that.
@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def outbox_send(message_id: int) -> bool:
    """Send one owed e-mail now (once: the row is claimed first)."""
    return delivery.send(message_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def outbox_send_many(message_ids: list[int]) -> int:
    """Send several owed e-mails (reminders planned together), each claimed on its own."""
    return sum(delivery.send(message_id) for message_id in message_ids)


@shared_task
def outbox_sweep() -> int:
    """Every minute: send every owed e-mail that its own task did not send."""
    return delivery.sweep()


@shared_task
def outbox_purge() -> int:
    """Daily: forget e-mails sent or dropped long ago."""
    return delivery.purge()
