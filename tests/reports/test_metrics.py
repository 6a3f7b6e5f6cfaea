"""Metrics against values worked out by hand."""

import datetime as dt

import pytest

from reports import metrics as m

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday


def day(n: float) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def ci(n, distress, emotions=(("sad", 5),), **signals):
    return m.CheckInPoint(
        occurred_at=day(n), distress=distress, emotions=tuple(emotions), **signals
    )


# --- distress ---------------------------------------------------------------
def test_distress_two_points_a_week_apart():
    result = m.distress([ci(0, 8), ci(7, 6)])
    assert result.slope_per_week == pytest.approx(-2.0)
    assert (result.mean, result.minimum, result.maximum) == (7, 6, 8)
    assert (result.first, result.last) == (8, 6)


def test_distress_slope_is_least_squares_not_first_to_last():
    # days 0, 7, 14 with 6, 8, 4: x in weeks (0, 1, 2), mean x = 1, mean y = 6;
    # slope = ((-1)(0) + 0(2) + 1(-2)) / (1 + 0 + 1) = -1 per week
    assert m.distress([ci(0, 6), ci(7, 8), ci(14, 4)]).slope_per_week == pytest.approx(-1.0)


def test_distress_order_of_input_does_not_matter():
    assert m.distress([ci(14, 4), ci(0, 6), ci(7, 8)]).first == 6


def test_one_point_has_a_value_but_no_trend():
    result = m.distress([ci(3, 5)])
    assert result.mean == 5 and result.slope_per_week is None


def test_empty_window_is_no_data_not_zero():
    assert m.distress([]) is None
    assert m.neutrality([]) is None
    assert m.mind_space([]) is None
    assert m.self_compassion([]) is None
    assert m.flow([]) is None
    assert m.exercise_effect([]) == []
    assert m.adherence_overall([]) is None


# --- neutrality, mind space, self-compassion -------------------------------
def test_neutrality_is_mean_absolute_charge_and_skipped_answers_are_left_out():
    points = [ci(0, 5, charge=-4), ci(1, 5, charge=2), ci(2, 5, charge=None), ci(3, 5, charge=0)]
    result = m.neutrality(points)
    assert result.count == 3
    assert result.mean == pytest.approx(2.0)  # (4 + 2 + 0) / 3


def test_charge_moving_toward_zero_from_either_side_is_falling_neutrality():
    points = [ci(0, 5, charge=-4), ci(7, 5, charge=3), ci(14, 5, charge=-2)]
    assert m.neutrality(points).slope_per_week == pytest.approx(-1.0)  # 4, 3, 2


def test_mind_space_and_self_compassion_trends():
    points = [
        ci(0, 5, mind_space=80, self_compassion=2),
        ci(14, 5, mind_space=40, self_compassion=6),
    ]
    assert m.mind_space(points).slope_per_week == pytest.approx(-20.0)
    assert m.self_compassion(points).slope_per_week == pytest.approx(2.0)


def test_a_signal_nobody_answered_is_no_data():
    assert m.mind_space([ci(0, 5), ci(1, 4)]) is None


# --- emotional flow -----------------------------------------------------------
def test_flow_counts_distinct_labels_and_turnover():
    points = [
        ci(0, 5, [("sad", 6), ("angry", 3)]),
        ci(1, 5, [("sad", 5)]),
        ci(2, 5, [("angry", 7), ("sad", 2)]),
        ci(3, 5, [("calm", 4)]),
    ]
    result = m.flow(points)
    assert result.distinct_labels == 3  # sad, angry, calm
    # strongest: sad, sad, angry, calm -> 2 changes over 3 transitions
    assert result.turnover == pytest.approx(2 / 3)
    assert result.stuck is False


def test_one_check_in_has_labels_but_no_turnover():
    result = m.flow([ci(0, 5, [("sad", 5)])])
    assert (result.distinct_labels, result.turnover) == (1, None)


def test_stuck_when_the_same_heavy_emotion_leads_four_check_ins_running():
    heavy = [ci(n, 7, [("resentful", 8), ("sad", 3)]) for n in range(4)]
    result = m.flow(heavy)
    assert result.stuck
    assert result.stretches == (m.Stretch(0, 3, day(0), day(3), "emotion", "resentful"),)


def test_three_running_or_intensity_six_is_not_stuck():
    three = [ci(n, 7, [("resentful", 8)]) for n in range(3)] + [ci(3, 5, [("calm", 8)])]
    assert m.flow(three).stuck is False
    mild = [ci(n, 5, [("resentful", 6)]) for n in range(5)]
    assert m.flow(mild).stuck is False


def test_stuck_when_pushing_feelings_away_three_check_ins_running():
    points = [
        ci(0, 5, resistance=7),
        ci(1, 5, resistance=9),
        ci(2, 5, resistance=8),
        ci(3, 5, resistance=2),
    ]
    result = m.flow(points)
    assert result.stretches == (m.Stretch(0, 2, day(0), day(2), "resistance"),)
    # a skipped answer breaks the run: we do not know it was high
    gap = [ci(0, 5, resistance=8), ci(1, 5, resistance=None), ci(2, 5, resistance=8)]
    assert m.flow(gap).stuck is False


# --- adherence ----------------------------------------------------------------
MON, SUN = dt.date(2026, 3, 2), dt.date(2026, 3, 8)


def done(assignment_id, *days):
    return [m.CompletionPoint(assignment_id, "x", d, 6, 4) for d in days]


def test_daily_for_a_week_done_five_times():
    plan = m.AssignmentPlan(1, "Name it", "daily", starts_on=MON)
    days = [MON + dt.timedelta(days=n) for n in range(5)]
    [item] = m.adherence([plan], done(1, *days), MON, SUN)
    assert (item.expected, item.done) == (7, 5)
    assert item.ratio == pytest.approx(5 / 7)


def test_three_a_week_started_midweek_is_pro_rated():
    plan = m.AssignmentPlan(
        2, "Breathing", "weekly", times_per_week=3, starts_on=dt.date(2026, 3, 5)
    )
    # Thursday to Sunday: 4 days of 7 -> 3 * 4 / 7 expected; 3 done is more than asked: capped
    [item] = m.adherence([plan], done(2, dt.date(2026, 3, 5), dt.date(2026, 3, 6), SUN), MON, SUN)
    assert item.expected == pytest.approx(12 / 7)
    assert item.ratio == 1.0


def test_once_counts_when_it_starts_in_the_window_and_paused_ones_ask_nothing():
    once = m.AssignmentPlan(3, "Letter", "once", starts_on=dt.date(2026, 3, 4))
    paused = m.AssignmentPlan(4, "Paused", "daily", starts_on=MON, active=False)
    items = m.adherence([once, paused], [], MON, SUN)
    assert [(i.assignment_id, i.expected, i.done, i.ratio) for i in items] == [(3, 1.0, 0, 0.0)]


def test_overall_adherence_weighs_by_what_was_asked():
    daily = m.AssignmentPlan(1, "Daily", "daily", starts_on=MON)  # 7 asked
    once = m.AssignmentPlan(2, "Once", "once", starts_on=MON)  # 1 asked
    completions = done(1, MON, MON, dt.date(2026, 3, 3)) + done(2, MON, dt.date(2026, 3, 3))
    items = m.adherence([daily, once], completions, MON, SUN)
    # daily: 3 of 7; once: 2 done but 1 asked -> counts 1; (3 + 1) / 8
    assert m.adherence_overall(items) == pytest.approx(0.5)


def test_completions_outside_the_window_do_not_count():
    plan = m.AssignmentPlan(1, "Daily", "daily", starts_on=dt.date(2026, 2, 1))
    [item] = m.adherence([plan], done(1, dt.date(2026, 3, 1), dt.date(2026, 3, 9)), MON, SUN)
    assert item.done == 0


# --- exercise effect ----------------------------------------------------------
def test_exercise_effect_is_mean_drop_per_exercise_most_helpful_first():
    completions = [
        m.CompletionPoint(1, "Breathing", MON, 7, 4),  # drop 3
        m.CompletionPoint(1, "Breathing", MON, 6, 5),  # drop 1
        m.CompletionPoint(2, "Letter", MON, 5, 6),  # rose by 1
    ]
    assert m.exercise_effect(completions) == [
        m.ExerciseEffect("Breathing", 2, mean_drop=2.0, mean_before=6.5, mean_after=4.5),
        m.ExerciseEffect("Letter", 1, mean_drop=-1.0, mean_before=5.0, mean_after=6.0),
    ]


def test_weeks_between_lists_the_mondays():
    assert m.weeks_between(dt.date(2026, 3, 4), dt.date(2026, 3, 16)) == [
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 16),
    ]


def test_today_is_not_counted_as_missed_before_it_is_over():
    plan = m.AssignmentPlan(1, "Daily", "daily", starts_on=SUN)
    # assigned on Sunday, the window ends on Sunday, asked up to Saturday: nothing due yet
    assert m.adherence([plan], [], MON, SUN, asked_until=SUN - dt.timedelta(days=1)) == []
    # done today anyway: it counts
    [item] = m.adherence([plan], done(1, SUN), MON, SUN, asked_until=dt.date(2026, 3, 7))
    assert (item.done, item.planned, item.ratio) == (1, 0, None)


@pytest.mark.parametrize(("expected", "planned", "missed"), [(7.7, 8, 3), (2.4, 2, 0), (2.5, 3, 1)])
def test_planned_is_the_whole_number_the_readings_say(expected, planned, missed):
    item = m.Adherence(1, "Letter", expected=expected, done=5 if expected > 5 else 2, ratio=None)
    assert (item.planned, item.missed) == (planned, missed)
