"""Windows, readings, suggested topics and figures: pure functions, no database."""

import datetime as dt
from zoneinfo import ZoneInfo

from clients.models import Client
from clients.wording import person_words
from reports import figures, readings, windows
from reports import metrics as m
from reports.session_prep import suggestions

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Berlin")
HELD = [NOW - dt.timedelta(days=d) for d in (21, 14, 7)]


def _resolve(key, **kwargs):
    return windows.resolve(
        key, now=NOW, held_sessions=HELD, started_on=dt.date(2026, 1, 5), zone=ZONE, **kwargs
    )


def test_default_window_is_since_the_last_held_session():
    window = _resolve("since_last")
    assert (window.since, window.until) == (HELD[-1], NOW)


def test_last_two_sessions_and_fixed_spans():
    assert _resolve("last_two").since == HELD[-2]
    assert _resolve("4w").since == NOW - dt.timedelta(weeks=4)
    assert _resolve("all").since == dt.datetime(2026, 1, 5, tzinfo=ZONE)


def test_custom_dates_are_whole_days_in_the_clients_zone():
    window = _resolve("custom", first_day=dt.date(2026, 3, 1), last_day=dt.date(2026, 3, 2))
    assert window.since == dt.datetime(2026, 3, 1, tzinfo=ZONE)
    assert window.until.date() == dt.date(2026, 3, 2)


def test_without_sessions_or_with_bad_input_the_default_is_four_weeks():
    window = windows.resolve(
        "last_two", now=NOW, held_sessions=[], started_on=dt.date(2026, 1, 5), zone=ZONE
    )
    assert window.key == "4w" and window.since == NOW - dt.timedelta(days=28)
    reversed_dates = _resolve("custom", first_day=dt.date(2026, 3, 2), last_day=dt.date(2026, 3, 1))
    assert reversed_dates.key == "since_last"


def test_previous_window_runs_from_the_session_before():
    window = _resolve("since_last")
    before = windows.previous(window, HELD)
    assert (before.since, before.until) == (HELD[-2], HELD[-1])


def _summary(**points):
    check_ins = points.get("check_ins", [])
    window = m.Window(dt.date(2026, 3, 1), dt.date(2026, 3, 20), tuple(check_ins), (), ())
    return m.summarize(window)


def ci(days, distress, emotions=(("sad", 5),), **signals):
    return m.CheckInPoint(NOW - dt.timedelta(days=days), distress, tuple(emotions), **signals)


def test_a_reading_follows_the_trend_not_two_single_evenings():
    # Mind space falls over the weeks, though the first evening was low and the last high.
    points = [(28, 60), (24, 95), (20, 90), (14, 80), (10, 75), (6, 60), (3, 55), (0, 70)]
    summary = _summary(check_ins=[ci(days, 5, mind_space=value) for days, value in points])
    text = readings.mind_space(summary)
    assert text.startswith("The other person took up about 73% of the day, down from about ")
    start, end = (int(part.rstrip("%.")) for part in text.split("from about ")[1].split(" to "))
    assert start > end


def test_readings_describe_direction_in_plain_words():
    falling = _summary(check_ins=[ci(14, 7), ci(7, 6), ci(0, 4)])
    assert readings.distress(falling, "since the last session") == (
        "Distress eased from about 7 to 4.2 since the last session (3 check-ins, average 5.7)."
    )
    steady = _summary(check_ins=[ci(14, 5), ci(7, 6), ci(0, 5)])
    assert readings.distress(steady, "over the last 4 weeks") == (
        "Distress held around 5.3 across 3 check-ins over the last 4 weeks."
    )
    # Two evenings are not a trend: no direction is claimed.
    two = _summary(check_ins=[ci(14, 3), ci(0, 8)])
    assert readings.distress(two, "over the last 4 weeks") == (
        "Distress averaged 5.5 across 2 check-ins over the last 4 weeks."
    )
    assert readings.distress(_summary(), "since the last session") == (
        "No check-ins since the last session."
    )


def test_reading_names_a_stuck_emotion():
    stuck = _summary(check_ins=[ci(d, 7, (("resentful", 8),)) for d in (4, 3, 2, 1)])
    text = readings.flow(stuck, {"resentful": "Resentful"})
    assert "Resentful led 4 check-ins in a row at intensity 7 or more." in text


def test_each_suggestion_names_its_rule():
    summary = _summary(
        check_ins=[
            ci(d, 4 + n, (("resentful", 8),), charge=-4, mind_space=70, self_compassion=2)
            for n, d in enumerate((10, 7, 4, 1))
        ]
    )
    found = suggestions(
        summary,
        alerts=1,
        wants_to_discuss=2,
        days_silent=None,
        names={"resentful": "Resentful"},
    )
    rules = [s.rule for s in found]
    assert rules == [
        "An alert since the last session, or still open",
        "The client asked to talk",
        "One heavy emotion led 4+ check-ins in a row",
        "Distress rising 0.5+ a week over 4+ check-ins and a week or more",
        "Charge 3+ from neutral and not easing",
        "Mind space 50%+ of the day",
        "Self-compassion 3 or lower",
    ]


def test_suggestions_name_the_other_person_and_the_side_of_the_charge_in_the_clients_words():
    words = person_words(Client(other_person="husband", focus_areas=["betrayal"]))
    angry = _summary(check_ins=[ci(d, 5, charge=-4, mind_space=70) for d in (10, 7, 4, 1)])
    found = {
        s.rule: s.text
        for s in suggestions(
            angry, alerts=0, wants_to_discuss=0, days_silent=1, names={}, words=words
        )
    }
    assert found["Charge 3+ from neutral and not easing"] == (
        "Their husband still holds a strong charge: explore the anger or resentment behind it."
    )
    assert found["Mind space 50%+ of the day"] == (
        "Their husband still takes up much of the day: look at what pulls attention back to them."
    )
    father = person_words(Client(other_person="father", focus_areas=["childhood"]))
    longing = _summary(check_ins=[ci(d, 5, charge=4) for d in (10, 7, 4, 1)])
    found = suggestions(
        longing, alerts=0, wants_to_discuss=0, days_silent=1, names={}, words=father
    )
    assert [s.text for s in found] == [
        "Their father still holds a strong charge: explore the longing for closeness behind it."
    ]
    # without words for the client: the other person
    found = suggestions(longing, alerts=0, wants_to_discuss=0, days_silent=1, names={})
    assert found[0].text.startswith(
        "The other person still holds a strong charge: explore the love"
    )


def test_quiet_healing_week_suggests_nothing_but_silence_does():
    calm = _summary(check_ins=[ci(7, 5, charge=1, mind_space=20, self_compassion=7), ci(1, 3)])
    assert suggestions(calm, alerts=0, wants_to_discuss=0, days_silent=1, names={}) == []
    silent = suggestions(calm, alerts=0, wants_to_discuss=0, days_silent=9, names={})
    assert [s.rule for s in silent] == ["No check-in for 7+ days"]


def test_distress_figure_marks_sessions_and_completions():
    completion = m.CompletionPoint(1, "Breathing", NOW.date(), 7, 4, completed_at=NOW)
    figure = figures.distress_figure(
        [ci(2, 6), ci(1, 5)], [NOW - dt.timedelta(days=1)], [completion]
    )
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["Distress (0-10)", "Exercise done (distress after)", "Session"]
    assert figure["data"][0]["y"] == [6, 5]
    assert len(figure["layout"]["shapes"]) == 1


def test_flow_figure_stacks_labels_per_day_of_a_short_window_and_shades_stuck_stretches():
    points = [ci(d, 7, (("resentful", 8), ("sad", 3))) for d in (4, 3, 2, 1)]
    stretches = m.flow(points).stretches
    figure = figures.flow_figure(points, stretches, {"resentful": "Resentful", "sad": "Sad"})
    assert {trace["name"] for trace in figure["data"]} == {"Resentful", "Sad"}
    assert sum(sum(trace["y"]) for trace in figure["data"]) == 8
    assert figure["layout"]["barmode"] == "stack"
    assert len(figure["layout"]["shapes"]) == 1


def test_charge_figure_shades_the_neutral_band():
    figure = figures.charge_figure([ci(1, 5, charge=-3), ci(0, 5, charge=None)])
    assert figure["data"][0]["y"] == [-3]  # a skipped answer is not drawn as 0
    band = figure["layout"]["shapes"][0]
    assert (band["y0"], band["y1"]) == (-1, 1)
