"""The reminder that questionnaires are waiting: once for each one that falls due, at the
client's hour on the day it does (or the next day, when it falls due after that hour).
It never names the questionnaire."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.reminders.daily import daily_candidates, day_of
from clients.reminders.emails import register
from clients.reminders.kinds import client_page
from clients.reminders.person import Person
from clients.reminders.registry import CLIENT, Due, ReminderKind, Words, day_slot
from clients.reminders.timing import Window, local_moment

from .selectors import due_by_client, due_for

MEASURES = "measures"


def _reminder_day(person: Person, since: datetime):
    """The day of the first of the person's daily moments at or after ``since``."""
    day = timezone.localdate(since, timezone=person.zone)
    if local_moment(day, person.daily_time, person.zone) < since:
        day += timedelta(days=1)
    return day


def _plan(persons: list[Person], window: Window) -> list[Due]:
    candidates = daily_candidates(persons, window, MEASURES)
    if not candidates:
        return []
    clients = list({person.client.pk: person.client for person, _, _ in candidates}.values())
    due = due_by_client(clients, window.end)
    found = []
    for person, day, moment in candidates:
        waiting = due[person.client.pk]
        # The newest to fall due decides: one reminder each time something new is asked.
        if waiting and _reminder_day(person, max(m.since for m in waiting)) == day:
            found.append(Due(MEASURES, person, day_slot(day), moment))
    return found


def _still_due(person: Person, slot: str, _object_id, now: datetime) -> bool:
    waiting = due_for(person.client, now)
    return bool(waiting) and _reminder_day(person, max(m.since for m in waiting)) == day_of(slot)


def _words(person: Person, _slot, _object_id) -> Words:
    return Words(
        subject=_("A few questions are waiting for you"),
        lines=[
            _("There are a few questions waiting for you on your page."),
            _("Your answers help you and the people working with you see how things are going."),
        ],
        link=client_page(),
        link_label=_("Open your page"),
    )


register(
    ReminderKind(
        name=MEASURES,
        code="m",
        label=gettext_lazy("Questions waiting for you"),
        help=gettext_lazy("At your hour, on the day new questions are waiting."),
        audience=CLIENT,
        default_on=True,
        plan=_plan,
        still_due=_still_due,
        words=_words,
        order=20,
    )
)
