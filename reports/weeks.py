"""Clinic weeks: Monday 00:00 to the next Monday 00:00 in the clinic's time zone. Pure."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def bounds(week_start: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The week as [start, end) in UTC; a week with a clock change is 167 or 169 hours.

    In UTC because Python subtracts two times of one zone by their wall clocks.
    """
    start = datetime.combine(week_start, time.min, tzinfo=zone)
    end = datetime.combine(week_start + timedelta(days=7), time.min, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def finished_weeks(*, now: datetime, zone: ZoneInfo, first_day: date, at_most: int) -> list[date]:
    """Mondays of the weeks that have ended in ``zone`` by ``now``, newest last.

    Back to the week of ``first_day``, and no more than ``at_most`` weeks.
    """
    this_week = week_start_of(now.astimezone(zone).date())
    oldest = max(week_start_of(first_day), this_week - timedelta(weeks=at_most))
    weeks = []
    monday = oldest
    while monday < this_week:
        weeks.append(monday)
        monday += timedelta(weeks=1)
    return weeks
