"""A person as reminders see them: every choice already resolved (see people.py)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from clients.models import Client
from clinic.models import Therapist

from .timing import QuietHours


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    clinic_id: int
    clinic_name: str
    zone: ZoneInfo
    daily_hour: int
    quiet: QuietHours
    grace: timedelta
    kinds: frozenset[str]  # the kinds this person gets
    silence_days: int  # 0: no check-in nudge
    paused_until: datetime | None = None
    client: Client | None = None
    therapist: Therapist | None = None

    def paused(self, now: datetime) -> bool:
        return self.paused_until is not None and now < self.paused_until
