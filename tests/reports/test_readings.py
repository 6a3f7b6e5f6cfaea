"""Readings say what their numbers say: hand-worked cases, the rules' edges, and
generated series whose words are checked against the figures they quote. No database."""

import dataclasses
import datetime as dt
import math
import re
from fractions import Fraction
from statistics import fmean

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from clients.models import Client
from clients.wording import person_words
from reports import directions as d
from reports import metrics as m
from reports import pages, readings

NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
NUMBER = r"(-?\d+(?:\.\d+)?)"
QUOTED_STEP = 0.1  # distress, charge and self-compassion are quoted to one decimal


def ci(days_ago: float, distress: int = 5, **signals) -> m.CheckInPoint:
    return m.CheckInPoint(NOW - dt.timedelta(days=days_ago), distress, (("sad", 5),), **signals)


def summarize(check_ins=(), completions=(), plans=()) -> m.Summary:
    window = m.Window(
        dt.date(2025, 10, 1), NOW.date(), tuple(check_ins), tuple(plans), tuple(completions)
    )
    return m.summarize(window)


def weekly(values, **signal_of) -> list[m.CheckInPoint]:
    """One check-in a week, the last one today."""
    last = len(values) - 1
    return [ci(7 * (last - n), value, **signal_of) for n, value in enumerate(values)]


# --- the problems found on demo data -------------------------------------------------
def test_a_climb_over_twelve_weeks_reads_as_a_rise_not_an_average():
    points = weekly([6, 6, 7, 7, 7, 7, 8, 8, 8, 8, 9, 9])
    text = readings.distress(summarize(points), "over the last 12 weeks", points)
    assert text == (
        "Distress rose from about 6 to 9 over the last 12 weeks (12 check-ins, average 7.5)."
    )


def test_a_rise_in_the_last_weeks_of_a_long_window_is_not_hidden_by_the_average():
    points = weekly([7, 7, 8, 7, 6, 7, 7, 7, 6, 7, 8, 9])
    text = readings.distress(summarize(points), "over the last 12 weeks", points, NOW)
    assert text == (
        "Distress held around 7.2 across 12 check-ins over the last 12 weeks. "
        "In the last 4 weeks of this window, it rose from about 6.2 to 8.6."
    )


# Twelve weeks whose last check-in was 12 days ago. From the last check-in, its "last 4
# weeks" reached back 40 days and held; the 4-week window, counted back from now, rose.
QUIET_END = [
    *[(82, 8), (75, 9), (68, 8), (61, 8), (54, 9), (47, 8), (40, 9), (36, 9), (32, 8)],
    *[(28, 7), (24, 8), (20, 8), (16, 9), (12, 9)],  # the last 4 weeks of the window
]


def test_a_long_window_reads_its_last_4_weeks_as_the_4_week_window_ending_then():
    points = [ci(days, value) for days, value in QUIET_END]
    four_weeks = [c for c in points if c.occurred_at >= NOW - dt.timedelta(days=28)]
    short = readings.distress(summarize(four_weeks), "over the last 4 weeks", four_weeks, NOW)
    assert short == (
        "Distress rose from about 7.2 to 9 over the last 4 weeks (5 check-ins, average 8.2)."
    )
    long = readings.distress(summarize(points), "over the last 12 weeks", points, NOW)
    assert long == (
        "Distress held around 8.4 across 14 check-ins over the last 12 weeks. "
        "In the last 4 weeks of this window, it rose from about 7.2 to 9."
    )
    # Without the window's end, the last check-in stands in for it (the old reading).
    assert readings.distress(summarize(points), "over the last 12 weeks", points) == (
        "Distress held around 8.4 across 14 check-ins over the last 12 weeks."
    )


def test_the_last_weeks_are_only_read_apart_in_a_window_longer_than_five_weeks():
    def answers(*days_ago):
        return [(NOW - dt.timedelta(days=days), 5) for days in days_ago]

    assert d.recent_part(answers(35, 28, 0)) is None  # exactly five weeks
    assert d.recent_part(answers(36, 29, 28, 0)) == answers(28, 0)  # from the last answer
    # With the window's end: counted back from it, and the window's length runs to it.
    assert d.recent_part(answers(40, 30, 28, 20, 10), NOW) == answers(28, 20, 10)
    assert d.recent_part(answers(35, 20), NOW) is None  # five weeks to the window's end
    assert d.recent_part(answers(36, 20), NOW) == answers(20)
    assert d.recent_part(answers(50, 30), NOW) == []  # nothing in the last 4 weeks
    assert d.recent_part(answers(60, 40), NOW - dt.timedelta(days=20)) == answers(40)


def test_charge_says_which_side_and_steady_is_not_toward_neutral():
    anger = [ci(21 - 7 * n, charge=c) for n, c in enumerate([-4, -3, -4, -3])]
    assert readings.charge(summarize(anger)) == (
        "The charge toward the other person was on the side of anger or resentment, "
        "3.5 from neutral on average. Its distance from neutral held fairly steady."
    )
    longing = [ci(21 - 7 * n, charge=c) for n, c in enumerate([4, 3, 4, 3])]
    assert readings.charge(summarize(longing)).startswith(
        "The charge toward the other person was on the side of love or longing, "
        "3.5 from neutral on average."
    )


def test_charge_moves_toward_neutral_only_when_its_distance_shrank_a_point():
    easing = [ci(21 - 7 * n, charge=c) for n, c in enumerate([-4, -4, -3, -3])]
    # |charge| line 4.2 -> 2.8, kept within the values seen: 4 -> 3, a shrink of one point
    assert readings.charge(summarize(easing)).endswith(
        "It moved toward neutral, from about 4 to 3 away."
    )
    barely = [ci(21 - 7 * n, charge=c) for n, c in enumerate([-4, -4, -4, -3])]
    # 4.2 -> 3.3, kept within the values: 4 -> 3.3, less than a point: not "toward neutral"
    assert readings.charge(summarize(barely)).endswith("held fairly steady.")


def test_charge_through_neutral_is_a_crossing_not_toward_neutral():
    crossing = [ci(21 - 7 * n, charge=c) for n, c in enumerate([-4, -2, 1, 3])]
    text = readings.charge(summarize(crossing))
    assert "toward neutral" not in text
    assert "It crossed from anger or resentment to love or longing, from about -4 to 3." in text
    # two answers on each side, a mean of -0.5: leaning, not "mostly on the side of"
    assert text.startswith(
        "The charge toward the other person moved between anger or resentment and "
        "love or longing, leaning toward anger or resentment, 2.5 from neutral on average."
    )


@pytest.mark.parametrize(("one", "side"), [(-1, "anger or resentment"), (1, "love or longing")])
def test_a_charge_a_hair_from_neutral_names_its_side_the_same_way_either_side(one, side):
    # mean -0.05 or +0.05: rounding half up once put the first at neutral
    answers = [ci(n, charge=0) for n in range(19)] + [ci(19.5, charge=one)]
    assert readings.charge(summarize(answers)).startswith(
        f"The charge toward the other person was close to neutral, leaning toward {side}, "
        "0.1 from neutral on average."
    )
    rarer = [ci(n, charge=0) for n in range(29)] + [ci(29.5, charge=one)]
    assert readings.charge(summarize(rarer)).startswith(
        f"The charge toward the other person was close to neutral, leaning toward {side}, "
        "less than 0.1 from neutral on average."
    )


def test_the_charge_stays_at_neutral_only_when_every_answer_is_0():
    zeros = [ci(n, charge=0) for n in range(4)]
    assert readings.charge(summarize(zeros)) == (
        "The charge toward the other person stayed at neutral. "
        "Its distance from neutral held fairly steady."
    )
    balanced = [ci(n, charge=c) for n, c in enumerate([-2, 2, -1, 1])]
    assert readings.charge(summarize(balanced)).startswith(
        "The charge toward the other person moved between anger or resentment and "
        "love or longing, 1.5 from neutral on average."
    )


# --- the other person, in the words set for the client --------------------------------
def test_readings_name_the_husband_of_a_client_treated_for_betrayal():
    words = person_words(Client(other_person="husband", focus_areas=["betrayal"]))
    values = [(-4, 60), (-3, 50), (-4, 40), (-3, 30)]
    points = [ci(21 - 7 * n, charge=c, mind_space=v) for n, (c, v) in enumerate(values)]
    summary = summarize(points)
    assert readings.charge(summary, points, NOW, words) == (
        "The charge toward their husband was on the side of anger or resentment, "
        "3.5 from neutral on average. Its distance from neutral held fairly steady."
    )
    # the person opens the sentence
    assert readings.mind_space(summary, points, NOW, words) == (
        "Their husband took up about 45% of the day, down from about 60% to 30%."
    )
    crossing = [ci(21 - 7 * n, charge=c) for n, c in enumerate([-4, -2, 1, 3])]
    assert readings.charge(summarize(crossing), crossing, NOW, words).endswith(
        "It crossed from anger or resentment to love or longing, from about -4 to 3."
    )
    assert readings.charge(summarize([ci(1)]), (), NOW, words) == (
        "No answers about their husband in this window."
    )


def test_readings_use_the_ends_of_the_scale_of_the_clients_focus_area():
    words = person_words(Client(other_person="father", focus_areas=["childhood"]))
    crossing = [ci(21 - 7 * n, charge=c) for n, c in enumerate([-4, -2, 1, 3])]
    assert readings.charge(summarize(crossing), crossing, NOW, words) == (
        "The charge toward their father moved between anger or resentment and longing for "
        "closeness, leaning toward anger or resentment, 2.5 from neutral on average. "
        "It crossed from anger or resentment to longing for closeness, from about -4 to 3."
    )


def test_without_words_for_the_other_person_the_readings_say_the_other_person():
    nobody = person_words(Client())  # no word and no focus area
    points = [ci(21 - 7 * n, charge=c, mind_space=40) for n, c in enumerate([4, 3, 4, 3])]
    summary = summarize(points)
    assert readings.charge(summary, points, NOW, nobody) == (
        "The charge toward the other person was on the side of love or longing, "
        "3.5 from neutral on average. Its distance from neutral held fairly steady."
    )
    assert readings.mind_space(summary, points, NOW, nobody) == (
        "The other person took up about 40% of the day, fairly steady."
    )
    assert readings.charge(summary, points, NOW) == readings.charge(summary, points, NOW, nobody)


def test_self_compassion_that_swings_between_one_and_two_is_not_growing():
    swinging = [ci(21 - 7 * n, self_compassion=v) for n, v in enumerate([1, 2, 1, 2])]
    assert readings.compassion(summarize(swinging)) == "Self-compassion held around 1.5."
    growing = [ci(21 - 7 * n, self_compassion=v) for n, v in enumerate([1, 2, 3, 4])]
    assert readings.compassion(summarize(growing)) == (
        "Self-compassion averaged 2.5, growing from about 1 to 4."
    )
    two = [ci(7, self_compassion=1), ci(0, self_compassion=4)]
    assert readings.compassion(summarize(two)) == "Self-compassion averaged 2.5 (2 answers)."


PLANS = [
    m.AssignmentPlan(n, title, "weekly", dt.date(2026, 3, 1), times_per_week=3)
    for n, title in enumerate("ABC")
]


def done(title: str, before: int, after: int, times: int = 1) -> list[m.CompletionPoint]:
    plan = next(p for p in PLANS if p.title == title)
    return [
        m.CompletionPoint(plan.id, title, dt.date(2026, 3, 2 + n), before, after)
        for n in range(times)
    ]


def test_one_completion_each_in_a_three_way_tie_names_no_winner():
    completions = done("A", 7, 4) + done("B", 7, 4) + done("C", 7, 4)
    text = readings.exercises(summarize(completions=completions, plans=PLANS))
    assert "most" not in text and "equally" not in text
    assert text.endswith(
        "Too few completions yet to compare how the exercises eased distress (3 or more each)."
    )


def test_eased_most_needs_three_completions_and_half_a_point_over_the_next():
    # A eases by 3.0, B by 2.5: exactly the margin
    completions = done("A", 7, 4, 3) + done("B", 7, 5, 2) + done("B", 7, 4, 2)
    text = readings.exercises(summarize(completions=completions, plans=PLANS))
    assert "“A” eased distress most, by 3 on average (done 3 times)." in text
    # B 2.6: within the margin, so a tie named as a tie, each with its own figure
    close = done("A", 7, 4, 3) + done("B", 7, 4, 3) + done("B", 7, 5, 2)
    text = readings.exercises(summarize(completions=close, plans=PLANS))
    assert text.endswith(
        "“A” (by 3) and “B” (by 2.6) eased distress on average, less than 0.5 apart: "
        "too close to say which helped most."
    )


def test_a_tie_names_every_exercise_with_its_own_figure():
    # 1.7, 1.5 and 1.5: three names, three figures (not "by 1.7 and 1.5")
    three = times("A", [2, 2, 1]) + times("B", [2, 1, 2, 1]) + times("C", [1, 2, 1, 2])
    text = readings.exercises(summarize(completions=three, plans=PLANS))
    assert text.endswith(
        "“A” (by 1.7), “B” (by 1.5) and “C” (by 1.5) eased distress on average, "
        "less than 0.5 apart: too close to say which helped most."
    )
    # 0.6 and 0.3 are within the margin: too close to tell apart, not "about equal"
    small = times("A", [1, 1, 0, 0, 1]) + times("B", [1, 0, 0])
    text = readings.exercises(summarize(completions=small, plans=PLANS))
    assert "equally" not in text
    assert text.endswith(
        "“A” (by 0.6) and “B” (by 0.3) eased distress on average, "
        "less than 0.5 apart: too close to say which helped most."
    )
    # 1.7 and 1.2: exactly the margin apart, so "most"
    apart = times("A", [2, 2, 1]) + times("B", [1, 1, 2, 1, 1])
    text = readings.exercises(summarize(completions=apart, plans=PLANS))
    assert "“A” eased distress most, by 1.7 on average (done 3 times)." in text


def test_the_drop_quoted_is_the_tables_mean_before_minus_mean_after():
    # Before 48/7 = 6.86, after 36/7 = 5.14: the table shows 6.9 and 5.1. The unrounded
    # drop, 1.71, would print as 1.7 beside them; the reading and the table say 1.8.
    completions = [
        m.CompletionPoint(0, "A", dt.date(2026, 3, 2 + n), before, after)
        for n, (before, after) in enumerate([(7, 5)] * 6 + [(6, 6)])
    ]
    summary = summarize(completions=completions, plans=PLANS)
    assert "“A” eased distress by 1.8 on average (done 7 times)." in readings.exercises(summary)
    assert pages._exercise_rows(summary)[0][3:] == ["6.9", "5.1", "1.8"]


def exercise_items(*rows) -> list[m.Adherence]:
    """Adherence rows as (expected, done); ratio as metrics gives it."""
    return [
        m.Adherence(
            n, "ABCDE"[n], expected, done_, min(done_, expected) / expected if expected else None
        )
        for n, (expected, done_) in enumerate(rows)
    ]


def with_adherence(items) -> m.Summary:
    return dataclasses.replace(
        summarize(), adherence=items, adherence_overall=m.adherence_overall(items)
    )


@pytest.mark.parametrize(
    ("rows", "reading"),
    [
        # the demo: Done 2, 0, 0 against Planned 1, 1, 1 (1.4, 1.4 and 1.2 asked for);
        # read as "1 of about 3 (44%)" from the unrounded figures
        (
            [(1.4, 2), (1.4, 0), (1.2, 0)],
            "Did 1 of about 3 planned exercises (33%). 1 more was done beyond the plan.",
        ),
        # Done 6 against Planned 5 (5.2 asked for): was "5 of about 5 (97%)"
        ([(5.2, 6)], "Did 5 of about 5 planned exercises (100%). 1 more was done beyond the plan."),
        ([(6.4, 1)], "Did 1 of about 6 planned exercises (17%)."),  # was 16%, from 1 of 6.4
        ([(8, 1)], "Did 1 of about 8 planned exercises (13%)."),  # 12.5%: half up
        (
            [(2.5, 4), (3, 0)],
            "Did 3 of about 6 planned exercises (50%). 1 more was done beyond the plan.",
        ),
        ([(1, 1)], "Did 1 of about 1 planned exercise (100%)."),
        ([(0.4, 1)], "Did 1 exercise; none were planned yet in this window."),
        ([(0.4, 0)], "No exercises were planned in this window."),
    ],
)
def test_the_exercises_reading_quotes_the_tables_done_and_planned(rows, reading):
    summary = with_adherence(exercise_items(*rows))
    assert readings.exercises(summary) == reading
    table = pages._exercise_rows(summary)
    assert [row[1:3] for row in table] == [
        [done_, math.floor(expected + 0.5)] for expected, done_ in rows
    ]


def test_an_exercise_done_often_beside_ones_done_rarely_eases_without_most():
    completions = done("A", 7, 5, 3) + done("B", 9, 2, 1)
    text = readings.exercises(summarize(completions=completions, plans=PLANS))
    assert "“A” eased distress by 2 on average (done 3 times)." in text
    assert "most" not in text


def test_an_exercise_done_often_that_eased_nothing_is_not_too_few_completions():
    # 25 times, one of them easing distress by a point: 0.04 on average, quoted as 0
    completions = times("A", [1] + [0] * 24)
    text = readings.exercises(summarize(completions=completions, plans=PLANS))
    assert "Too few" not in text
    assert text.endswith(
        "Across the exercises done 3 or more times, distress was about the same "
        "or higher afterwards, on average."
    )


def test_plurals_of_one():
    one = summarize([ci(0, 5)])
    assert readings.flow(one, {}) == "1 emotion labelled."
    assert readings.distress(one, "this week") == "One check-in this week, with distress at 5."


# --- the rules' edges ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("before", "after", "way"),
    [
        (8.3, 9.3, d.UP),  # exactly the stated size: a rise
        (8.3, 9.2, d.HELD),
        (9.3, 8.3, d.DOWN),
        (8.25, 9.24, d.HELD),  # quoted 8.3 -> 9.2: decided on what is quoted
        (8.26, 9.25, d.UP),  # quoted 8.3 -> 9.3, though 0.99 apart unrounded
    ],
)
def test_held_below_one_point_on_the_quoted_figures(before, after, way):
    assert d.between(before, after, d.DISTRESS).way == way


def _trend(first: float, last: float, count: int = 4) -> m.Trend:
    return m.Trend(
        count,
        (first + last) / 2,
        min(first, last),
        max(first, last),
        first,
        last,
        (last - first) / 3,
        NOW - dt.timedelta(weeks=3),
        NOW,
        first,
        last,
    )


def test_direction_edges_of_a_fitted_line():
    assert d.of_trend(_trend(6.0, 7.0), d.DISTRESS).way == d.UP
    assert d.of_trend(_trend(6.0, 6.96), d.DISTRESS).way == d.UP  # quoted 6 -> 7
    assert d.of_trend(_trend(6.0, 6.94), d.DISTRESS).way == d.HELD  # quoted 6 -> 6.9
    assert d.of_trend(_trend(6.0, 9.0, count=2), d.DISTRESS).way == d.FEW
    assert d.of_trend(_trend(40, 50), d.MIND_SPACE).way == d.UP
    assert d.of_trend(_trend(40, 49.4), d.MIND_SPACE).way == d.HELD


def test_toward_neutral_edge_is_one_point_of_distance():
    signed = _trend(-4.0, -3.0)
    assert d.charge(signed, _trend(4.0, 3.0)).movement.way == d.DOWN
    assert d.charge(signed, _trend(4.0, 3.1)).movement.way == d.HELD


def test_effect_margin_edges():
    def effect(title, drop, completions=3):
        return m.ExerciseEffect(title, completions, drop, 7, 7 - drop)

    assert d.most_helpful([effect("A", 2.0), effect("B", 1.5)]).kind == d.MOST
    assert d.most_helpful([effect("A", 2.0), effect("B", 1.6)]).kind == d.ABOUT_EQUAL
    assert d.most_helpful([effect("A", 2.0, 2), effect("B", 0.5)]).effects[0].title == "B"
    assert d.most_helpful([effect("A", 0.0), effect("B", -1.0)]) is None


# --- generated series: the words agree with the figures they quote ------------------
# The stated rules, written out here: a check that read them from ``directions`` would
# move with the module it checks, and pass whatever the module said.
HELD_BELOW = {"distress": 1.0, "charge": 1.0, "self_compassion": 1.0, "mind_space": 10}
MIN_ANSWERS = 3  # fewer answers show no direction
# A window running longer than this from its first answer to its end has its last weeks
# read apart: the 4 weeks up to the window's end, as the 4-week window ending then.
LONG_SPAN = dt.timedelta(days=35)
LAST_WEEKS = dt.timedelta(days=28)
LATELY = "In the last 4 weeks of this window, it "
MIN_COMPLETIONS = 3  # an exercise is compared only when done this often
MARGIN = 0.5  # "most" only this far ahead of the next one
EPSILON = 1e-9


def quote(value: float, digits: int = 1) -> float:
    """The figure a reading prints: rounded half up (7.25 -> 7.3, -0.05 -> 0)."""
    return math.floor(value * 10**digits + 0.5 + EPSILON) / 10**digits


def figure(value: float, digits: int = 1) -> str:
    text = f"{quote(value, digits):.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def answered(check_ins, signal) -> list[tuple[dt.datetime, float]]:
    found = [(c.occurred_at, signal(c)) for c in check_ins]
    return sorted((moment, value) for moment, value in found if value is not None)


def way(points, held_below: float, digits: int = 1):
    """(way, start, end) of the fitted line through ``points``, by the stated rules."""
    trend = m.trend(points)
    if trend is None:
        return None, None, None
    if trend.count < MIN_ANSWERS or trend.line_first is None:
        return "few", None, None
    start, end = quote(trend.line_first, digits), quote(trend.line_last, digits)
    if abs(end - start) < held_below - EPSILON:
        return "held", start, end
    return ("up" if end > start else "down"), start, end


def last_part(points, until=NOW):
    """The answers of the last 4 weeks up to ``until`` of a window running more than 5
    weeks from its first answer to ``until``; None for a shorter window."""
    if not points or until - points[0][0] <= LONG_SPAN:
        return None
    return [(moment, value) for moment, value in points if until - LAST_WEEKS <= moment <= until]


def last_weeks(points, whole: str | None, held_below: float, digits: int = 1):
    """(way, start, end, mean) of the last 4 weeks of a long window, when it differs
    from the whole window's way; None otherwise."""
    part = last_part(points)
    if part is None or whole in (None, "few"):
        return None
    found, start, end = way(part, held_below, digits)
    if found in (None, "few", whole):
        return None
    return found, start, end, fmean(value for _, value in part)


def check_last_weeks(text, points, whole, held_below, words, digits=1, percent=""):
    """The "In the last 4 weeks of this window" sentence is there exactly when the last
    4 weeks of a long window went another way, and says which way, with its figures."""
    lately = last_weeks(points, whole, held_below, digits)
    if lately is None:
        assert "In the last 4 weeks" not in text, text
        return
    found, start, end, mean = lately
    if found == "held":
        expected = LATELY + words["held"] % {"mean": figure(mean, digits) + percent}
    else:
        expected = LATELY + words[found] % {
            "from": figure(start, digits) + percent,
            "to": figure(end, digits) + percent,
        }
    assert expected in text, (expected, text)
    if found != "held":
        assert abs(end - start) >= held_below - EPSILON


def _check_quoted_move(verb_up, verb_down, text, pattern, held_below):
    """Every "<verb> from about A to B" in ``text`` moves by the stated size."""
    for verb, start, end in re.findall(pattern, text):
        start, end = float(start), float(end)
        if verb == verb_up:
            assert end - start >= held_below - EPSILON, text
        elif verb == verb_down:
            assert start - end >= held_below - EPSILON, text


@st.composite
def series(draw):
    """Check-ins within a few days, a month or four months, each signal on its scale
    and sometimes skipped; the window ends now, sometimes days or weeks after the last."""
    days = draw(st.sampled_from([3, 30, 120]))
    quiet = draw(st.sampled_from([0, 0, 0, 5, 20, 40]))  # days with no answer at the end
    count = draw(st.integers(0, 24))

    def answer(low, high):
        return draw(st.none() | st.integers(low, high))

    check_ins = []
    for _ in range(count):
        minutes = draw(st.integers(0, days * 24 * 60))
        check_ins.append(
            ci(
                quiet + minutes / (24 * 60),
                draw(st.integers(0, 10)),
                charge=answer(-5, 5),
                mind_space=answer(0, 100),
                self_compassion=answer(0, 10),
            )
        )
    return check_ins


@st.composite
def long_series(draw):
    """Windows of five weeks to four months whose last 4 weeks often go their own way:
    a level, then a drift up or down toward the end; sometimes quiet at the end."""
    span = draw(st.integers(36, 120))
    quiet = draw(st.sampled_from([0, 3, 10, 20]))
    drift = draw(st.sampled_from([-0.8, -0.4, 0, 0.4, 0.8]))
    level = draw(st.floats(0.2, 0.8))
    check_ins = []
    for _ in range(draw(st.integers(4, 24))):
        days = quiet + draw(st.integers(0, span * 24)) / 24
        lately = max(0.0, 1 - days / 28)  # 0 before the last 4 weeks, 1 at the end
        share = min(1.0, max(0.0, level + drift * lately + draw(st.floats(-0.1, 0.1))))

        def on(low, high, share=share):
            return round(low + share * (high - low))

        check_ins.append(
            ci(
                days,
                on(0, 10),
                charge=on(-5, 5),
                mind_space=on(0, 100),
                self_compassion=on(0, 10),
            )
        )
    return check_ins


def weekly_of(signal: str, values, distress: int = 5) -> list[m.CheckInPoint]:
    """One check-in a week with ``signal`` at each of ``values``, the last one today."""
    last = len(values) - 1
    return [ci(7 * (last - n), distress, **{signal: v}) for n, v in enumerate(values)]


# A level stretch, then a climb in the last 4 weeks of a 12-week window.
LATE_CLIMB = [3, 3, 4, 3, 2, 3, 3, 3, 2, 3, 4, 5]
# Twelve weeks toward neutral, whose last 4 weeks crossed from anger to love.
CROSSED_LATELY = [-4, -4, -4, -4, -4, -4, -4, -4, -3, -1, 1, 2]


@settings(max_examples=300, deadline=None)
@given(series() | long_series())
@example(weekly([6, 6, 7, 7]))  # line 6 -> 7: exactly one point, a rise
@example(weekly([7, 7, 6, 6]))  # 7 -> 6: exactly one point, eased
@example(weekly([6, 6, 6, 7]))  # 6 -> 6.7: under a point, held
@example(weekly([6, 9]))  # two answers: no direction
@example(weekly([7, 7, 8, 7, 6, 7, 7, 7, 6, 7, 8, 9]))  # held, but rose in the last 4 weeks
@example([ci(35, 7), ci(28, 6), ci(14, 8), ci(0, 9)])  # exactly 5 weeks: not read apart
@example([ci(36, 7), ci(29, 7), ci(28, 6), ci(14, 8), ci(0, 9)])  # just over 5 weeks
@example([ci(days, value) for days, value in QUIET_END])  # rose in the 4 weeks up to now
@example([ci(35, 7), ci(28, 6), ci(20, 9), ci(12, 9)])  # 5 weeks to the window's end
def test_distress_words_agree_with_the_figures(check_ins):
    summary = summarize(check_ins)
    text = readings.distress(summary, "in this window", check_ins, NOW)
    if not check_ins:
        assert text == "No check-ins in this window."
        return
    held_below = HELD_BELOW["distress"]
    pattern = rf"(rose|eased) from about {NUMBER} to {NUMBER}"
    _check_quoted_move("rose", "eased", text, pattern, held_below)
    points = answered(check_ins, lambda c: c.distress)
    found, start, end = way(points, held_below)
    span = "in this window"
    if found == "up":
        assert text.startswith(
            f"Distress rose from about {figure(start)} to {figure(end)} {span}"
        ), text
    elif found == "down":
        assert text.startswith(
            f"Distress eased from about {figure(start)} to {figure(end)} {span}"
        ), text
    elif found == "held":
        assert text.startswith(f"Distress held around {figure(fmean(v for _, v in points))} ")
        assert abs(m.trend(points).line_last - m.trend(points).line_first) < (
            held_below + QUOTED_STEP
        )
    elif len(points) == 1:
        assert text.startswith("One check-in in this window")
    else:
        assert text.startswith("Distress averaged "), text
    words = {
        "up": "rose from about %(from)s to %(to)s.",
        "down": "eased from about %(from)s to %(to)s.",
        "held": "held around %(mean)s.",
    }
    check_last_weeks(text, points, found, held_below, words)
    if "In the last 4 weeks" in text:
        assert NOW - points[0][0] > LONG_SPAN


@dataclasses.dataclass(frozen=True)
class Named:
    """How the readings are expected to name the other person and the ends of the scale,
    written out as literals: an oracle that asked ``clients.wording`` would say whatever
    it says."""

    person: str
    negative: str
    positive: str
    client: Client | None  # an unsaved client whose words give these; None: no client


NAMED = [
    Named("the other person", "anger or resentment", "love or longing", None),
    Named(
        "their husband",
        "anger or resentment",
        "love or longing",
        Client(other_person="husband", focus_areas=["betrayal"]),
    ),
    Named(
        "their father",
        "anger or resentment",
        "longing for closeness",
        Client(other_person="father", focus_areas=["childhood"]),
    ),
    Named("their loved one", "anger or protest", "longing", Client(focus_areas=["grief"])),
    Named("the other person", "anger or resentment", "love or longing", Client()),
]


def words_of(named: Named):
    return None if named.client is None else person_words(named.client)


def charge_movement(signed, held_below: float):
    """(way, start, end) of the charge, by the stated rules: "crossed" when the signed
    line moved by the stated size from one side to the other, else the way of its
    distance from neutral."""
    line, start, end = way(signed, held_below)
    if line in ("up", "down") and start * end < 0:
        return "crossed", start, end
    return way([(moment, abs(value)) for moment, value in signed], held_below)


def movement_words(found: str, start: float, end: float, named: Named = NAMED[0]) -> str:
    if found == "crossed":
        ends = (named.negative, named.positive)
        sides = ends if end > 0 else ends[::-1]
        return (
            f"crossed from {sides[0]} to {sides[1]}, from about {figure(start)} to {figure(end)}."
        )
    toward = "toward" if found == "down" else "away from"
    return f"moved {toward} neutral, from about {figure(start)} to {figure(end)} away."


def side_sentence(charges: list[int], named: Named = NAMED[0]) -> str:
    """The first sentence of the charge reading, from the answers alone."""
    charge = f"The charge toward {named.person}"
    distance = fmean(abs(c) for c in charges)
    if distance == 0:
        return f"{charge} stayed at neutral."
    total = sum(charges)  # exact: its sign is the side, however small the mean
    lean = named.negative if total < 0 else named.positive
    both = min(charges) < 0 < max(charges)
    between = f"between {named.negative} and {named.positive}"
    if quote(distance) == 0:  # nearly every answer 0
        if total == 0:
            return f"{charge} moved a little {between}, less than 0.1 from neutral on average."
        return (
            f"{charge} was close to neutral, leaning toward {lean}, "
            "less than 0.1 from neutral on average."
        )
    away = f"{figure(distance)} from neutral on average."
    if total == 0:
        return f"{charge} moved {between}, {away}"
    if quote(abs(total / len(charges))) < HELD_BELOW["charge"] - EPSILON:
        if both:
            return f"{charge} moved {between}, leaning toward {lean}, {away}"
        return f"{charge} was close to neutral, leaning toward {lean}, {away}"
    return f"{charge} was {'mostly ' if both else ''}on the side of {lean}, {away}"


@settings(max_examples=300, deadline=None)
@given(series() | long_series())
@example([ci(n, charge=0) for n in range(19)] + [ci(19.5, charge=-1)])  # mean -0.05
@example([ci(n, charge=0) for n in range(19)] + [ci(19.5, charge=1)])  # mean +0.05
@example([ci(n, charge=0) for n in range(29)] + [ci(29.5, charge=-1)])  # prints as 0
@example([ci(n, charge=0) for n in range(4)])  # every answer 0
@example([ci(n, charge=c) for n, c in enumerate([-2, 2, -1, 1])])  # balanced: mean 0
@example(weekly_of("charge", [-4, -4, -3, -3]))  # distance 4 -> 3: exactly toward
@example(weekly_of("charge", [-4, -4, -4, -3]))  # 4 -> 3.3: held
@example(weekly_of("charge", [-4, -2, 1, 3]))  # crossed from anger to love
@example(weekly_of("charge", [3, 2, -1, -3]))  # crossed from love to anger
@example(weekly_of("charge", [-c for c in LATE_CLIMB]))  # away in the last 4 weeks
@example(weekly_of("charge", CROSSED_LATELY))  # toward neutral; crossed in the last 4 weeks
def test_charge_words_agree_with_the_figures(check_ins):
    # The same figures, whoever the other person is and whatever the ends of the scale.
    for named in NAMED:
        check_charge_words(check_ins, named)


def check_charge_words(check_ins, named: Named):
    summary = summarize(check_ins)
    text = readings.charge(summary, check_ins, NOW, words_of(named))
    charges = [c.charge for c in check_ins if c.charge is not None]
    if not charges:
        assert text == f"No answers about {named.person} in this window."
        return
    assert text.startswith(side_sentence(charges, named)), (side_sentence(charges, named), text)
    mean = fmean(charges)
    side = text.split(".")[0]
    if f"toward {named.negative}" in side or f"side of {named.negative}" in side:
        assert mean < 0
    if f"toward {named.positive}" in side or f"side of {named.positive}" in side:
        assert mean > 0
    if "at neutral" in text:
        assert set(charges) == {0}
    if "mostly" in side or "between" in side:
        assert min(charges) < 0 < max(charges)
    held_below = HELD_BELOW["charge"]
    signed = answered(check_ins, lambda c: c.charge)
    whole, start, end = charge_movement(signed, held_below)
    if whole in ("crossed", "up", "down"):
        expected = "It " + movement_words(whole, start, end, named)
        assert expected in text, (expected, text)
        assert "held fairly steady" not in text
        assert ("It moved" in text) == (whole != "crossed"), text
        assert ("It crossed" in text) == (whole == "crossed"), text
    elif whole == "held":
        assert "Its distance from neutral held fairly steady." in text, text
        assert "It moved" not in text and "It crossed" not in text
    else:
        assert "It moved" not in text and "fairly steady" not in text and "It crossed" not in text
    for verb, start_, end_ in re.findall(
        rf"[Ii]t moved (toward|away from) neutral, from about {NUMBER} to {NUMBER} away", text
    ):
        change = float(end_) - float(start_)
        assert (-change if verb == "toward" else change) >= held_below - EPSILON
    for start_, end_ in re.findall(
        rf"[Ii]t crossed from [a-z ]+, from about {NUMBER} to {NUMBER}", text
    ):
        assert float(start_) * float(end_) < 0
        assert abs(float(end_) - float(start_)) >= held_below - EPSILON
    # The last 4 weeks of a long window, read as the 4-week window reads them, crossings
    # included, when they moved another way than the whole window.
    part = last_part(signed)
    lately = None
    if part is not None and whole not in (None, "few"):
        found, first, last = charge_movement(part, held_below)
        same = found == whole and (found != "crossed" or (last > 0) == (end > 0))
        if found not in (None, "few") and not same:
            lately = found, first, last, fmean(abs(value) for _, value in part)
    if lately is None:
        assert "In the last 4 weeks" not in text, text
    else:
        found, first, last, distance = lately
        if found == "held":
            expected = LATELY + f"held about {figure(distance)} from neutral."
        else:
            expected = LATELY + movement_words(found, first, last, named)
        assert expected in text, (expected, text)


@settings(max_examples=300, deadline=None)
@given(series() | long_series())
@example(weekly_of("self_compassion", [1, 1, 2, 2]))  # 1 -> 2: exactly a point, growing
@example(weekly_of("self_compassion", [2, 2, 1, 1]))  # exactly a point lower
@example(weekly_of("self_compassion", [1, 2, 1, 2]))  # a steady low, not growth
@example(weekly_of("self_compassion", LATE_CLIMB))  # grew in the last 4 weeks
@example(weekly_of("mind_space", [40, 40, 50, 50]))  # 40 -> 50: exactly 10, up
@example(weekly_of("mind_space", [50, 50, 40, 40]))  # exactly 10, down
@example(weekly_of("mind_space", [40, 40, 40, 50]))  # 40 -> 47: fairly steady
@example(weekly_of("mind_space", [10 * v for v in LATE_CLIMB]))  # up in the last 4 weeks
@example([ci(days, 5, self_compassion=value) for days, value in QUIET_END])  # up since 28 days
@example([ci(days, 5, mind_space=10 * value) for days, value in QUIET_END])  # the same
def test_self_compassion_and_mind_space_words_agree_with_the_figures(check_ins):
    summary = summarize(check_ins)
    kind = readings.compassion(summary, check_ins, NOW)
    held_below = HELD_BELOW["self_compassion"]
    points = answered(check_ins, lambda c: c.self_compassion)
    found, start, end = way(points, held_below)
    if found == "up":
        expected = f"growing from about {figure(start)} to {figure(end)}."
    elif found == "down":
        expected = f"lower lately, from about {figure(start)} to {figure(end)}."
    elif found == "held":
        expected = f"Self-compassion held around {figure(fmean(v for _, v in points))}."
    elif found == "few":
        expected = f"({len(points)} answer"
    else:
        expected = None
        assert "Self-compassion" not in kind
    if expected:
        assert expected in kind, (expected, kind)
    for start_, end_ in re.findall(rf"growing from about {NUMBER} to {NUMBER}", kind):
        assert float(end_) - float(start_) >= held_below - EPSILON
    for start_, end_ in re.findall(rf"lower lately, from about {NUMBER} to {NUMBER}", kind):
        assert float(start_) - float(end_) >= held_below - EPSILON
    words = {
        "up": "grew from about %(from)s to %(to)s.",
        "down": "dipped from about %(from)s to %(to)s.",
        "held": "held around %(mean)s.",
    }
    check_last_weeks(kind, points, found, held_below, words)

    for named in NAMED:
        check_mind_space_words(summary, check_ins, named)


def check_mind_space_words(summary, check_ins, named: Named):
    space = readings.mind_space(summary, check_ins, NOW, words_of(named))
    held_below = HELD_BELOW["mind_space"]
    points = answered(check_ins, lambda c: c.mind_space)
    found, start, end = way(points, held_below, digits=0)
    if found is None:
        assert space == "No answers about mind space in this window."
        return
    person = named.person[0].upper() + named.person[1:]  # it opens the sentence
    lead = f"{person} took up about {figure(fmean(v for _, v in points), 0)}% of the day"
    if found == "up":
        expected = f"{lead}, up from about {figure(start, 0)}% to {figure(end, 0)}%."
    elif found == "down":
        expected = f"{lead}, down from about {figure(start, 0)}% to {figure(end, 0)}%."
    elif found == "held":
        expected = f"{lead}, fairly steady."
    else:
        expected = f"{lead} ({len(points)} answer"
    assert space.startswith(expected), (expected, space)
    if "fairly steady" in space:
        trend = m.trend(points)
        assert abs(quote(trend.line_last, 0) - quote(trend.line_first, 0)) < held_below
    for verb, start_, end_ in re.findall(rf"(up|down) from about {NUMBER}% to {NUMBER}%", space):
        change = float(end_) - float(start_)
        assert (change if verb == "up" else -change) >= held_below
    words = {
        "up": "went up from about %(from)s to %(to)s.",
        "down": "went down from about %(from)s to %(to)s.",
        "held": "held around %(mean)s.",
    }
    check_last_weeks(space, points, found, held_below, words, digits=0, percent="%")


# Each reading's way for its whole window, and its sentence about a long window's last
# 4 weeks beside the 4-week window's own sentence for the same way: the same figures.
N = NUMBER
FOUR_WEEKS = "over the last 4 weeks"
TWINS = {
    "distress": (
        r"Distress (rose|eased|held)",
        [
            (rf"it (rose|eased) from about {N} to {N}\.", "Distress {} from about {} to {} "),
            (rf"it (held) around {N}\.", "Distress {} around {} across"),
        ],
    ),
    "charge": (
        r".*?(It crossed from [a-z ]+ to [a-z ]+,|It moved toward|It moved away from|"
        r"Its distance from neutral held)",
        [
            (
                rf"it ((?:crossed from [a-z ]+|moved (?:toward|away from) neutral), "
                rf"from about {N} to {N}(?: away)?\.)",
                "It {}",
            ),
            (rf"it held about {N} from neutral\.", "{} from neutral on average."),
        ],
    ),
    "self_compassion": (
        r"Self-compassion (?:averaged \S+ )?(growing|lower lately|held)",
        [
            (rf"it grew from about {N} to {N}\.", "growing from about {} to {}."),
            (rf"it dipped from about {N} to {N}\.", "lower lately, from about {} to {}."),
            (rf"it held around {N}\.", "Self-compassion held around {}."),
        ],
    ),
    "mind_space": (
        r"The other person took up about \d+% of the day, (up|down|fairly steady)",
        [
            (rf"it went (up|down) from about {N}% to {N}%\.", ", {} from about {}% to {}%."),
            (rf"it held around {N}%\.", "took up about {}% of the day, fairly steady."),
        ],
    ),
}


def read(signal: str, check_ins, span: str) -> str:
    summary = summarize(check_ins)
    if signal == "distress":
        return readings.distress(summary, span, check_ins, NOW)
    return getattr(readings, signal)(summary, check_ins, NOW)


@settings(max_examples=600, deadline=None)
@given(long_series() | series(), st.sampled_from(sorted(TWINS)))
@example([ci(days, value) for days, value in QUIET_END], "distress")
@example(weekly_of("charge", CROSSED_LATELY), "charge")
@example(weekly_of("charge", [-c for c in LATE_CLIMB]), "charge")
@example([ci(days, 5, self_compassion=value) for days, value in QUIET_END], "self_compassion")
@example([ci(days, 5, mind_space=10 * value) for days, value in QUIET_END], "mind_space")
def test_a_long_windows_last_4_weeks_read_as_the_4_week_window_ending_now(check_ins, signal):
    reader = "compassion" if signal == "self_compassion" else signal
    recent = [c for c in check_ins if c.occurred_at >= NOW - LAST_WEEKS]
    long = read(reader, check_ins, "over the last 12 weeks")
    short = read(reader, recent, FOUR_WEEKS)
    whole_way, sentences = TWINS[signal]
    said = False
    for pattern, twin in sentences:
        found = re.search(LATELY[:-3] + pattern, long)
        if found:
            said = True
            if signal == "charge" and "held about" in found.group(0):
                assert "Its distance from neutral held fairly steady." in short, (long, short)
                if found.group(1) == "0":  # "stayed at neutral", or "less than 0.1"
                    continue
            assert twin.format(*found.groups()) in short, (long, short)
    assert said == ("In the last 4 weeks" in long), long
    # Said nothing of its last weeks: they went the way of the whole window, or the 4-week
    # window shows no way (too few answers).
    points = answered(check_ins, lambda c: getattr(c, signal))
    whole, short_way = re.match(whole_way, long), re.match(whole_way, short)
    if not said and last_part(points) is not None and whole and short_way:
        assert whole.group(1) == short_way.group(1), (long, short)


@st.composite
def completions(draw):
    found = []
    for plan in PLANS:
        for n in range(draw(st.integers(0, 6))):
            found.append(
                m.CompletionPoint(
                    plan.id,
                    plan.title,
                    dt.date(2026, 3, 2 + n),
                    draw(st.integers(0, 10)),
                    draw(st.integers(0, 10)),
                )
            )
    return found


def times(title: str, drops: list[int]) -> list[m.CompletionPoint]:
    """``title`` done once a day for each drop in distress, from 7."""
    plan = next(p for p in PLANS if p.title == title)
    return [
        m.CompletionPoint(plan.id, title, dt.date(2026, 3, 1) + dt.timedelta(days=n % 20), 7, 7 - x)
        for n, x in enumerate(drops)
    ]


@settings(max_examples=200, deadline=None)
@given(completions())
@example(times("A", [1] + [0] * 24))  # done 25 times, eased 0.04 on average: printed as 0
@example(times("A", [1] + [0] * 24) + times("B", [3]))  # ...beside one done once
@example(times("A", [0, 1, 0]) + times("B", [2, 2]))  # 3 completions exactly, 0.3
@example(times("A", [2, 2]) + times("B", [1, 2]))  # too few each, and both eased
@example(times("A", [3, 3, 3]) + times("B", [2, 3, 2, 3]))  # 3 and 2.5: exactly the margin
@example(times("A", [3, 3, 3]) + times("B", [3, 3, 2, 3, 2]))  # 3 and 2.6: a tie
@example(times("A", [2, 2, 2]) + times("B", [2, 1, 2]))  # 2 and 1.7: within the margin
@example(times("A", [1, 1, 1]) + times("B", [0, 0, 0]))  # 1 and 0: "most" or only?
def test_eased_distress_most_only_with_enough_completions_and_a_margin(done_):
    summary = summarize(completions=done_, plans=PLANS)
    text = readings.exercises(summary)
    counts = {title: sum(1 for c in done_ if c.title == title) for title in "ABC"}
    drops = {title: table_drop(done_, title) for title in "ABC" if counts[title]}
    # The table shows each exercise's figures as the reading quotes them.
    table = {row[0]: row for row in pages._exercise_rows(summary)}
    for title in drops:
        mine = [c for c in done_ if c.title == title]
        assert table[title][3:] == [
            figure(fmean(c.distress_before for c in mine)),
            figure(fmean(c.distress_after for c in mine)),
            figure(drops[title]),
        ]
    compared = sorted((t for t in drops if counts[t] >= MIN_COMPLETIONS), key=lambda t: -drops[t])
    eased = [t for t in compared if drops[t] > 0]
    named = re.findall(r"“(\w)”", text)
    if not eased:
        assert not named, text
        if compared:
            assert (
                "Across the exercises done 3 or more times, distress was about the same "
                "or higher afterwards, on average." in text
            ), text
        elif any(drop > 0 for drop in drops.values()):
            assert "Too few completions yet to compare" in text, text
        else:
            assert "Too few" not in text and "Across" not in text, text
    else:
        best, others = eased[0], [t for t in compared if t != eased[0]]
        ahead = [round(drops[best] - drops[t], 6) >= MARGIN for t in others]
        tied = [t for t, clear in zip(others, ahead, strict=True) if not clear and drops[t] > 0]
        if tied:
            # every one named with its own figure, and only those within the margin
            each = [f"“{t}” (by {figure(drops[t])})" for t in [best, *tied]]
            listed = each[0] if len(each) == 1 else ", ".join(each[:-1]) + " and " + each[-1]
            assert text.endswith(
                f"{listed} eased distress on average, less than 0.5 apart: "
                "too close to say which helped most."
            ), text
            assert "equally" not in text and "most," not in text
            for t in tied:
                assert drops[best] - drops[t] < MARGIN - EPSILON
        elif others and all(ahead):
            assert f"“{best}” eased distress most, by {figure(drops[best])} on average" in text
        else:
            assert f"“{best}” eased distress by {figure(drops[best])} on average" in text
            assert "most" not in text
    if "Too few completions" in text:
        # true only when no exercise was done 3 or more times
        assert all(count < MIN_COMPLETIONS for count in counts.values()), (counts, text)
    for title in named:
        assert counts[title] >= MIN_COMPLETIONS
        assert drops[title] > 0
    # as many figures as names: "“A” (by 1.7)", or "“A” eased distress ... by 1.7"
    quoted_drops = re.findall(rf"\(by {NUMBER}\)|eased distress (?:most, )?by {NUMBER}", text)
    assert len(quoted_drops) == len(named), text
    if "eased distress most" in text:
        for other in compared:
            if other != named[0]:
                assert drops[named[0]] - drops[other] >= MARGIN - EPSILON


def table_drop(done_, title: str) -> float:
    """The drop the table shows: the quoted mean before minus the quoted mean after
    (6.86 and 5.14 show as 6.9 and 5.1: 1.8, though 1.71 apart unrounded)."""
    mine = [c for c in done_ if c.title == title]
    before = quote(fmean(c.distress_before for c in mine))
    return round(before - quote(fmean(c.distress_after for c in mine)), 6)


@st.composite
def adherence_rows(draw):
    """(asked for, done) per exercise: eighths, so that halves to round come up."""
    row = st.tuples(st.integers(0, 60).map(lambda n: n / 8), st.integers(0, 12))
    return draw(st.lists(row.filter(lambda r: r[0] or r[1]), min_size=1, max_size=4))


@settings(max_examples=300, deadline=None)
@given(adherence_rows())
@example([(1.4, 2), (1.4, 0), (1.2, 0)])  # Done 2 against Planned 1, 1, 1
@example([(5.2, 6)])  # Done 6 against Planned 5
@example([(6.4, 1)])  # 1 of 6: 17%
@example([(8, 1)])  # 12.5%: rounded half up
@example([(2.5, 3), (0.375, 1)])  # 2.5 -> 3 planned; 0.375 -> none planned, one done
@example([(0.25, 2)])  # nothing planned yet, two done
def test_the_exercises_reading_adds_up_to_its_table(rows):
    summary = with_adherence(exercise_items(*rows))
    text = readings.exercises(summary)
    table = pages._exercise_rows(summary)
    done_column = [row[1] for row in table]
    planned_column = [row[2] for row in table]
    assert done_column == [done_ for _, done_ in rows]
    assert planned_column == [math.floor(asked + 0.5) for asked, _ in rows]  # half up
    planned = sum(planned_column)
    within = sum(min(n, p) for n, p in zip(done_column, planned_column, strict=True))
    beyond = sum(done_column) - within
    if planned:
        percent = math.floor(Fraction(100 * within, planned) + Fraction(1, 2))
        plural = "" if planned == 1 else "s"
        assert text.startswith(
            f"Did {within} of about {planned} planned exercise{plural} ({percent}%)."
        ), text
        if beyond:
            verb = "was" if beyond == 1 else "were"
            assert f" {beyond} more {verb} done beyond the plan." in text, text
        else:
            assert "beyond" not in text, text
    elif beyond:
        plural = "" if beyond == 1 else "s"
        assert text == f"Did {beyond} exercise{plural}; none were planned yet in this window."
    else:
        assert text == "No exercises were planned in this window."
    # the figures quoted add up to the table's columns
    quoted = [int(n) for n in re.findall(r"\d+", text)]
    if planned:
        assert quoted[0] + (quoted[3] if beyond else 0) == sum(done_column)
        assert quoted[1] == sum(planned_column)
