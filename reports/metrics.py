"""The emotional-processing metrics of the design brief: one definition, used everywhere.

Pure functions on plain data (no database), so the dashboard, the session-prep
report, the weekly summary and the API show the same number for the same window.
A window without data gives None ("no data"), never a made-up zero.
"""

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import attrgetter, mul
from statistics import fmean

STUCK_EMOTION_INTENSITY = 7
STUCK_EMOTION_RUN = 4
STUCK_RESISTANCE = 7
STUCK_RESISTANCE_RUN = 3
SECONDS_PER_WEEK = 7 * 24 * 3600


@dataclass(frozen=True)
class CheckInPoint:
    """One check-in as the metrics see it; ratings the client skipped are None."""

    occurred_at: datetime
    distress: int | None  # None only in a safety answer sent without ratings
    emotions: tuple[tuple[str, int], ...] = ()  # (label code, intensity), strongest first
    charge: int | None = None
    mind_space: int | None = None
    self_compassion: int | None = None
    resistance: int | None = None

    @functools.cached_property
    def strongest(self) -> tuple[str, int] | None:
        # Asked for by the flow metric, its chart and its table: worked out once.
        return max(self.emotions, key=lambda e: e[1]) if self.emotions else None


@dataclass(frozen=True)
class AssignmentPlan:
    id: int
    title: str
    schedule: str  # once | daily | weekly
    starts_on: date
    ends_on: date | None = None
    times_per_week: int | None = None
    active: bool = True


@dataclass(frozen=True)
class CompletionPoint:
    assignment_id: int
    title: str
    completed_on: date
    distress_before: int
    distress_after: int
    completed_at: datetime | None = None  # for charts; the metrics use the local date


@dataclass(frozen=True)
class Trend:
    """Mean, range and weekly least-squares slope of one signal over a window."""

    count: int
    mean: float
    minimum: float
    maximum: float
    first: float
    last: float
    slope_per_week: float | None  # None with a single point or a single moment
    first_at: datetime | None = None
    last_at: datetime | None = None
    # The least-squares line at the first and the last moment, kept within the values seen:
    # "from about 7 to about 4" describes the trend, not two single evenings.
    line_first: float | None = None
    line_last: float | None = None

    @property
    def slope_size(self) -> float | None:
        return abs(self.slope_per_week) if self.slope_per_week is not None else None

    @property
    def span_days(self) -> float:
        if self.first_at is None or self.last_at is None:
            return 0.0
        return (self.last_at - self.first_at).total_seconds() / 86400


@dataclass(frozen=True)
class Stretch:
    """Consecutive check-ins (indices into the window, inclusive) that are stuck."""

    start: int
    end: int
    first_at: datetime
    last_at: datetime
    reason: str  # "emotion" or "resistance"
    label: str | None = None


@dataclass(frozen=True)
class Flow:
    distinct_labels: int
    turnover: float | None  # share of check-ins whose strongest emotion changed; None < 2
    stuck: bool
    stretches: tuple[Stretch, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Adherence:
    assignment_id: int
    title: str
    expected: float
    done: int
    ratio: float | None  # done (capped at expected) / expected; None when nothing was due

    @property
    def planned(self) -> int:
        """Whole times asked for, rounded half up as the readings and summaries say it
        ("5 of about 8"). Today is already left out of ``expected`` until it is over."""
        return math.floor(self.expected + 0.5)

    @property
    def missed(self) -> int:
        return max(0, self.planned - self.done)


@dataclass(frozen=True)
class ExerciseEffect:
    title: str
    completions: int
    mean_drop: float  # mean of distress before minus after; negative means it rose
    mean_before: float
    mean_after: float


def slope_per_week(points: Sequence[tuple[datetime, float]]) -> float | None:
    """Least-squares slope of value over time, in units per week."""
    if len(points) < 2:
        return None
    return _fit(points, [value for _, value in points])[1]


def _fit(
    points: Sequence[tuple[datetime, float]], ys: list[float], axes: dict | None = None
) -> tuple[list[float], float | None, float, float]:
    """Weeks since the first point, the least-squares slope, and the means of both axes;
    ``ys`` are the points' values. ``axes`` keeps the time axis of signals answered at
    the same moments (a window's check-ins, every rating answered): worked out once."""
    key = tuple(moment for moment, _ in points) if axes is not None else None
    axis = axes.get(key) if axes is not None else None
    if axis is None:
        origin = points[0][0]
        xs = [(moment - origin).total_seconds() / SECONDS_PER_WEEK for moment, _ in points]
        mean_x = fmean(xs)
        axis = (xs, mean_x, sum((x - mean_x) ** 2 for x in xs), [x - mean_x for x in xs])
        if axes is not None:
            axes[key] = axis
    xs, mean_x, spread, from_mean_x = axis
    mean_y = fmean(ys)
    if spread == 0:
        return xs, None, mean_x, mean_y
    # The sum of (x - mean x) * (y - mean y), term by term in order, as the definition reads.
    slope = sum(map(mul, from_mean_x, [y - mean_y for y in ys])) / spread
    return xs, slope, mean_x, mean_y


def trend(
    points: Sequence[tuple[datetime, float | None]], *, axes: dict | None = None
) -> Trend | None:
    """Summary of one signal; points with None (skipped) are left out. ``axes`` may be
    shared by the signals of one window (see ``_fit``)."""
    answered = [(moment, value) for moment, value in points if value is not None]
    if not answered:
        return None
    answered.sort()
    values = [value for _, value in answered]
    low, high = min(values), max(values)
    slope = line_first = line_last = None
    mean = fmean(values)
    if len(answered) >= 2:
        xs, slope, mean_x, mean_y = _fit(answered, values, axes)
        if slope is not None:
            # The line at the first and the last moment, kept within the values seen.
            line_first = min(high, max(low, mean_y + slope * (xs[0] - mean_x)))
            line_last = min(high, max(low, mean_y + slope * (xs[-1] - mean_x)))
    return Trend(
        count=len(values),
        mean=mean,
        minimum=low,
        maximum=high,
        first=values[0],
        last=values[-1],
        slope_per_week=slope,
        first_at=answered[0][0],
        last_at=answered[-1][0],
        line_first=line_first,
        line_last=line_last,
    )


RISING_PER_WEEK = 0.5
RISING_MIN_CHECK_INS = 4
RISING_MIN_DAYS = 7


def is_rising(trend: Trend | None) -> bool:
    """Distress rising: 0.5+ a week over at least 4 check-ins spanning a week, so that
    two bad evenings in a row are not called a trend."""
    return bool(
        trend
        and trend.slope_per_week is not None
        and trend.slope_per_week >= RISING_PER_WEEK
        and trend.count >= RISING_MIN_CHECK_INS
        and trend.span_days >= RISING_MIN_DAYS
    )


# How each signal is read from a check-in; one definition for the functions below and
# for ``summarize``.
SIGNALS = {
    "distress": attrgetter("distress"),
    # Signed charge (-5 anger or resentment .. +5 love or longing): which side it is on.
    "charge": attrgetter("charge"),
    # |charge|: 0 is neutral, the sign of having moved on; falling is healing.
    "neutrality": lambda c: abs(c.charge) if c.charge is not None else None,
    "mind_space": attrgetter("mind_space"),
    "self_compassion": attrgetter("self_compassion"),
    "resistance": attrgetter("resistance"),
}


def _signal(check_ins: Sequence[CheckInPoint], name: str, axes: dict | None = None):
    read = SIGNALS[name]
    return trend([(c.occurred_at, read(c)) for c in check_ins], axes=axes)


def distress(check_ins: Sequence[CheckInPoint]) -> Trend | None:
    return _signal(check_ins, "distress")


def charge(check_ins: Sequence[CheckInPoint]) -> Trend | None:
    """Signed charge (-5 anger or resentment .. +5 love or longing): which side it is on."""
    return _signal(check_ins, "charge")


def neutrality(check_ins: Sequence[CheckInPoint]) -> Trend | None:
    """|charge|: 0 is neutral, the sign of having moved on; falling is healing."""
    return _signal(check_ins, "neutrality")


def mind_space(check_ins: Sequence[CheckInPoint]) -> Trend | None:
    return _signal(check_ins, "mind_space")


def self_compassion(check_ins: Sequence[CheckInPoint]) -> Trend | None:
    return _signal(check_ins, "self_compassion")


def resistance(check_ins: Sequence[CheckInPoint]) -> Trend | None:
    return _signal(check_ins, "resistance")


def _runs(flags: Sequence[object | None]) -> list[tuple[int, int, object]]:
    """Maximal runs of equal, non-None values: (start, end, value)."""
    runs, start = [], 0
    for index in range(1, len(flags) + 1):
        if index == len(flags) or flags[index] != flags[start]:
            if flags[start] is not None:
                runs.append((start, index - 1, flags[start]))
            start = index
    return runs


def flow(check_ins: Sequence[CheckInPoint]) -> Flow | None:
    """Whether emotions move (variety, turnover) or stick (the brief's stuck rule)."""
    if not check_ins:
        return None
    ordered = sorted(check_ins, key=lambda c: c.occurred_at)
    labels = {code for c in ordered for code, _ in c.emotions}
    strongest = [c.strongest[0] if c.strongest else None for c in ordered]
    changes = sum(1 for a, b in itertools.pairwise(strongest) if a != b)
    turnover = changes / (len(ordered) - 1) if len(ordered) > 1 else None

    heavy = [
        c.strongest[0] if c.strongest and c.strongest[1] >= STUCK_EMOTION_INTENSITY else None
        for c in ordered
    ]
    pushing = [
        True if c.resistance is not None and c.resistance >= STUCK_RESISTANCE else None
        for c in ordered
    ]

    def stretch(start: int, end: int, reason: str, label: str | None = None) -> Stretch:
        return Stretch(
            start, end, ordered[start].occurred_at, ordered[end].occurred_at, reason, label
        )

    stretches = [
        stretch(start, end, "emotion", label)
        for start, end, label in _runs(heavy)
        if end - start + 1 >= STUCK_EMOTION_RUN
    ] + [
        stretch(start, end, "resistance")
        for start, end, _ in _runs(pushing)
        if end - start + 1 >= STUCK_RESISTANCE_RUN
    ]
    stretches.sort(key=lambda s: s.start)
    return Flow(
        distinct_labels=len(labels),
        turnover=turnover,
        stuck=bool(stretches),
        stretches=tuple(stretches),
    )


def expected_completions(plan: AssignmentPlan, first: date, last: date) -> float:
    """How many completions the schedule asked for between two dates (inclusive)."""
    start = max(plan.starts_on, first)
    end = min(plan.ends_on or last, last)
    if not plan.active or end < start:
        return 0.0
    if plan.schedule == "once":
        return 1.0 if first <= plan.starts_on <= last else 0.0
    days = (end - start).days + 1
    if plan.schedule == "daily":
        return float(days)
    return (plan.times_per_week or 1) * days / 7


def adherence(
    plans: Sequence[AssignmentPlan],
    completions: Sequence[CompletionPoint],
    first: date,
    last: date,
    asked_until: date | None = None,
) -> list[Adherence]:
    """Per assignment: completions in the window against what its schedule asked for.

    ``asked_until`` ends the asking early: a window that ends today counts what was
    asked up to yesterday, since today is not over; what was done today still counts.
    """
    done: dict[int, int] = {}
    for completion in completions:
        if first <= completion.completed_on <= last:
            done[completion.assignment_id] = done.get(completion.assignment_id, 0) + 1
    result = []
    for plan in plans:
        expected = (
            expected_completions(plan, first, asked_until if asked_until is not None else last)
            if asked_until is None or asked_until >= first
            else 0.0
        )
        count = done.get(plan.id, 0)
        if expected == 0 and count == 0:
            continue
        ratio = min(count, expected) / expected if expected else None
        result.append(Adherence(plan.id, plan.title, expected, count, ratio))
    return result


def adherence_overall(items: Sequence[Adherence]) -> float | None:
    """All completions (each assignment capped at its schedule) over all that was asked."""
    expected = sum(item.expected for item in items)
    if not expected:
        return None
    return sum(min(item.done, item.expected) for item in items) / expected


def exercise_effect(completions: Sequence[CompletionPoint]) -> list[ExerciseEffect]:
    """Mean drop in distress from before to after, per exercise, most helpful first."""
    by_title: dict[str, list[CompletionPoint]] = {}
    for completion in completions:
        by_title.setdefault(completion.title, []).append(completion)
    effects = [
        ExerciseEffect(
            title=title,
            completions=len(done),
            mean_drop=fmean(c.distress_before - c.distress_after for c in done),
            mean_before=fmean(c.distress_before for c in done),
            mean_after=fmean(c.distress_after for c in done),
        )
        for title, done in by_title.items()
    ]
    return sorted(effects, key=lambda e: (-e.mean_drop, e.title))


def weeks_between(first: date, last: date) -> list[date]:
    """Mondays of the weeks that touch the window."""
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


@dataclass(frozen=True)
class Window:
    """Everything the metrics need about one client between two moments."""

    first_day: date  # in the client's calendar
    last_day: date
    check_ins: tuple[CheckInPoint, ...]
    plans: tuple[AssignmentPlan, ...]
    completions: tuple[CompletionPoint, ...]
    asked_until: date | None = None  # the last whole day; see ``adherence``


@dataclass(frozen=True)
class Summary:
    check_ins: int
    distress: Trend | None
    neutrality: Trend | None
    mind_space: Trend | None
    self_compassion: Trend | None
    resistance: Trend | None
    flow: Flow | None
    adherence: list[Adherence]
    adherence_overall: float | None
    exercise_effect: list[ExerciseEffect]
    charge: Trend | None = None  # signed; ``neutrality`` is its distance from 0


def summarize(window: Window) -> Summary:
    """Every metric of the brief for one window."""
    points = sorted(window.check_ins, key=lambda c: c.occurred_at)
    in_window = [
        c for c in window.completions if window.first_day <= c.completed_on <= window.last_day
    ]
    items = adherence(
        window.plans, in_window, window.first_day, window.last_day, window.asked_until
    )
    axes: dict = {}  # the signals answered at every check-in share their time axis
    return Summary(
        check_ins=len(points),
        distress=_signal(points, "distress", axes),
        neutrality=_signal(points, "neutrality", axes),
        mind_space=_signal(points, "mind_space", axes),
        self_compassion=_signal(points, "self_compassion", axes),
        resistance=_signal(points, "resistance", axes),
        flow=flow(points),
        adherence=items,
        adherence_overall=adherence_overall(items),
        exercise_effect=exercise_effect(in_window),
        charge=_signal(points, "charge", axes),
    )
