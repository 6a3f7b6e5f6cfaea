"""The reminder that questionnaires are waiting: once each time one falls due, at the
first of the client's hours after it does. It never names the questionnaire."""

from datetime import UTC, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.reminders.daily import daily_candidates
from clients.reminders.emails import register
from clients.reminders.kinds import client_page
from clients.reminders.person import Person
from clients.reminders.registry import CLIENT, Due, ReminderKind, Words
from clients.reminders.timing import Window

from .selectors import DueMeasure, due_by_client, due_for

MEASURES = "measures"


def occurrence(waiting: list[DueMeasure]) -> str:
    """The slot: when the newest of the waiting questionnaires fell due. Something newly
    asked makes a new slot; the same ones still waiting keep theirs."""
    return max(each.since for each in waiting).astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def _plan(persons: list[Person], window: Window) -> list[Due]:
    candidates = daily_candidates(persons, window, MEASURES)
    if not candidates:
        return []
    clients = list({person.client.pk: person.client for person, _, _ in candidates}.values())
    due = due_by_client(clients, window.end)
    return [
        Due(MEASURES, person, occurrence(due[person.client.pk]), moment)
        for person, _day, moment in candidates
        # Fallen due by the person's hour: one that falls due later waits for the next.
        if due[person.client.pk] and max(m.since for m in due[person.client.pk]) <= moment
    ]


def _still_due(person: Person, slot: str, _object_id, now: datetime) -> bool:
    waiting = due_for(person.client, now)
    return bool(waiting) and occurrence(waiting) == slot


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
        help=gettext_lazy("At your hour, once when new questions are waiting."),
        audience=CLIENT,
        default_on=True,
        plan=_plan,
        still_due=_still_due,
        words=_words,
        order=20,
    )
)
