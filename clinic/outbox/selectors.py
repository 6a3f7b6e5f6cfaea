"""What a person should know about e-mail meant for them that has not gone out."""

from dataclasses import dataclass
from datetime import datetime

from clinic.models import User

from .models import OutboxMessage


@dataclass(frozen=True)
class LateEmail:
    count: int
    about_alerts: int
    since: datetime


def late_for(user: User) -> LateEmail | None:
    """E-mail to ``user`` owed longer than OUTBOX_LATE_AFTER, or None. One query."""
    late = OutboxMessage.objects.late().filter(recipient=user)
    late = list(late.values_list("priority", "created_at")[:100])
    if not late:
        return None
    return LateEmail(
        count=len(late),
        about_alerts=sum(priority == OutboxMessage.Priority.SAFETY for priority, _ in late),
        since=min(created_at for _, created_at in late),
    )
