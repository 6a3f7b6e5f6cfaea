"""Reminder e-mails, written when the outbox sends them (see clinic/outbox).

Before writing, everything is asked again: is the kind still on for this person, are they
paused, is it quiet hours for them, is the thing still not done. If not, nothing is sent.
Each e-mail has a plain and an HTML part, a link to stop this kind without signing in, and
the List-Unsubscribe headers mail programs show as a button (RFC 8058).
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from clinic.outbox import kinds as outbox_kinds
from clinic.outbox.models import OutboxMessage

from . import people, registry
from .tokens import unsubscribe_token

OUTBOX_PREFIX = "reminder_"
# Thousands planned for one hour go out one by one: late only if still owed after this.
LATE_AFTER = timedelta(minutes=30)


def outbox_kind(kind: str) -> str:
    return OUTBOX_PREFIX + kind


def register(kind: registry.ReminderKind) -> registry.ReminderKind:
    """Make a kind of reminder known: to the planner, and to the outbox as an e-mail."""
    registry.add(kind)
    outbox_kinds.register(
        outbox_kind(kind.name),
        label=kind.label,
        priority=OutboxMessage.Priority.ROUTINE,
        render=render,
        resend_in_doubt=False,  # never twice: one lost in a crash is the lesser harm
        late_after=LATE_AFTER,
    )
    return kind


def render(message: OutboxMessage) -> EmailMultiAlternatives | None:
    kind_name, _user_id, slot = registry.parse_key(message.key)
    kind = registry.kind_named(kind_name)
    person = people.person_for(message.recipient)
    now = timezone.now()
    if kind is None or person is None or kind.name not in person.kinds:
        return None
    if person.paused(now) or person.quiet.holds(now, person.zone):
        return None
    if not kind.still_due(person, slot, message.object_id, now):
        return None
    return compose(person, kind, kind.words(person, slot, message.object_id))


def unsubscribe_url(user_id: int, kind: str) -> str:
    path = reverse("reminder-unsubscribe", args=[unsubscribe_token(user_id, kind)])
    return settings.SITE_URL + path


def compose(
    person: people.Person, kind: registry.ReminderKind, words: registry.Words
) -> EmailMultiAlternatives:
    stop = unsubscribe_url(person.user_id, kind.name)
    context = {
        "name": person.name,
        "clinic_name": person.clinic_name,
        "lines": words.lines,
        "link": words.link,
        "link_label": words.link_label,
        "unsubscribe": stop,
        "preferences": settings.SITE_URL + reverse("reminder-preferences"),
    }
    email = EmailMultiAlternatives(
        words.subject,
        render_to_string("reminders/email.txt", context),
        headers={
            "List-Unsubscribe": f"<{stop}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    email.attach_alternative(render_to_string("reminders/email.html", context), "text/html")
    return email
