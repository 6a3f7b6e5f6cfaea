"""How the charts place and word dates: the days a chart spans, its date ticks, and the
dates its hover texts give. Pure: no database; names of days and months come from
Django's date formatting, so they follow the active language.

Ticks are chosen here rather than by Plotly: Plotly's own picks a step that falls within
a day for a short window and then prints "25 Nov 00:00", "25 Nov 12:00". Here every tick
is a whole day (or the first of a month), labelled "25 Nov", with the year only when the
chart spans more than one calendar year. The browser may leave out every other label
when a chart is narrow (clinic/static/clinic/charts.js), never add one.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _

DAY_MS = 24 * 3600 * 1000
WEEK_MS = 7 * DAY_MS
# At most this many date ticks on a chart of the progress report; with labels of about 50
# px that leaves room between them at 1024 px. Narrower charts thin them in the browser.
MAX_TICKS = 8
DAY_STEPS = (1, 2)  # days between ticks, for the shortest windows
WEEK_STEPS = (1, 2, 4)  # weeks, ticks on Mondays
MONTH_STEPS = (1, 2, 3, 6, 12)  # months, ticks on the first of the month

# The emotional-flow chart counts emotions per day for a window of up to three weeks (since
# the last session, usually): a bar a day shows which days were heavy and which were quiet,
# where a bar a week would be one block. A longer window keeps one bar per week, which
# stays readable over months.
FLOW_BY_DAY_UP_TO_DAYS = 21

# Django date formats (https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date).
TICK_DAY, TICK_DAY_YEAR = "j M", "j M Y"  # 25 Nov, 25 Nov 2025
TICK_MONTH, TICK_MONTH_YEAR = "M", "M Y"  # Nov, Nov 2025
HOVER_DAY, HOVER_DAY_YEAR = "D j M", "D j M Y"  # Tue 25 Nov, Tue 25 Nov 2025
HOVER_TIME = "H:i"
GRID = "#e4e7eb"


@dataclass(frozen=True)
class Frame:
    """The local days a chart spans, first and last included, and the zone its moments
    are drawn in (the page's zone: an evening check-in stays on its evening)."""

    first_day: date
    last_day: date
    zone: tzinfo = UTC

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def spans_years(self) -> bool:
        return self.first_day.year != self.last_day.year

    @property
    def by_day(self) -> bool:
        """Whether emotions are counted per day (else per week): see FLOW_BY_DAY_UP_TO_DAYS."""
        return self.days <= FLOW_BY_DAY_UP_TO_DAYS

    def local(self, moment: datetime) -> datetime:
        """``moment`` as wall-clock time in the frame's zone, without an offset (Plotly
        drops offsets and would draw an evening check-in on the next day)."""
        if moment.tzinfo is None:
            return moment
        return moment.astimezone(self.zone).replace(tzinfo=None)

    def day_of(self, moment: datetime) -> date:
        return self.local(moment).date()


def frame_of(moments: Iterable[datetime | None], zone: tzinfo = UTC) -> Frame | None:
    """The days from the first to the last of ``moments``; None without any."""
    days = [
        moment.astimezone(zone).date() if moment.tzinfo else moment.date()
        for moment in moments
        if moment is not None
    ]
    if not days:
        return None
    return Frame(min(days), max(days), zone)


def week_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


DAY, WEEK, MONTH = "day", "week", "month"


@dataclass(frozen=True)
class Ticks:
    """Where a date axis puts its labels, and what they name."""

    days: list[date]
    unit: str  # DAY (a label in the middle of its day), WEEK (on Mondays) or MONTH (on the 1st)

    def at(self, day: date) -> datetime:
        return _midnight(day) + (timedelta(hours=12) if self.unit == DAY else timedelta())


def _every(start: date, last: date, step) -> list[date]:
    days, day = [], start
    while day <= last:
        days.append(day)
        day = step(day)
    return days


def tick_days(first: date, last: date) -> Ticks:
    """The days to label on an axis from ``first`` to ``last`` (both included): at most
    ``MAX_TICKS``, every day or every other day, else Mondays, else firsts of months."""
    for step in DAY_STEPS:
        every = _every(first, last, lambda d, n=step: d + timedelta(days=n))
        if len(every) <= MAX_TICKS:
            return Ticks(every, DAY)
    monday = week_of(first + timedelta(days=6))  # the first Monday on or after ``first``
    for weeks in WEEK_STEPS:
        step = timedelta(weeks=weeks)
        every = _every(monday, last, lambda d, s=step: d + s)
        if len(every) <= MAX_TICKS:
            return Ticks(every, WEEK)
    for months in MONTH_STEPS:
        start = first if first.day == 1 else _add_months(first, 1)
        # Months on a grid from January (Jan, Apr, Jul, Oct), so that steps read evenly.
        start = _add_months(start, (-(start.month - 1)) % months)
        every = _every(start, last, lambda d, n=months: _add_months(d, n))
        if len(every) <= MAX_TICKS:
            return Ticks(every, MONTH)
    return Ticks([], DAY)  # never reached for a window of under a century


def tick_label(day: date, *, unit: str, with_year: bool) -> str:
    if unit == MONTH:
        return date_format(day, TICK_MONTH_YEAR if with_year else TICK_MONTH)
    return date_format(day, TICK_DAY_YEAR if with_year else TICK_DAY)


def date_ticks(frame: Frame, first: date | None = None, last: date | None = None) -> dict:
    """``tickvals`` and ``ticktext`` of a date axis over ``first`` .. ``last`` (the frame's
    days unless given). The year is shown only when the chart spans years: on the first
    tick and on the first tick of each new year."""
    first, last = first or frame.first_day, last or frame.last_day
    ticks = tick_days(first, last)
    labels, year = [], None
    for day in ticks.days:
        with_year = frame.spans_years and day.year != year
        labels.append(tick_label(day, unit=ticks.unit, with_year=with_year))
        year = day.year
    axis = {"tickvals": [ticks.at(day) for day in ticks.days], "ticktext": labels}
    if ticks.unit == DAY:
        # Labels in the middle of their days, grid lines between the days.
        midnights = [_midnight(first + timedelta(days=n)) for n in range((last - first).days + 2)]
        axis["showgrid"] = False
        axis["minor"] = {"tickmode": "array", "tickvals": midnights, "showgrid": True}
    return axis


def date_axis(frame: Frame | None, *, whole_weeks: bool = False) -> dict:
    """A date x axis over the frame's days, with its ticks; over whole weeks (Monday to
    Sunday) when the chart has a bar per week. Without a frame (no data), Plotly's own."""
    axis = {
        "type": "date",
        "gridcolor": GRID,
        "zeroline": False,
        "automargin": True,
        "tickangle": 0,  # never slanted: labels that would not fit are thinned instead
    }
    if frame is None:
        return axis
    first, last = frame.first_day, frame.last_day
    if whole_weeks:
        first, last = week_of(first), week_of(last) + timedelta(days=6)
    axis |= {
        "range": [_midnight(first), _midnight(last + timedelta(days=1))],
        "tickmode": "array",
        **date_ticks(frame, first, last),
    }
    if "minor" in axis:
        axis["minor"]["gridcolor"] = GRID
    return axis


def hover_day(frame: Frame, day: date) -> str:
    """A day as hover texts give it: "Tue 25 Nov" (with the year when the chart spans years)."""
    return date_format(day, HOVER_DAY_YEAR if frame.spans_years else HOVER_DAY)


def hover_moment(frame: Frame, moment: datetime) -> str:
    """A moment whose time matters (a check-in, a completion): "Tue 25 Nov, 21:14"."""
    local = frame.local(moment)
    return _("%(day)s, %(time)s") % {
        "day": hover_day(frame, local.date()),
        "time": date_format(local, HOVER_TIME),
    }


def hover_week(frame: Frame, monday: date) -> str:
    """A week as hover texts give it: "Week of 9 Nov"."""
    day = date_format(monday, TICK_DAY_YEAR if frame.spans_years else TICK_DAY)
    return _("Week of %(day)s") % {"day": day}
