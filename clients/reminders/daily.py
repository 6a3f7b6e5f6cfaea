"""Reminders sent once a day at the person's hour: which (person, day) a planning run
should look at. Worked out in memory before any query, once for everyone who shares a
zone, an hour, quiet hours and a grace period, so the kinds read the database only for
those whose hour it is and whose reminder is not owed already."""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from .person import Person
from .registry import day_slot, key_for
from .timing import QuietHours, Window, local_moment, send_window


@lru_cache(maxsize=4096)
def _moments(
    zone_key: str, hour: int, quiet: QuietHours, grace: timedelta, start: datetime, end: datetime
) -> tuple[tuple[date, datetime], ...]:
    zone = ZoneInfo(zone_key)
    window = Window(start, end)
    taken = []
    for day in window.local_days(zone, timedelta(days=1) + grace):
        moment = local_moment(day, time(hour), zone)
        opened = send_window(moment, zone=zone, quiet=quiet, grace=grace)
        if opened is not None and window.takes(*opened):
            # An hour inside quiet hours waits for their end, which can be the next morning:
            # the reminder is that morning's, about that day, as the e-mail says "today".
            taken.append((opened[0].astimezone(zone).date(), opened[0]))
    return tuple(taken)


def person_moments(person: Person, window: Window) -> tuple[tuple[date, datetime], ...]:
    """(local day, moment) of each of the person's daily moments the window takes."""
    return _moments(
        person.zone.key, person.daily_hour, person.quiet, person.grace, window.start, window.end
    )


def daily_candidates(
    persons: list[Person], window: Window, kind: str
) -> list[tuple[Person, date, datetime]]:
    """(person, local day, moment) for each daily moment the window takes, leaving out the
    reminders of ``kind`` the planner found owed already."""
    return [
        (person, day, moment)
        for person in persons
        for day, moment in person_moments(person, window)
        if key_for(kind, person.user_id, day_slot(day)) not in window.owed
    ]


def day_of(slot: str) -> date:
    return date.fromisoformat(slot)
