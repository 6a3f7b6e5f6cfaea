"""The charts' dates and words: pure figure builders, no database."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from clients.models import Client
from clients.wording import person_words
from reports import figures
from reports import metrics as m
from reports.chart_dates import FLOW_BY_DAY_UP_TO_DAYS, MAX_TICKS, Frame, date_ticks

BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


def at(day: dt.date, hour: int, minute: int = 0, zone=UTC) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def check_in(moment: dt.datetime, **signals) -> m.CheckInPoint:
    return m.CheckInPoint(moment, 5, (("sad", 6), ("calm", 3)), **signals)


def daily(first: dt.date, days: int, **signals) -> list[m.CheckInPoint]:
    """One check-in an evening, 21:14, from ``first`` for ``days`` days."""
    return [check_in(at(first + dt.timedelta(days=n), 21, 14), **signals) for n in range(days)]


def ticks(first: dt.date, last: dt.date) -> list[str]:
    return date_ticks(Frame(first, last))["ticktext"]


# --- date ticks ------------------------------------------------------------------------
def test_a_short_window_labels_each_day_without_a_time():
    axis = date_ticks(Frame(dt.date(2026, 11, 25), dt.date(2026, 11, 30)))
    assert axis["ticktext"] == ["25 Nov", "26 Nov", "27 Nov", "28 Nov", "29 Nov", "30 Nov"]
    # each label in the middle of its day; the grid lines between the days
    assert axis["tickvals"][0] == dt.datetime(2026, 11, 25, 12, 0)
    assert axis["minor"]["tickvals"][0] == dt.datetime(2026, 11, 25, 0, 0)
    assert axis["minor"]["tickvals"][-1] == dt.datetime(2026, 12, 1, 0, 0)


def test_longer_windows_label_every_other_day_then_mondays_then_months():
    # 11 days: every other day
    assert ticks(dt.date(2026, 11, 20), dt.date(2026, 11, 30)) == [
        "20 Nov", "22 Nov", "24 Nov", "26 Nov", "28 Nov", "30 Nov",
    ]  # fmt: skip
    # 4 weeks from a Sunday: the Mondays
    assert ticks(dt.date(2026, 11, 1), dt.date(2026, 11, 29)) == [
        "2 Nov", "9 Nov", "16 Nov", "23 Nov",
    ]  # fmt: skip
    # 12 weeks: every other Monday
    assert ticks(dt.date(2026, 9, 7), dt.date(2026, 11, 30)) == [
        "7 Sep", "21 Sep", "5 Oct", "19 Oct", "2 Nov", "16 Nov", "30 Nov",
    ]  # fmt: skip
    # most of a year: every other month, on a grid from January
    assert ticks(dt.date(2026, 1, 10), dt.date(2026, 12, 1)) == ["Mar", "May", "Jul", "Sep", "Nov"]


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (dt.date(2026, 11, 30), dt.date(2026, 11, 30)),
        (dt.date(2026, 11, 23), dt.date(2026, 11, 30)),
        (dt.date(2026, 11, 15), dt.date(2026, 11, 30)),
        (dt.date(2026, 9, 1), dt.date(2026, 11, 30)),
        (dt.date(2025, 1, 1), dt.date(2026, 11, 30)),
        (dt.date(2019, 3, 3), dt.date(2026, 11, 30)),
    ],
)
def test_ticks_are_whole_days_within_the_window_and_never_too_many(first, last):
    axis = date_ticks(Frame(first, last))
    assert 1 <= len(axis["tickvals"]) <= MAX_TICKS
    assert len(axis["ticktext"]) == len(axis["tickvals"])
    for value, label in zip(axis["tickvals"], axis["ticktext"], strict=True):
        assert ":" not in label  # never "25 Nov 00:00"
        assert value.time() in (dt.time(0), dt.time(12))
        assert at(first, 0).replace(tzinfo=None) <= value <= at(last, 23).replace(tzinfo=None)


def test_the_year_shows_only_when_the_window_spans_years():
    assert all("2026" not in label for label in ticks(dt.date(2026, 1, 5), dt.date(2026, 3, 20)))
    # across New Year: on the first label and on the first label of the new year
    assert ticks(dt.date(2025, 12, 26), dt.date(2026, 3, 20)) == [
        "29 Dec 2025", "12 Jan 2026", "26 Jan", "9 Feb", "23 Feb", "9 Mar",
    ]  # fmt: skip
    assert ticks(dt.date(2025, 12, 29), dt.date(2026, 1, 3)) == [
        "29 Dec 2025", "30 Dec", "31 Dec", "1 Jan 2026", "2 Jan", "3 Jan",
    ]  # fmt: skip
    assert ticks(dt.date(2025, 3, 1), dt.date(2026, 11, 30)) == [
        "Apr 2025", "Jul", "Oct", "Jan 2026", "Apr", "Jul", "Oct",
    ]  # fmt: skip


def test_every_date_chart_spans_the_window_with_those_ticks():
    frame = Frame(dt.date(2026, 11, 26), dt.date(2026, 11, 30), BERLIN)
    points = daily(dt.date(2026, 11, 27), 3, charge=-2, mind_space=40, self_compassion=5)
    built = [
        figures.distress_figure(points, [], [], frame),
        figures.charge_figure(points, None, frame),
        figures.mind_space_figure(points, None, frame),
        figures.compassion_figure(points, frame),
    ]
    for figure in built:
        axis = figure["layout"]["xaxis"]
        assert axis["range"] == [dt.datetime(2026, 11, 26), dt.datetime(2026, 12, 1)]
        assert axis["ticktext"] == ["26 Nov", "27 Nov", "28 Nov", "29 Nov", "30 Nov"]
        assert axis["tickangle"] == 0 and axis["automargin"]
        assert "00:00" not in json.dumps(axis["ticktext"])


# --- hover texts -----------------------------------------------------------------------
def test_a_check_in_hovers_with_its_local_day_and_time():
    # 22:30 UTC is 23:30 in Berlin: still Thursday there, and drawn on Thursday
    late = check_in(at(dt.date(2026, 11, 26), 22, 30), charge=-3, mind_space=40)
    frame = Frame(dt.date(2026, 11, 26), dt.date(2026, 11, 30), BERLIN)
    distress = figures.distress_figure([late], [], [], frame)["data"][0]
    assert distress["x"] == [dt.datetime(2026, 11, 26, 23, 30)]
    assert distress["text"] == ["Thu 26 Nov, 23:30<br>Distress 5"]
    assert distress["hovertemplate"] == "%{text}<extra></extra>"


def test_a_completion_hovers_with_its_exercise_and_time():
    done = m.CompletionPoint(
        1, "Calm <place>", dt.date(2026, 11, 27), 7, 4, completed_at=at(dt.date(2026, 11, 27), 8)
    )
    frame = Frame(dt.date(2026, 11, 26), dt.date(2026, 11, 30))
    trace = figures.distress_figure([], [], [done], frame)["data"][1]
    # the title is shown as written, not read as markup
    assert trace["text"] == ["Fri 27 Nov, 08:00<br>Calm &lt;place&gt;: distress 7 → 4"]


def test_a_day_of_emotions_hovers_with_its_date_only():
    frame = Frame(dt.date(2026, 11, 26), dt.date(2026, 11, 30))
    figure = figures.flow_figure(daily(dt.date(2026, 11, 27), 2), (), {"sad": "Sad"}, frame)
    sad = next(trace for trace in figure["data"] if trace["name"] == "Sad")
    assert sad["text"] == ["Fri 27 Nov<br>Sad: 1", "Sat 28 Nov<br>Sad: 1"]
    assert sad["textposition"] == "none"


# --- emotional flow: a bar a day, or a bar a week ---------------------------------------
def test_a_window_of_up_to_three_weeks_shows_a_bar_a_day():
    first = dt.date(2026, 11, 10)
    frame = Frame(first, first + dt.timedelta(days=FLOW_BY_DAY_UP_TO_DAYS - 1))
    points = daily(first, 5) + daily(first + dt.timedelta(days=14), 1)
    figure = figures.flow_figure(points, (), {"sad": "Sad", "calm": "Calm"}, frame)
    sad = next(trace for trace in figure["data"] if trace["name"] == "Sad")
    # one bar for each day with a check-in, in the middle of its day
    assert sad["x"] == [
        dt.datetime.combine(first + dt.timedelta(days=n), dt.time(12)) for n in (0, 1, 2, 3, 4, 14)
    ]
    assert sad["y"] == [1] * 6
    assert sad["width"] == [69_120_000] * 6  # 0.8 of a day, in ms
    assert figure["layout"]["yaxis"]["title"]["text"] == "times labelled a day"
    assert figure["layout"]["xaxis"]["range"][0] == dt.datetime(2026, 11, 10)


def test_a_longer_window_keeps_a_bar_a_week():
    first = dt.date(2026, 11, 10)  # a Tuesday
    frame = Frame(first, first + dt.timedelta(days=FLOW_BY_DAY_UP_TO_DAYS))
    points = daily(first, 8)  # Tuesday to Tuesday: 6 in the first week, 2 in the next
    figure = figures.flow_figure(points, (), {"sad": "Sad"}, frame)
    sad = next(trace for trace in figure["data"] if trace["name"] == "Sad")
    assert sad["y"] == [6, 2]
    assert sad["text"] == ["Week of 9 Nov<br>Sad: 6", "Week of 16 Nov<br>Sad: 2"]
    assert figure["layout"]["yaxis"]["title"]["text"] == "times labelled a week"
    # the axis runs over whole weeks, Monday to Sunday, so no bar is cut at an end
    assert figure["layout"]["xaxis"]["range"] == [
        dt.datetime(2026, 11, 9),
        dt.datetime(2026, 12, 7),
    ]


def test_a_day_of_emotions_is_the_clients_local_day():
    # 23:30 in Berlin on the 26th is 22:30 UTC: counted on the 26th, not the 27th
    late = check_in(at(dt.date(2026, 11, 26), 22, 30))
    frame = Frame(dt.date(2026, 11, 26), dt.date(2026, 11, 27), BERLIN)
    figure = figures.flow_figure([late], (), {}, frame)
    assert figure["data"][0]["x"] == [dt.datetime(2026, 11, 26, 12)]


# --- the other person, in the client's words -------------------------------------------
def test_charge_axis_names_the_clients_ends_and_the_hover_the_person():
    words = person_words(Client(other_person="father", focus_areas=["childhood"]))
    frame = Frame(dt.date(2026, 11, 26), dt.date(2026, 11, 30))
    points = [
        check_in(at(dt.date(2026, 11, 27), 20), charge=-3),
        check_in(at(dt.date(2026, 11, 28), 20), charge=0),
        check_in(at(dt.date(2026, 11, 29), 20), charge=2),
    ]
    figure = figures.charge_figure(points, words, frame)
    y = figure["layout"]["yaxis"]
    assert y["tickvals"] == [-5, 0, 5]
    assert y["ticktext"] == ["anger or resentment −5", "neutral 0", "longing for closeness +5"]
    assert figure["data"][0]["text"] == [
        "Fri 27 Nov, 20:00<br>Charge toward their father: −3, anger or resentment",
        "Sat 28 Nov, 20:00<br>Charge toward their father: 0, neutral",
        "Sun 29 Nov, 20:00<br>Charge toward their father: +2, longing for closeness",
    ]


def test_without_words_the_charts_say_the_other_person():
    points = [check_in(at(dt.date(2026, 11, 27), 20), charge=4, mind_space=30)]
    charge = figures.charge_figure(points)
    assert charge["layout"]["yaxis"]["ticktext"][2] == "love or longing +5"
    assert "Charge toward the other person: +4, love or longing" in charge["data"][0]["text"][0]
    space = figures.mind_space_figure(points)
    assert space["layout"]["yaxis"]["title"]["text"] == "thoughts of the other person"
    assert space["data"][0]["text"][0].endswith("<br>The other person took up 30% of the day")


def test_mind_space_names_the_person_and_keeps_a_long_name_off_the_axis():
    points = [check_in(at(dt.date(2026, 11, 27), 20), mind_space=55)]
    husband = person_words(Client(other_person="husband", focus_areas=["betrayal"]))
    figure = figures.mind_space_figure(points, husband)
    assert figure["layout"]["yaxis"]["title"]["text"] == "thoughts of their husband"
    assert figure["data"][0]["text"][0].endswith("<br>Their husband took up 55% of the day")
    long = person_words(Client(other_person="former partner and father of my children"))
    figure = figures.mind_space_figure(points, long)
    assert figure["layout"]["yaxis"]["title"]["text"] == "share of the day"
    assert (
        "Their former partner and father of my children took up 55%"
        in (figure["data"][0]["text"][0])
    )
