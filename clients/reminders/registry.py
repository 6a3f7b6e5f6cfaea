"""The kinds of reminder. Each registers itself with what it needs to be planned, checked
again when sent, and worded; a new kind plugs in without touching the planner."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.functional import Promise

from .person import Person
from .timing import Window

CLIENT = "client"
THERAPIST = "therapist"


@dataclass(frozen=True)
class Due:
    """One reminder a person is owed: its slot makes it once (a day, or a session at a
    time), ``moment`` is when it is meant to arrive, ``until`` when it stops making sense."""

    kind: str
    person: Person
    slot: str
    moment: datetime
    object_id: int | None = None
    until: datetime | None = None

    @property
    def key(self) -> str:
        return key_for(self.kind, self.person.user_id, self.slot)


@dataclass(frozen=True)
class Words:
    """What the e-mail says, already translated: never a title, a measure or a feeling."""

    subject: str
    lines: list[str]
    link: str
    link_label: str


@dataclass(frozen=True)
class ReminderKind:
    name: str  # in keys and saved choices: never renamed
    code: str  # one letter, in unsubscribe links (a name there would say too much)
    label: Promise  # on the preferences pages
    help: Promise
    audience: str  # CLIENT or THERAPIST
    default_on: bool
    # Every reminder of this kind a planning run should consider, in a fixed number of
    # queries whatever the number of people.
    plan: Callable[[list[Person], Window], list[Due]]
    # At sending time: whether it is still owed (something not yet done).
    still_due: Callable[[Person, str, int | None, datetime], bool]
    words: Callable[[Person, str, int | None], Words]
    order: int = 50


_KINDS: dict[str, ReminderKind] = {}


def add(kind: ReminderKind) -> ReminderKind:
    """Known to the planner and the pages; ``emails.register`` also tells the outbox."""
    taken = kind_coded(kind.code)
    if taken is not None and taken.name != kind.name:
        # The code is what an unsubscribe link names: shared, one link would stop both.
        raise ValueError(f"Reminder kinds {taken.name} and {kind.name} share the code {kind.code}")
    _KINDS[kind.name] = kind
    return kind


def kind_named(name: str) -> ReminderKind | None:
    return _KINDS.get(name)


def kind_coded(code: str) -> ReminderKind | None:
    return next((kind for kind in _KINDS.values() if kind.code == code), None)


def every_kind(audience: str | None = None) -> list[ReminderKind]:
    chosen = [kind for kind in _KINDS.values() if audience in (None, kind.audience)]
    return sorted(chosen, key=lambda kind: (kind.order, kind.name))


PREFIX = "reminder"


def key_for(kind: str, user_id: int, slot: str) -> str:
    return f"{PREFIX}:{kind}:{user_id}:{slot}"


def parse_key(key: str) -> tuple[str, int, str]:
    _prefix, kind, user_id, slot = key.split(":", 3)
    return kind, int(user_id), slot


def day_slot(day: date) -> str:
    return day.isoformat()
