"""Owing e-mails: ``owe`` writes the row inside the caller's transaction and, once
committed, asks a worker to send it now. If the broker does not answer, the write still
stands and the sweep (beat, every minute; see delivery.py) sends it: late rather than never.
"""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction

from clinic.models import User

from . import kinds
from .models import OutboxMessage
from .tasks import outbox_send

logger = logging.getLogger(__name__)


def owe(
    *,
    kind: str,
    key: str,
    recipient: User,
    object_id: int | None = None,
    clinic_id: int | None = None,
    expires_at: datetime | None = None,
    ask_worker: bool = True,
) -> OutboxMessage:
    """Owe ``recipient`` an e-mail of ``kind``, once per ``key``. Once committed, a worker
    is asked to send it, unless the caller is a worker that sends it itself."""
    priority = kinds.kind_of(kind).priority
    fields = {
        "kind": kind,
        "object_id": object_id,
        "recipient": recipient,
        "clinic_id": clinic_id if clinic_id is not None else recipient.clinic_id,
        "priority": priority,
        "expires_at": expires_at,
    }
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(key=key, **fields)
    except IntegrityError:
        return OutboxMessage.objects.get(key=key)  # owed already: once is enough
    if ask_worker:
        transaction.on_commit(lambda: _ask_worker(message.pk, kind))
    return message


def _ask_worker(message_id: int, kind: str) -> None:
    """Queue the sending. A broker that does not answer must not turn the committed
    write into an error: the sweeper sends it when the broker is back."""
    if outbox_send.app.conf.task_always_eager:  # tests: the task runs here and now
        outbox_send.delay(message_id)
        return
    try:
        outbox_send.apply_async(
            (message_id,),
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5},
        )
    except Exception as error:  # each transport raises its own classes
        logger.warning(
            "E-mail %s (%s) not queued: broker did not answer (%s); the sweeper sends it",
            message_id,
            kind,
            type(error).__name__,
        )
