"""When an assignment is due next, from its schedule and what was done. Pure."""

from datetime import date, timedelta


def week_start(day: date) -> date:
    """Weeks start on Monday."""
    return day - timedelta(days=day.weekday())


def due_next(
    *,
    schedule: str,
    times_per_week: int | None,
    starts_on: date,
    ends_on: date | None,
    active: bool,
    today: date,
    done_days: list[date],
    done_ever: int,
) -> date | None:
    """The next day the client is asked to do the exercise, or None when nothing is due.

    ``done_days`` are the client's local dates of recent completions (at least this week's).
    """
    if not active or (ends_on is not None and today > ends_on):
        return None
    first = max(starts_on, today)
    if schedule == "once":
        day = None if done_ever else first
    elif schedule == "daily":
        day = today + timedelta(days=1) if today in done_days and first == today else first
    else:
        this_week = sum(1 for d in done_days if week_start(d) == week_start(today))
        if first > today or this_week < (times_per_week or 1):
            day = first
        else:
            day = max(starts_on, week_start(today) + timedelta(days=7))
    if day is not None and ends_on is not None and day > ends_on:
        return None
    return day
