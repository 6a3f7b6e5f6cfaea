"""How the charts place and word dates: the days a chart spans, its date ticks, and the
dates its hover texts give. Pure: no database; names of days and months come from
Django's date formatting, so they follow the active language.

Ticks are chosen here rather than by Plotly: Plotly's own picks a step that falls within
a day for a short window and then prints "25 Nov 00:00", "25 Nov 12:00". Here every tick
is a whole day (or the first of a month), labelled "25 Nov", with the year only when the
chart spans more than one calendar year. The browser may leave out every other label
when a chart is narrow (clinic/static/clinic/charts.js), never add one.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from operator import attrgetter

from django.utils import dateformat
from django.utils.formats import date_format, get_format
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
    # What one page has already worked out about its moments (see ``for_page``): a year's
    # check-in is drawn by several charts and listed in their tables, and is converted to
    # wall-clock time and worded for hovering once. None outside a page.
    seen: "_Seen | None" = field(default=None, compare=False, repr=False)

    def for_page(self) -> "Frame":
        """This frame, remembering each moment's wall-clock time and hover text while one
        page is built. Only for the length of a request: the words follow the language
        active when they are first asked for."""
        return replace(self, seen=_Seen())

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
        if self.seen is not None:
            local = self.seen.local.get(moment)
            if local is None:
                local = self.seen.local[moment] = moment.astimezone(self.zone).replace(tzinfo=None)
            return local
        return moment.astimezone(self.zone).replace(tzinfo=None)

    def day_of(self, moment: datetime) -> date:
        return self.local(moment).date()


class _Seen:
    """A page's memory of its moments: wall-clock times, hover texts, and the words for
    each day (a year of check-ins has only 365 days to name)."""

    __slots__ = ("days", "formats", "local", "moment_words", "placed", "week_words")

    def __init__(self):
        self.local: dict[datetime, datetime] = {}
        self.placed: dict[datetime, tuple[datetime, str]] = {}
        self.days: dict[tuple[str, date], str] = {}
        self.formats: dict[str, list] = {}
        self.moment_words: str | None = None
        self.week_words: str | None = None

    def day_words(self, day: date, fmt: str) -> str:
        """``date_format(day, fmt)``, each word of it (a weekday's name, a month's) worked
        out once a page rather than once a day: Django's formatter takes about 20 µs."""
        key = (fmt, day)
        words = self.days.get(key)
        if words is not None:
            return words
        pieces = self.formats.get(fmt)
        if pieces is None:  # as date_format reads it: a setting's name, or the format
            pieces = self.formats[fmt] = [
                (piece, None, None) if depends_on is None else (piece, _PART[depends_on], {})
                for piece, depends_on in _format_pieces(get_format(fmt))
            ]
        texts = []
        for piece, part_of, known in pieces:
            if part_of is None:  # literal text
                texts.append(piece)
                continue
            part = part_of(day)
            text = known.get(part)
            if text is None:
                text = known[part] = dateformat.format(day, piece)
            texts.append(text)
        words = self.days[key] = "".join(texts)
        return words


# Django's date format characters, and the part of a date that the ones a day's words use
# depend on; any other is worked out for each date. See ``_Seen.day_words``.
_FORMAT_CHARS = frozenset("aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ")
_DEPENDS_ON = {
    **dict.fromkeys("Dlw", "weekday"),
    **dict.fromkeys("bEFMNmn", "month"),
    **dict.fromkeys("dj", "day"),
    **dict.fromkeys("Yy", "year"),
}
_PART = {
    "weekday": date.weekday,
    "month": attrgetter("month"),
    "day": attrgetter("day"),
    "year": attrgetter("year"),
    "date": lambda day: day,
}


@functools.cache
def _format_pieces(fmt: str) -> tuple[tuple[str, str | None], ...]:
    """A date format as Django reads it: format characters, each with the part of a date
    it depends on, and literal text (None; a backslash makes the next character literal)."""
    pieces, literal, chars = [], [], iter(fmt)
    for char in chars:
        if char == "\\":
            literal.append(next(chars, ""))
        elif char in _FORMAT_CHARS:
            if literal:
                pieces.append(("".join(literal), None))
                literal = []
            pieces.append((char, _DEPENDS_ON.get(char, "date")))
        else:
            literal.append(char)
    if literal:
        pieces.append(("".join(literal), None))
    return tuple(pieces)


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
    """The days from ``start`` to ``last`` by ``step``; stops one past ``MAX_TICKS`` (too
    many already), rather than listing every day of a year to find that out."""
    days, day = [], start
    while day <= last and len(days) <= MAX_TICKS:
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
    return day_words(frame, day, HOVER_DAY_YEAR if frame.spans_years else HOVER_DAY)


def day_words(frame: Frame, day: date, fmt: str) -> str:
    """``date_format(day, fmt)``; on a page's frame, each word of it is worked out once."""
    return date_format(day, fmt) if frame.seen is None else frame.seen.day_words(day, fmt)


def hover_moment(frame: Frame, moment: datetime) -> str:
    """A moment whose time matters (a check-in, a completion): "Tue 25 Nov, 21:14"."""
    if frame.seen is None:
        return _moment_words(frame, moment, _("%(day)s, %(time)s"))
    return placed(frame, [moment])[1][0]


def placed(frame: Frame, moments: Iterable[datetime]) -> tuple[list[datetime], list[str]]:
    """Where each of ``moments`` is drawn (its wall-clock time in the frame's zone) and
    how its hover text dates it ("Tue 25 Nov, 21:14"); on a page's frame, each moment is
    worked out once however many charts and tables show it."""
    seen = frame.seen
    if seen is None:
        words = _("%(day)s, %(time)s")
        pairs = [(frame.local(moment), _moment_words(frame, moment, words)) for moment in moments]
        return [local for local, _words in pairs], [words for _local, words in pairs]
    if seen.moment_words is None:
        seen.moment_words = _("%(day)s, %(time)s")
    known, pattern, zone, locals_ = seen.placed, seen.moment_words, frame.zone, seen.local
    day_format = HOVER_DAY_YEAR if frame.spans_years else HOVER_DAY

    def place(moment: datetime) -> tuple[datetime, str]:
        # As Frame.local and hover_moment give them, in one step.
        local = moment if moment.tzinfo is None else moment.astimezone(zone).replace(tzinfo=None)
        locals_[moment] = local
        words = pattern % {"day": seen.day_words(local.date(), day_format), "time": _clock(local)}
        pair = known[moment] = (local, words)
        return pair

    pairs = [known.get(moment) or place(moment) for moment in moments]
    return [pair[0] for pair in pairs], [pair[1] for pair in pairs]


def _moment_words(frame: Frame, moment: datetime, pattern: str) -> str:
    local = frame.local(moment)
    return pattern % {"day": hover_day(frame, local.date()), "time": _clock(local)}


def _clock(local: datetime) -> str:
    """``HOVER_TIME`` ("H:i": digits only, the same in every language) without the cost
    of Django's formatter, which a year of check-ins would call thousands of times."""
    return f"{local.hour:02d}:{local.minute:02d}"


def hover_week(frame: Frame, monday: date) -> str:
    """A week as hover texts give it: "Week of 9 Nov"."""
    day = day_words(frame, monday, TICK_DAY_YEAR if frame.spans_years else TICK_DAY)
    if frame.seen is None:
        return _("Week of %(day)s") % {"day": day}
    if frame.seen.week_words is None:
        frame.seen.week_words = _("Week of %(day)s")
    return frame.seen.week_words % {"day": day}
