"""The therapist's morning e-mail (opt-in): how many clients may need attention today, as
counts and a link. Counted from the caseload when it is sent, so it agrees with the page
the link opens."""

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from clients.reminders.daily import daily_candidates
from clients.reminders.emails import register
from clients.reminders.person import Person
from clients.reminders.registry import THERAPIST, Due, ReminderKind, Words, day_slot
from clients.reminders.timing import Window

from .caseload import NOTHING, OPEN_SAFETY, TIERS, caseload

MORNING = "morning"
ACT_NOW, NOTHING_TO_FLAG = TIERS[OPEN_SAFETY], TIERS[NOTHING]


def _plan(persons: list[Person], window: Window) -> list[Due]:
    return [
        Due(MORNING, person, day_slot(day), moment)
        for person, day, moment in daily_candidates(persons, window, MORNING)
    ]


def _still_due(person: Person, _slot, _object_id, now: datetime) -> bool:
    return True  # a count of none is news too: the therapist asked for it every morning


def _words(person: Person, _slot, _object_id) -> Words:
    # Every client the caseload gives a reason, as the page the link opens lists them.
    tiers = [row.tier for row in caseload(therapist=person.therapist)]
    now = tiers.count(ACT_NOW)
    flagged = sum(tier < NOTHING_TO_FLAG for tier in tiers)
    lines = [
        ngettext(
            "%(count)s client may need your attention today.",
            "%(count)s clients may need your attention today.",
            flagged,
        )
        % {"count": flagged}
    ]
    if now:
        lines.append(
            ngettext(
                "%(count)s of them has something waiting for a response now.",
                "%(count)s of them have something waiting for a response now.",
                now,
            )
            % {"count": now}
        )
    return Words(
        subject=_("Your caseload today"),
        lines=lines,
        link=settings.SITE_URL + reverse("home"),
        link_label=_("Open your caseload"),
    )


register(
    ReminderKind(
        name=MORNING,
        code="t",
        label=gettext_lazy("A morning count of clients who may need attention"),
        help=gettext_lazy("Counts and a link only, at your hour, every day."),
        audience=THERAPIST,
        default_on=False,
        plan=_plan,
        still_due=_still_due,
        words=_words,
        order=50,
    )
)
