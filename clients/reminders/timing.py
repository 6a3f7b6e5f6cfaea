"""When a reminder may be sent: pure functions of moments, zones and hours.

A moment is a local wall time made absolute in the person's zone. On the night the clocks
go forward a wall time that does not exist is read with the offset before the change (02:30
becomes 03:30); on the night they go back, a wall time that happens twice is its first
occurrence. Each local day therefore has exactly one moment for a given hour.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """``day`` at the wall time ``at`` in ``zone``, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class QuietHours:
    """From ``start`` to ``end`` in local time; across midnight when start > end. Equal
    times mean no quiet hours."""

    start: time
    end: time

    def holds(self, moment: datetime, zone: ZoneInfo) -> bool:
        wall = moment.astimezone(zone).time()
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= wall < self.end
        return wall >= self.start or wall < self.end

    def ends_after(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """When the quiet hours holding ``moment`` end (``moment`` itself when none do)."""
        if not self.holds(moment, zone):
            return moment
        day = moment.astimezone(zone).date()
        for offset in (0, 1):
            end = local_moment(day + timedelta(days=offset), self.end, zone)
            if end > moment:
                return end
        raise AssertionError("quiet hours last less than a day")  # pragma: no cover

    def next_start(self, moment: datetime, zone: ZoneInfo) -> datetime | None:
        """The first start of quiet hours after ``moment``; None without quiet hours."""
        if self.start == self.end:
            return None
        day = moment.astimezone(zone).date()
        for offset in (0, 1, 2):
            start = local_moment(day + timedelta(days=offset), self.start, zone)
            if start > moment:
                return start
        raise AssertionError("quiet hours start every day")  # pragma: no cover


def send_window(
    moment: datetime,
    *,
    zone: ZoneInfo,
    quiet: QuietHours,
    grace: timedelta,
    until: datetime | None = None,
) -> tuple[datetime, datetime] | None:
    """From when to when a reminder for ``moment`` may go out: from the moment (or the end
    of the quiet hours it falls in) for ``grace``, but never into the next quiet hours and
    never past ``until`` (what it is about). None when that leaves no time at all."""
    opens = quiet.ends_after(moment, zone)
    closes = opens + grace
    quiet_again = quiet.next_start(opens, zone)
    if quiet_again is not None:
        closes = min(closes, quiet_again)
    if until is not None:
        closes = min(closes, until)
    return (opens, closes) if closes > opens else None


@dataclass(frozen=True)
class Window:
    """Which reminders a planning run looks for. Live (``start == end``, now): those whose
    send window holds now. A preview: those that open after ``start`` up to ``end``.
    ``owed``: the keys of daily reminders already owed, which the kinds need not look at."""

    start: datetime
    end: datetime
    owed: frozenset[str] = field(default=frozenset(), compare=False)

    @classmethod
    def at(cls, now: datetime) -> "Window":
        return cls(now, now)

    @property
    def live(self) -> bool:
        return self.start == self.end

    def takes(self, opens: datetime, closes: datetime) -> bool:
        if self.live:
            return opens <= self.end < closes
        return self.start < opens <= self.end

    def local_days(self, zone: ZoneInfo, before: timedelta) -> list[date]:
        """The person's local days whose moments can matter: from ``before`` (the longest a
        reminder can be pushed back: quiet hours and grace) ahead of the start, to the end."""
        first = (self.start - before).astimezone(zone).date()
        last = self.end.astimezone(zone).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]
