"""Which way a signal went, decided from its numbers by stated rules. Pure, no database.

The chart readings and the weekly digest both word what this module decides, so the
same numbers always get the same word. Each decision is made on the figures exactly
as they are quoted (rounded the way the reading prints them): a reading can never say
"rose from 7 to 7", nor "held" next to "6 to 9". The one exception is the side of the
charge, which is the sign of the mean itself: a mean of -0.04 leans toward anger or
resentment even though it is quoted as 0.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import metrics

UP, DOWN, HELD, FEW = "up", "down", "held", "few"

# Two answers are two evenings: the line through them is those two evenings, so it
# would call any difference a trend (metrics.is_rising asks for more, for the same reason).
MIN_ANSWERS = 3

# A window that runs more than five weeks from its first answer to its end is long
# enough for its average and its overall line to hide what the latest weeks did; its last
# four weeks are then read on their own, counted back from the window's end: the same
# answers, and so the same words, as the 4-week window ending then (a quiet fortnight at
# the end leaves less to read, as it does in the 4-week window). Without a window end,
# the last answer stands in for it.
LONG_SPAN_DAYS = 35
RECENT_DAYS = 28


@dataclass(frozen=True)
class Rule:
    """How one signal is quoted, and how much change counts as a change."""

    held_below: float  # a change smaller than this, between the quoted ends, is "held"
    digits: int  # decimals the readings quote


# Distress is a whole-point SUD rating; under one point between the ends of the fitted
# line, or between two weekly means, is within the scatter of a steady week.
DISTRESS = Rule(held_below=1.0, digits=1)
# Mind space is a 0-100 slider that clients move in rough steps; under 10 points is noise.
MIND_SPACE = Rule(held_below=10, digits=0)
# Self-compassion (0-10): "growing" only with at least a whole point between the line's
# ends; 1, 2, 1, 2 is a steady low, not growth.
SELF_COMPASSION = Rule(held_below=1.0, digits=1)
# Charge (-5..+5) and its distance from neutral: a whole point, as for the other ratings.
CHARGE = Rule(held_below=1.0, digits=1)

# An exercise "eased distress most" only when done often enough to compare, and by a
# margin over the next one that one evening's difference could not make up.
EFFECT_MIN_COMPLETIONS = 3
EFFECT_MARGIN = 0.5
EFFECT_DIGITS = 1


def units(value: float, digits: int) -> int:
    """``value`` in the last quoted decimal, rounded half up (7.25 -> 73 tenths)."""
    return math.floor(value * 10**digits + 0.5 + 1e-9)


def quoted(value: float, digits: int) -> float:
    """The figure a reading prints for ``value``."""
    return units(value, digits) / 10**digits


def shown(value: float, digits: int) -> str:
    """A quoted figure as plain text, without trailing zeros: 7, 4.2."""
    text = f"{quoted(value, digits):.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Direction:
    way: str  # UP, DOWN, HELD, or FEW (too few answers to show one)
    mean: float
    count: int
    start: float | None = None  # the quoted ends the way was decided on
    end: float | None = None


def _way(start: float, end: float, rule: Rule) -> str:
    change = units(end, rule.digits) - units(start, rule.digits)
    if abs(change) < units(rule.held_below, rule.digits):
        return HELD
    return UP if change > 0 else DOWN


def of_trend(trend: metrics.Trend | None, rule: Rule) -> Direction | None:
    """The direction of a window's fitted line, from its first to its last answer."""
    if trend is None:
        return None
    if trend.count < MIN_ANSWERS or trend.line_first is None or trend.line_last is None:
        return Direction(FEW, trend.mean, trend.count)
    start, end = quoted(trend.line_first, rule.digits), quoted(trend.line_last, rule.digits)
    return Direction(_way(start, end, rule), trend.mean, trend.count, start, end)


def between(before: float, after: float, rule: Rule) -> Direction:
    """From one figure to another, e.g. last week's mean distress to this week's."""
    start, end = quoted(before, rule.digits), quoted(after, rule.digits)
    return Direction(_way(start, end, rule), after, 2, start, end)


def recent_part(
    series: Sequence[tuple[datetime, float | None]], until: datetime | None = None
) -> list[tuple[datetime, float]] | None:
    """The answers of the last ``RECENT_DAYS`` up to ``until``, the window's end (the last
    answer when not given), when the window runs more than ``LONG_SPAN_DAYS`` from its
    first answer to that end; None for a shorter window."""
    moments = [moment for moment, value in series if value is not None]
    if not moments:
        return None
    end = until if until is not None else max(moments)
    if end - min(moments) <= timedelta(days=LONG_SPAN_DAYS):
        return None
    start = end - timedelta(days=RECENT_DAYS)
    # Only the last weeks are put in order: a year of answers is not sorted for four weeks.
    return sorted(
        (moment, value) for moment, value in series if value is not None and start <= moment <= end
    )


def recent(
    series: Sequence[tuple[datetime, float | None]],
    whole: Direction | None,
    rule: Rule,
    until: datetime | None = None,
) -> Direction | None:
    """The direction of the last weeks of a long window, when it differs from the whole
    window's: "held over 12 weeks" must not hide "rose in the last 4"."""
    if whole is None or whole.way == FEW:
        return None
    part = recent_part(series, until)
    if part is None:
        return None
    found = of_trend(metrics.trend(part), rule)
    if found is None or found.way == FEW or found.way == whole.way:
        return None
    return found


# --- charge: which side, and toward or away from neutral ----------------------------
ANGER, LOVE, NEUTRAL = "anger", "love", "neutral"
CROSSED = "crossed"


@dataclass(frozen=True)
class Charge:
    side: str  # ANGER (negative), LOVE (positive) or NEUTRAL (zero): the sign of the mean
    both_sides: bool  # answers fell on both sides of neutral
    mean: float  # signed mean
    distance: float  # mean distance from neutral (the neutrality figure)
    # UP (away from neutral), DOWN (toward neutral), HELD or FEW, on |charge|; or CROSSED
    movement: Direction
    crossed_to: str | None = None  # the side it crossed to, with the signed line's ends
    # On a side, but its mean less than ``CHARGE.held_below`` from neutral as quoted:
    # "close to neutral, leaning toward" that side rather than "on the side of" it.
    close: bool = False


def charge(signed: metrics.Trend | None, distance: metrics.Trend | None) -> Charge | None:
    """Side from the signed charge; toward neutral only when the fitted line of the
    distance from neutral (|charge|) shrank by ``CHARGE.held_below``."""
    if signed is None or distance is None:
        return None
    # The side is the sign of the mean itself, not of its rounded figure: rounding half up
    # put a mean of -0.05 at neutral and +0.05 on a side. NEUTRAL only for a mean of
    # exactly 0 (every answer 0, or answers balanced on both sides).
    side = ANGER if signed.mean < 0 else LOVE if signed.mean > 0 else NEUTRAL
    # How close, on the size of the mean alone, quoted the same way for either side.
    size = units(abs(signed.mean), CHARGE.digits)
    close = side != NEUTRAL and size < units(CHARGE.held_below, CHARGE.digits)
    both = signed.minimum < 0 < signed.maximum
    movement = of_trend(distance, CHARGE)
    line = of_trend(signed, CHARGE)
    # From one side to the other is not "toward neutral": it went through it.
    if line is not None and line.way in (UP, DOWN) and line.start * line.end < 0:
        movement = Direction(CROSSED, line.mean, line.count, line.start, line.end)
        crossed_to = LOVE if line.end > 0 else ANGER
        return Charge(side, both, signed.mean, distance.mean, movement, crossed_to, close)
    return Charge(side, both, signed.mean, distance.mean, movement, close=close)


def recent_charge(
    signed: Sequence[tuple[datetime, float | None]],
    whole: Charge | None,
    until: datetime | None = None,
) -> Charge | None:
    """The charge of the last weeks of a long window (see ``recent_part``), read as the
    4-week window reads it, crossings included, when its movement differs from the whole
    window's."""
    if whole is None or whole.movement.way == FEW:
        return None
    part = recent_part(signed, until)
    if part is None:
        return None
    found = charge(metrics.trend(part), metrics.trend([(at, abs(value)) for at, value in part]))
    if found is None or found.movement.way == FEW:
        return None
    if (found.movement.way, found.crossed_to) == (whole.movement.way, whole.crossed_to):
        return None
    return found


# --- exercises: how many were done, and which one eased distress most ---------------
@dataclass(frozen=True)
class Tally:
    """The exercises of a window as the Exercises table shows them: ``planned`` is the sum
    of its Planned column (each exercise's planned count, rounded half up), ``done`` the
    sum of its Done column with each exercise counted up to its own planned count (more
    of one does not make up for another left undone), and ``beyond`` the rest of the Done
    column. ``percent`` is ``done`` of ``planned``, from these same whole figures, rounded
    half up: "1 of 6" is 17%. None when nothing was planned."""

    planned: int
    done: int
    beyond: int
    percent: int | None


def tally(items: Sequence[metrics.Adherence]) -> Tally:
    planned = sum(item.planned for item in items)
    done = sum(min(item.done, item.planned) for item in items)
    beyond = sum(item.done for item in items) - done
    # In whole numbers, so that an exact half (1 of 8: 12.5%) rounds up as it is quoted.
    percent = (200 * done + planned) // (2 * planned) if planned else None
    return Tally(planned, done, beyond, percent)


MOST, ABOUT_EQUAL, ONLY = "most", "about equal", "only"


@dataclass(frozen=True)
class Helpful:
    kind: str  # MOST, ABOUT_EQUAL (a tie within the margin) or ONLY (nothing to compare with)
    effects: tuple[metrics.ExerciseEffect, ...]  # the exercises named, most helpful first


def _drop_units(effect: metrics.ExerciseEffect) -> int:
    return units(effect.mean_before, EFFECT_DIGITS) - units(effect.mean_after, EFFECT_DIGITS)


def drop(effect: metrics.ExerciseEffect) -> float:
    """The mean drop as the table shows it: the quoted mean before minus the quoted mean
    after (6.9 -> 5.1 is 1.8), so that the figure a reading gives is the table's own."""
    return _drop_units(effect) / 10**EFFECT_DIGITS


def _clearly_ahead(best: metrics.ExerciseEffect, other: metrics.ExerciseEffect) -> bool:
    gap = _drop_units(best) - _drop_units(other)
    return gap >= units(EFFECT_MARGIN, EFFECT_DIGITS)


def most_helpful(effects: Sequence[metrics.ExerciseEffect]) -> Helpful | None:
    """Among exercises done at least ``EFFECT_MIN_COMPLETIONS`` times, the one that
    eased distress most by ``EFFECT_MARGIN`` or more; the ones that also eased it and
    are less than ``EFFECT_MARGIN`` behind it are named with it, as too close to tell."""
    compared = sorted(
        (e for e in effects if e.completions >= EFFECT_MIN_COMPLETIONS),
        key=lambda e: (-_drop_units(e), e.title),
    )
    if not compared or _drop_units(compared[0]) <= 0:
        return None
    best, others = compared[0], compared[1:]
    close = [e for e in others if _drop_units(e) > 0 and not _clearly_ahead(best, e)]
    if close:
        return Helpful(ABOUT_EQUAL, (best, *close))
    if not others or not _clearly_ahead(best, others[0]):
        # Alone, or the next one is within the margin without having eased anything:
        # it eased distress, but "most" would claim a comparison the numbers do not make.
        return Helpful(ONLY, (best,))
    return Helpful(MOST, (best,))
