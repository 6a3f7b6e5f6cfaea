"""Reminders sent once a day at the person's hour: which (person, day) a planning run
should look at. Worked out in memory for everyone before any query, so the kinds read
the database only for the few whose hour it is."""

from datetime import date, datetime

from .person import Person
from .timing import Window, local_moment, send_window


def daily_candidates(persons: list[Person], window: Window) -> list[tuple[Person, date, datetime]]:
    """(person, local day, moment) for each daily moment the window takes."""
    found = []
    for person in persons:
        for day in window.local_days(person.zone, person.longest_delay):
            moment = local_moment(day, person.daily_time, person.zone)
            opened = send_window(moment, zone=person.zone, quiet=person.quiet, grace=person.grace)
            if opened is not None and window.takes(*opened):
                found.append((person, day, moment))
    return found


def day_of(slot: str) -> date:
    return date.fromisoformat(slot)
