"""What each kind of e-mail is: how it is written at sending time, and what is recorded
once it has gone. Each app registers its own kinds when it is ready (``emails.py``)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.mail import EmailMessage

from .models import LATE_AFTER, OutboxMessage

# Returns the e-mail to send (without its recipient: the outbox adds it), or None when
# it is no longer needed (the alert was dealt with, the invitation was used).
Render = Callable[[OutboxMessage], EmailMessage | None]
Delivered = Callable[[OutboxMessage, datetime], None]


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # what the admin calls it
    priority: int
    render: Render
    delivered: Delivered | None = None
    # A worker that died while the mail server had the e-mail leaves it in doubt: sent or
    # not, nobody knows. Safety and account e-mails are sent again (twice rather than
    # never, with the same Message-ID); a reminder is not (once rather than twice).
    resend_in_doubt: bool = True
    # How long it may wait before it counts as late (/healthz, the admin, the caseload);
    # None: OUTBOX_LATE_AFTER. Kept in models.LATE_AFTER, where the queries read it.
    late_after: timedelta | None = None


_KINDS: dict[str, Kind] = {}


def register(
    name: str,
    *,
    label: str,
    priority: int,
    render: Render,
    delivered: Delivered | None = None,
    resend_in_doubt: bool = True,
    late_after: timedelta | None = None,
) -> Kind:
    kind = Kind(
        name=name,
        label=label,
        priority=priority,
        render=render,
        delivered=delivered,
        resend_in_doubt=resend_in_doubt,
        late_after=late_after,
    )
    _KINDS[name] = kind
    if late_after is not None:
        LATE_AFTER[name] = late_after
    return kind


def kind_of(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"No e-mail kind {name!r} is registered") from None


def every_kind() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda kind: (kind.priority, kind.name))
