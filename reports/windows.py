"""Which stretch of time a report covers. Pure: sessions come in as plain datetimes."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CHOICES = {
    "since_last": "Since the last session",
    "last_two": "Last two sessions",
    "4w": "Last 4 weeks",
    "12w": "Last 12 weeks",
    "all": "Since treatment began",
    "custom": "Custom dates",
}
# How a reading names the window: "Distress eased from 7 to 4 <span>".
SPANS = {
    "since_last": "since the last session",
    "last_two": "over the last two sessions",
    "4w": "over the last 4 weeks",
    "12w": "over the last 12 weeks",
    "all": "since treatment began",
    "custom": "in these dates",
}
DEFAULT = "since_last"
FALLBACK = timedelta(days=28)


@dataclass(frozen=True)
class ReportWindow:
    key: str
    since: datetime
    until: datetime

    @property
    def label(self) -> str:
        return CHOICES[self.key]

    @property
    def span(self) -> str:
        return SPANS[self.key]


def resolve(
    key: str,
    *,
    now: datetime,
    held_sessions: Sequence[datetime],
    started_on: date,
    zone: ZoneInfo,
    first_day: date | None = None,
    last_day: date | None = None,
) -> ReportWindow:
    """The window for ``key``; an unknown key, or custom dates missing, reversed or in
    the future, falls back to the default.

    ``held_sessions`` are the starts of sessions that took place, oldest first.
    Without a session yet, the default is the last four weeks, and says so.
    """
    past = [start for start in held_sessions if start <= now]
    today = now.astimezone(zone).date()
    if key == "custom" and first_day and last_day and first_day <= last_day <= today:
        since = datetime.combine(first_day, time.min, tzinfo=zone)
        until = min(now, datetime.combine(last_day, time.max, tzinfo=zone))
        return ReportWindow(key, since, until)
    if key == "last_two" and len(past) >= 2:
        return ReportWindow(key, past[-2], now)
    if key == "4w":
        return ReportWindow(key, now - timedelta(weeks=4), now)
    if key == "12w":
        return ReportWindow(key, now - timedelta(weeks=12), now)
    if key == "all":
        return ReportWindow(key, datetime.combine(started_on, time.min, tzinfo=zone), now)
    if not past:  # no session yet: say what is shown
        return ReportWindow("4w", now - FALLBACK, now)
    return ReportWindow(DEFAULT, past[-1], now)


def previous(window: ReportWindow, held_sessions: Sequence[datetime]) -> ReportWindow:
    """The window just before ``window``: from the session before its start, or as long."""
    earlier = [start for start in held_sessions if start < window.since]
    since = earlier[-1] if earlier else window.since - (window.until - window.since)
    return ReportWindow(window.key, since, window.since)
