"""Sending owed e-mails, in a worker. ``send`` claims a row with a lease before sending,
so two workers never send it both, and a worker killed in the middle leaves a claim that
runs out and is taken again by ``sweep``.
"""

import hashlib
import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, Q
from django.db.models.functions import Least
from django.utils import timezone

from . import kinds
from .models import Heartbeat, OutboxMessage

logger = logging.getLogger(__name__)

SWEEP = "outbox-sweep"
ATTEMPTS_MOST = 32000  # the column's range; an e-mail is tried for ever, counted up to here
BACKOFF_FIRST = timedelta(seconds=30)
# A safety e-mail is tried at least every two minutes however long the mail server has
# been away, so it goes out soon after the server is back; routine mail can wait longer.
BACKOFF_MOST = {
    OutboxMessage.Priority.SAFETY: timedelta(minutes=2),
    OutboxMessage.Priority.ACCOUNT: timedelta(minutes=10),
    OutboxMessage.Priority.ROUTINE: timedelta(minutes=30),
}


def _free(now: datetime) -> Q:
    return Q(lease_until__isnull=True) | Q(lease_until__lt=now)


def _message_id(message: OutboxMessage) -> str:
    # The same Message-ID on every attempt: a mail system that receives a message twice
    # (sent, then the worker died before recording it) can tell it is one message.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{message.key}".encode()).hexdigest()[:24]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"<outbox.{message.pk}.{digest}@{domain}>"


def send(message_id: int, *, now: datetime | None = None, due_by: datetime | None = None) -> bool:
    """Claim one owed e-mail, write it and send it. True if it was sent by this call.

    Whatever fails after the claim frees it with a later time to try again. A failed
    attempt is logged with the kind and the class of the error, never an address."""
    now = now or timezone.now()
    token = uuid.uuid4()
    claimed = (
        OutboxMessage.objects.pending()
        .filter(_free(now), pk=message_id, send_after__lte=due_by or now)
        .update(
            lease_until=now + settings.OUTBOX_LEASE,
            lease_token=token,
            attempts=Least(F("attempts") + 1, ATTEMPTS_MOST),
            last_attempt_at=now,
        )
    )
    if not claimed:
        return False
    message = OutboxMessage.objects.select_related("recipient").get(pk=message_id)
    reason = _no_longer_owed(message, now)
    try:
        kind = kinds.kind_of(message.kind)
        if not reason and message.handed_at is not None and not kind.resend_in_doubt:
            reason = "in_doubt"  # the worker before died with the mail server holding it
        email = None if reason else kind.render(message)
    except ObjectDoesNotExist:  # what it was about has been erased since
        email, reason = None, "gone"
    except Exception as error:
        _try_later(message, token, error, now)
        return False
    if email is None:
        _drop(message, token, reason or "not_needed", now)
        return False
    email.to = [message.recipient.email]
    email.extra_headers["Message-ID"] = _message_id(message)
    OutboxMessage.objects.filter(pk=message.pk, lease_token=token).update(handed_at=now)
    try:
        if not email.send():
            raise ConnectionError("the mail backend accepted no message")
    except Exception as error:
        _try_later(message, token, error, now)
        return False
    return _record_sent(message, kind)


def _record_sent(message: OutboxMessage, kind: kinds.Kind) -> bool:
    """Record the e-mail sent, on its own, before anything else can fail: a record lost
    after a send would send it again. Keyed on "not sent yet", not on our claim, so a send
    that outlived its lease is still recorded once (the lease is many times the mail
    server's timeout, so that is a safety net, not a plan)."""
    sent_at = timezone.now()
    recorded = OutboxMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(
        sent_at=sent_at, lease_until=None, last_error=""
    )
    if not recorded:
        return False  # another worker took it after our lease ran out, and recorded it
    if kind.delivered is None:
        return True
    try:
        kind.delivered(message, sent_at)
    except Exception as error:  # the e-mail is out; what it updates can be read again
        logger.warning(
            "E-mail %s (%s) sent, its record not updated (%s)",
            message.pk,
            message.kind,
            type(error).__name__,
        )
    return True


def _no_longer_owed(message: OutboxMessage, now: datetime) -> str:
    if message.expires_at is not None and message.expires_at <= now:
        return "expired"
    if not message.recipient.is_active:
        return "recipient_inactive"
    if not message.recipient.email:
        return "no_address"
    return ""


def _drop(message: OutboxMessage, token: uuid.UUID, reason: str, now: datetime) -> None:
    OutboxMessage.objects.filter(pk=message.pk, lease_token=token).update(
        dropped_at=now, drop_reason=reason, lease_until=None
    )
    if message.priority == OutboxMessage.Priority.SAFETY and reason != "not_needed":
        # Nobody was told by this e-mail: say so where the operator looks. An alert left
        # open is still escalated to the clinic's cover and admins after the clinic's time.
        logger.warning("Safety e-mail %s (%s) not sent: %s", message.pk, message.kind, reason)


def _try_later(message: OutboxMessage, token: uuid.UUID, error: Exception, now: datetime) -> None:
    doublings = min(max(message.attempts - 1, 0), 10)  # 2**10 x 30 s is beyond every cap
    wait = min(BACKOFF_MOST[message.priority], BACKOFF_FIRST * 2**doublings)
    # The mail server answered with an error (or never took it): not in doubt.
    OutboxMessage.objects.filter(pk=message.pk, lease_token=token).update(
        lease_until=None,
        send_after=now + wait,
        last_error=type(error).__name__[:80],
        handed_at=None,
    )
    logger.warning(
        "E-mail %s (%s) not sent on attempt %s (%s); next try in %s s",
        message.pk,
        message.kind,
        message.attempts,
        type(error).__name__,
        int(wait.total_seconds()),
    )


def sweep(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send what is owed and was not sent by its own task: never queued (broker down),
    lost with a broker's messages, claimed by a worker that died, or due for another try.
    Safety e-mails first. Returns how many were sent."""
    now = now or timezone.now()
    fresh = now - settings.OUTBOX_SWEEP_AFTER  # younger ones are left to their own task
    # A try due a moment after this sweep is taken now, not a whole sweep later.
    due_by = now + settings.OUTBOX_SWEEP_EVERY / 10
    due = list(
        OutboxMessage.objects.pending()
        .filter(_free(now), send_after__lte=due_by)
        .filter(Q(created_at__lte=fresh) | Q(attempts__gt=0))
        .order_by("priority", "created_at")
        .values_list("pk", flat=True)[:limit]
    )
    Heartbeat.objects.update_or_create(name=SWEEP, defaults={"at": now})
    sent = 0
    for message_id in due:
        try:
            sent += send(message_id, now=timezone.now(), due_by=due_by)
        except Exception as error:  # one bad e-mail must not hold back the others
            logger.warning("E-mail %s not written (%s)", message_id, type(error).__name__)
    return sent


def purge(*, now: datetime | None = None) -> int:
    """Forget e-mails sent or dropped more than OUTBOX_KEEP_DAYS ago. What matters stays
    on the records themselves (when an alert's therapist was told, a digest sent)."""
    cutoff = (now or timezone.now()) - settings.OUTBOX_KEEP
    deleted, _ = OutboxMessage.objects.filter(
        Q(sent_at__lt=cutoff) | Q(dropped_at__lt=cutoff)
    ).delete()
    return deleted


# A process that has just started has not seen beat's first sweep yet: not a fault.
PROCESS_STARTED_AT = timezone.now()


def sweeping(*, now: datetime | None = None) -> bool:
    """Whether the sweep ran within three of its intervals (at least three minutes), or
    this process started less than that ago."""
    now = now or timezone.now()
    window = max(settings.OUTBOX_SWEEP_EVERY * 3, timedelta(minutes=3))
    if now - window <= PROCESS_STARTED_AT:
        return True
    return Heartbeat.objects.filter(name=SWEEP, at__gte=now - window).exists()
