"""Calendar feeds: make, renew and revoke a private address, find a feed by its secret, and
the events it lists.

The secret is 32 random bytes, URL-safe; only its SHA-256 is stored, so the address is shown
once, as an API token is. Events carry times and "Video call" or "In person", never what a
session is about: a calendar is read by other apps and often by other people.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.models import Session, User

from .models import CalendarFeed

# Who has a feed: a client (their sessions) and a therapist (the sessions they hold).
OWNER_ROLES = (User.Role.CLIENT, User.Role.THERAPIST)
# What a feed lists: the last month, for looking back, and a year ahead.
PAST = timedelta(days=30)
AHEAD = timedelta(days=365)
SECRET_BYTES = 32


@dataclass(frozen=True)
class FeedEvent:
    """One session as a calendar shows it; plain data, in UTC."""

    session_id: int
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str
    description: str
    cancelled: bool


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def may_have_feed(user: User) -> bool:
    """A client with a client record, or a therapist with a therapist record."""
    if user.role == User.Role.CLIENT:
        return hasattr(user, "client")
    if user.role == User.Role.THERAPIST:
        return hasattr(user, "therapist")
    return False


@transaction.atomic
def feed_create(*, user: User, show_labels: bool = False) -> tuple[CalendarFeed, str]:
    """A new private address for the user's sessions, replacing any earlier one (which stops
    working at once). Returns the feed and its secret; the secret is not stored."""
    if not may_have_feed(user):
        raise ValueError("Only clients and therapists have calendar feeds.")
    secret = secrets.token_urlsafe(SECRET_BYTES)
    feed, _created = CalendarFeed.objects.select_for_update().update_or_create(
        user=user,
        defaults={
            "token_hash": secret_hash(secret),
            "show_labels": bool(show_labels) and user.role == User.Role.THERAPIST,
            "created_at": timezone.now(),
            "revoked_at": None,
        },
    )
    return feed, secret


def feed_revoke(*, user: User) -> bool:
    """Stop the user's address from working. False when there was none to stop."""
    feed = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()
    if feed is None:
        return False
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    return True


def feed_labels_set(*, user: User, show_labels: bool) -> CalendarFeed | None:
    """Whether a therapist's feed names clients by their labels; the address stays the same."""
    feed = CalendarFeed.objects.filter(
        user=user, user__role=User.Role.THERAPIST, revoked_at__isnull=True
    ).first()
    if feed is not None and feed.show_labels != show_labels:
        feed.show_labels = show_labels
        feed.save(update_fields=["show_labels"])
    return feed


def feed_active(user: User) -> CalendarFeed | None:
    """The user's working feed, read from the row a page may already have joined."""
    try:
        feed = user.calendar_feed
    except CalendarFeed.DoesNotExist:
        return None
    return feed if feed.is_active else None


def feed_for_secret(secret: str) -> CalendarFeed | None:
    """The working feed whose secret this is, or None (unknown, revoked, or its person can no
    longer sign in). Looked up by hash, so the secret itself is never compared."""
    if not isinstance(secret, str) or not secret:
        return None
    wanted = secret_hash(secret)
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(
            token_hash=wanted,
            revoked_at__isnull=True,
            user__is_active=True,
            user__role__in=OWNER_ROLES,
        )
        .first()
    )
    if feed is None or not hmac.compare_digest(feed.token_hash, wanted):
        return None
    return feed


def _uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def feed_events(feed: CalendarFeed, *, now: datetime | None = None) -> list[FeedEvent]:
    """The sessions a feed lists, oldest first: a client's own, or all of a therapist's, from
    a month back to a year ahead. Cancelled ones stay, marked, so calendars remove them."""
    now = now or timezone.now()
    user = feed.user
    sessions = Session.objects.filter(starts_at__gte=now - PAST, starts_at__lte=now + AHEAD)
    if user.role == User.Role.CLIENT:
        sessions = sessions.filter(client__user=user)
    else:
        sessions = sessions.filter(therapist__user=user)
    labels = user.role == User.Role.THERAPIST and feed.show_labels
    if labels:
        sessions = sessions.select_related("client")
    host = _uid_host()
    own_page = settings.SITE_URL + reverse("client-home")
    events = []
    for session in sessions.order_by("starts_at", "pk"):
        virtual = session.mode == Session.Mode.VIRTUAL
        if labels:
            summary = _("Session: %(label)s") % {"label": session.client.label}
        else:
            summary = _("Session")
        description = ""
        if virtual and user.role == User.Role.CLIENT:
            # The join link is a key to the session itself: it stays behind the sign-in.
            description = _("The link to join is on your page: %(url)s") % {"url": own_page}
        events.append(
            FeedEvent(
                session_id=session.pk,
                uid=f"session-{session.pk}@{host}",
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                summary=summary,
                location=_("Video call") if virtual else _("In person"),
                description=description,
                cancelled=session.status == Session.Status.CANCELLED,
            )
        )
    return events
