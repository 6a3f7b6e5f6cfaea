"""When a scheduled instrument is due: pure functions of dates, in the client's own days.

A measure is due from: its first day for "once", until answered on or after it; for
weekly, 2- and 4-weekly schedules, its first day and then a full period after the last
answer (a late answer moves the next one later, so nobody is asked twice in a few hours;
a missed period stays due, so it can grow overdue); 48 hours before each scheduled
session for "before every session", until that session begins.
"""

from datetime import date, datetime, timedelta

from .models import CADENCE_WEEKS, Cadence

BEFORE_SESSION = timedelta(hours=48)
OVERDUE_AFTER = timedelta(days=7)


def _next_day(starts_on: date, weeks: int, answered_on: date | None) -> date:
    """The day a periodic measure is next due: a full period after the last answer."""
    if answered_on is None or answered_on < starts_on:
        return starts_on
    return answered_on + timedelta(weeks=weeks)


def due_since(
    *,
    cadence: str,
    starts_on: date,
    ends_on: date | None,
    today: date,
    now: datetime,
    midnight,  # date -> aware datetime at the start of that day in the client's zone
    last_answered_at: datetime | None,
    last_answered_on: date | None,
    upcoming_sessions: list[datetime],
    stopped: bool = False,
) -> datetime | None:
    """The moment the measure became due, or None when nothing is due now."""
    if stopped or today < starts_on or (ends_on is not None and today > ends_on):
        return None
    if cadence == Cadence.ONCE:
        answered = last_answered_on is not None and last_answered_on >= starts_on
        return None if answered else midnight(starts_on)
    if cadence == Cadence.BEFORE_SESSION:
        for starts_at in sorted(upcoming_sessions):
            opens = starts_at - BEFORE_SESSION
            if opens <= now < starts_at:
                answered = last_answered_at is not None and last_answered_at >= opens
                return None if answered else opens
        return None
    day = _next_day(starts_on, CADENCE_WEEKS[cadence], last_answered_on)
    if day > today or (ends_on is not None and day > ends_on):
        return None
    return midnight(day)


def is_overdue(since: datetime | None, now: datetime) -> bool:
    """Due for more than a week: a reason in the caseload's triage order."""
    return since is not None and now - since > OVERDUE_AFTER
