import re
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar

from clinic.calendar import services

ADDRESS = re.compile(r'value="(https?://[^"]+/calendar/([A-Za-z0-9_-]+)\.ics)"')


def feed_url(secret: str) -> str:
    return f"/calendar/{secret}.ics"


def new_feed(user, **kwargs) -> str:
    """A working feed for ``user``; its secret."""
    _feed, secret = services.feed_create(user=user, **kwargs)
    return secret


def events(response) -> dict[str, dict]:
    """The feed's events by UID: start and end (aware, UTC), summary, location, status."""
    calendar = Calendar.from_ical(response.content)
    return {
        str(event["UID"]): {
            "start": event["DTSTART"].dt,
            "end": event["DTEND"].dt,
            "summary": str(event["SUMMARY"]),
            "location": str(event["LOCATION"]),
            "description": str(event.get("DESCRIPTION", "")),
            "status": str(event["STATUS"]),
        }
        for event in calendar.walk("VEVENT")
    }


def uid(session) -> str:
    return f"session-{session.pk}@{urlsplit(settings.SITE_URL).hostname}"
