"""Finding the reminders that are due and owing them, on beat every few minutes.

Each reminder is an outbox row keyed by (kind, recipient, slot): a planning run that
happens twice, overlaps another or is retried after a crash finds the row there and owes
nothing more; the outbox claims each row before sending it. A moment missed while nothing
ran is still taken by the next run within the grace period, never in quiet hours.
"""

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from clinic.outbox.models import Heartbeat, OutboxMessage

from . import people, registry
from .emails import outbox_kind
from .timing import Window, send_window

logger = logging.getLogger(__name__)

PLAN = "reminders-plan"
WRITE_CHUNK = 2000
OWED_LOOKBACK = timedelta(days=3)


@dataclass(frozen=True)
class Planned:
    due: registry.Due
    opens: datetime
    closes: datetime


def due_in(window: Window, *, now: datetime | None = None) -> list[Planned]:
    """Every reminder the window takes, for every person, each kind planned in a fixed
    number of queries. Reads only."""
    now = now or timezone.now()
    audiences = {
        registry.CLIENT: people.clients_reminded(),
        registry.THERAPIST: people.therapists_reminded(),
    }
    window = replace(window, owed=_owed_already(window))
    planned = []
    for kind in registry.every_kind():
        persons = [
            person
            for person in audiences[kind.audience]
            if kind.name in person.kinds and not person.paused(window.end)
        ]
        if not persons:
            continue
        try:
            dues = kind.plan(persons, window)
        except Exception as error:  # one kind's fault must not hold back the others
            logger.exception(
                "Reminders of kind %s not planned (%s)", kind.name, type(error).__name__
            )
            continue
        for due in dues:
            if due.key in window.owed:
                continue  # owed already, perhaps sent: a preview must not list it again
            opened = _opened(due)
            if opened is not None and window.takes(*opened):
                planned.append(Planned(due, *opened))
    return sorted(planned, key=lambda each: (each.opens, each.due.kind, each.due.person.user_id))


def _opened(due: registry.Due) -> tuple[datetime, datetime] | None:
    """When the reminder may go out: its send window, starting when a pause ends if it
    ends inside it (what is left of the window is still the reminder's)."""
    person = due.person
    opened = send_window(
        due.moment, zone=person.zone, quiet=person.quiet, grace=person.grace, until=due.until
    )
    if opened is None or person.paused_until is None:
        return opened
    opens, closes = max(opened[0], person.paused_until), opened[1]
    if opens >= closes or person.quiet.holds(opens, person.zone):
        return None
    return opens, closes


def _owed_already(window: Window) -> frozenset[str]:
    """The reminders owed in the last days: a run minutes after another (every run within
    the grace period) then reads nothing more for the daily ones. One query: a daily
    reminder's row is written after its moment, and its moment is at most a day and the
    grace period (12 hours at most) before the window."""
    since = window.start - OWED_LOOKBACK
    kinds = [outbox_kind(kind.name) for kind in registry.every_kind()]
    return frozenset(
        OutboxMessage.objects.filter(kind__in=kinds, created_at__gte=since).values_list(
            "key", flat=True
        )
    )


def plan(*, now: datetime | None = None) -> list[int]:
    """Owe every reminder due now that is not owed yet; returns the new rows' ids, for the
    caller to have sent. Safe to run twice, or in two workers at once."""
    now = now or timezone.now()
    planned = due_in(Window.at(now), now=now)
    new_ids: list[int] = []
    for start in range(0, len(planned), WRITE_CHUNK):
        new_ids += _owe(planned[start : start + WRITE_CHUNK], now)
    Heartbeat.objects.update_or_create(name=PLAN, defaults={"at": now})
    return new_ids


def _owe(planned: list[Planned], now: datetime) -> list[int]:
    keys = [each.due.key for each in planned]
    with transaction.atomic():
        known = set(OutboxMessage.objects.filter(key__in=keys).values_list("key", flat=True))
        rows = [_row(each, now) for each in planned if each.due.key not in known]
        # Two runs at once may both miss a key: the unique key keeps one row.
        OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    fresh = [row.key for row in rows]
    return list(
        OutboxMessage.objects.pending()
        .filter(key__in=fresh, attempts=0)
        .values_list("pk", flat=True)
    )


def _row(planned: Planned, now: datetime) -> OutboxMessage:
    due = planned.due
    return OutboxMessage(
        kind=outbox_kind(due.kind),
        key=due.key,
        object_id=due.object_id,
        recipient_id=due.person.user_id,
        clinic_id=due.person.clinic_id,
        priority=OutboxMessage.Priority.ROUTINE,
        created_at=now,
        send_after=now,
        expires_at=planned.closes,
    )
