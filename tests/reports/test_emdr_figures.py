"""The SUD and VoC charts per target and their readings: pure builders, hand-worked values,
no database."""

import datetime as dt
from zoneinfo import ZoneInfo

from reports.chart_dates import Frame
from reports.figures.common import BLUE, GREEN, ORANGE
from reports.figures.emdr import (
    OPEN_FILL,
    RESOLVED_COLOUR,
    TargetLine,
    Worked,
    sud_figure,
    voc_figure,
)
from reports.readings.emdr import sud_reading, voc_reading

BERLIN = ZoneInfo("Europe/Berlin")
FRAME = Frame(dt.date(2026, 3, 2), dt.date(2026, 3, 31), BERLIN)


def at(day: int) -> dt.datetime:
    """9:00 UTC, ``day`` days after Monday 2 March 2026: 10:00 in Berlin (before the clocks
    change on 29 March)."""
    return dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC) + dt.timedelta(days=day)


def drawn(day: int) -> dt.datetime:
    """Where ``at(day)`` is drawn on FRAME: on its day in Berlin, where the axis's ticks
    put a day (FRAME's 30 days are ticked on Mondays, at the start of the day)."""
    return dt.datetime(2026, 3, 2) + dt.timedelta(days=day)


KITCHEN = TargetLine(
    "The kitchen, age 9",
    [
        Worked(at(0), sud_start=8, sud_end=5, voc_setup=2, voc_installed=4),
        Worked(at(7), sud_start=6, sud_end=2, voc_setup=4, voc_installed=6),
        Worked(at(14), sud_start=2, sud_end=0, voc_setup=6, voc_installed=7),
    ],
    status="resolved",
    since=at(15),
)
# In progress: its first session ran out of time before an end rating (start only).
LEAVING = TargetLine(
    "Dad <leaving> & me",
    [Worked(at(7), sud_start=9), Worked(at(14), sud_start=8, sud_end=6)],
    status="in_progress",
    since=at(7),
)
BRIDGE = TargetLine("The bridge", [], status="planned", since=at(0))


def trace(figure: dict, name: str, *, legend: bool = True, mode: str = "lines+markers") -> dict:
    """The trace named in the legend (a target's line, a mark's); with ``legend=False``,
    a target's segments, or with ``mode="markers"`` its reevaluations' diamonds."""
    return next(
        t
        for t in figure["data"]
        if t["name"] == name
        and t.get("showlegend", True) == legend
        and (legend or t["mode"] == mode)
    )


def diamonds(figure: dict, name: str) -> dict:
    return trace(figure, name, legend=False, mode="markers")


def names(figure: dict) -> list[str]:
    return [t["name"] for t in figure["data"] if t.get("showlegend", True)]


# --- SUD ---------------------------------------------------------------------------------
def test_each_target_is_a_line_through_its_session_ends_in_the_clinics_zone():
    figure = sud_figure([KITCHEN, LEAVING, BRIDGE], FRAME)
    line = trace(figure, "The kitchen, age 9")
    assert line["x"] == [drawn(0), drawn(7), drawn(14)]
    assert line["y"] == [5, 2, 0]
    assert line["line"]["color"] == BLUE
    # a session without an end rating is not on the line
    leaving = trace(figure, "Dad &lt;leaving&gt; &amp; me")
    assert (leaving["x"], leaving["y"]) == ([drawn(14)], [6])
    assert leaving["line"]["color"] == ORANGE
    assert figure["layout"]["yaxis"]["range"] == [-0.5, 10.5]


def test_each_session_is_a_segment_from_an_open_start_to_a_filled_end():
    figure = sud_figure([KITCHEN, LEAVING], FRAME)
    segments = trace(figure, "The kitchen, age 9", legend=False)
    assert segments["x"] == [drawn(0), drawn(0), None, drawn(7), drawn(7), None] + [
        drawn(14),
        drawn(14),
        None,
    ]
    assert segments["y"] == [8, 5, None, 6, 2, None, 2, 0, None]
    assert segments["marker"]["color"][:2] == [OPEN_FILL, BLUE]
    assert segments["legendgroup"] == trace(figure, "The kitchen, age 9")["legendgroup"]
    # a start with no end is an open circle on its own
    leaving = trace(figure, "Dad &lt;leaving&gt; &amp; me", legend=False)
    assert leaving["y"] == [9, None, None, 8, 6, None]
    assert leaving["marker"]["color"][0] == OPEN_FILL
    assert (
        leaving["text"][0] == "Mon 9 Mar, 10:00<br>Dad &lt;leaving&gt; &amp; me: SUD 9 at the start"
    )
    assert segments["text"][0] == (
        "Mon 2 Mar, 10:00<br>The kitchen, age 9: SUD 8 at the start, 5 at the end"
    )


def test_a_resolved_target_is_starred_on_the_session_its_resolution_rests_on():
    figure = sud_figure([KITCHEN, LEAVING, BRIDGE], FRAME)
    star = trace(figure, "Resolved")
    assert (star["x"], star["y"]) == ([drawn(14)], [0])
    assert star["marker"]["symbol"] == "star" and star["marker"]["color"] == RESOLVED_COLOUR
    assert star["text"] == ["The kitchen, age 9: marked resolved on Tue 17 Mar"]
    assert names(figure) == [
        "The kitchen, age 9",
        "Dad &lt;leaving&gt; &amp; me",
        "At the start of a session",
        "At the end of a session",
        "Resolved",
    ]
    # marked resolved after its second session: the star is there, not on a later one
    early = TargetLine(KITCHEN.label, KITCHEN.sessions, status="resolved", since=at(8))
    star = trace(sud_figure([early], FRAME), "Resolved")
    assert (star["x"], star["y"]) == ([drawn(7)], [2])


def test_without_a_resolved_target_there_is_no_star_in_the_legend():
    assert "Resolved" not in names(sud_figure([LEAVING, BRIDGE], FRAME))


def test_past_seven_targets_the_colours_come_round_with_another_dash():
    targets = [TargetLine(f"T{n}", [Worked(at(n), 5, 3)]) for n in range(9)]
    figure = sud_figure(targets, FRAME)
    first, eighth = trace(figure, "T0"), trace(figure, "T7")
    assert first["line"]["color"] == eighth["line"]["color"] == BLUE
    assert (first["line"]["dash"], eighth["line"]["dash"]) == ("solid", "dash")
    # the chart grows a row per legend entry past two, so that the plot keeps its height
    assert figure["layout"]["height"] == 300 + 20 * (9 + 2 - 2)


# --- VoC ---------------------------------------------------------------------------------
def test_voc_runs_from_set_up_to_installation_on_a_fixed_one_to_seven_scale():
    figure = voc_figure([KITCHEN, LEAVING], FRAME)
    assert trace(figure, "The kitchen, age 9")["y"] == [4, 6, 7]
    segments = trace(figure, "The kitchen, age 9", legend=False)
    assert segments["y"] == [2, 4, None, 4, 6, None, 6, 7, None]
    assert segments["text"][0].endswith("The kitchen, age 9: VoC 2 at set-up, 4 after installation")
    star = trace(figure, "Resolved")
    assert (star["x"], star["y"]) == ([drawn(14)], [7])
    assert figure["layout"]["yaxis"]["range"] == [0.5, 7.5]
    assert names(figure)[-3:] == ["At set-up", "After installation", "Resolved"]
    # a target without any VoC draws no line
    assert not [t for t in figure["data"] if t["name"].startswith("Dad")]


# --- every target in the legend (issue 16, 1) ---------------------------------------------
def in_legend(figure: dict) -> list[dict]:
    return [t for t in figure["data"] if t.get("showlegend", True)]


def test_a_target_rated_only_at_set_up_keeps_its_legend_entry_by_label_and_colour():
    # The car's one session had a VoC at set-up and ran out of time before installation:
    # no point on its line, which Plotly would leave out of the legend if it had none.
    car = TargetLine("The car", [Worked(at(3), sud_start=7, voc_setup=3)])
    figure = voc_figure([KITCHEN, car], FRAME)
    assert names(figure)[:2] == ["The kitchen, age 9", "The car"]
    line = trace(figure, "The car")
    assert (line["x"], line["y"]) == ([None], [None])  # a point at nowhere, for the legend
    assert line["line"]["color"] == ORANGE and line["marker"]["line"]["color"] == ORANGE
    # its set-up is drawn, an open circle of its colour, in its legend group
    segments = trace(figure, "The car", legend=False)
    assert (segments["x"], segments["y"]) == ([drawn(3), drawn(3), None], [3, None, None])
    assert segments["marker"]["color"][0] == OPEN_FILL
    assert segments["legendgroup"] == line["legendgroup"]
    # Plotly shows no legend entry for a trace without points: none here is without
    assert all(t["x"] for t in in_legend(figure))


def test_a_target_with_only_a_start_sud_or_only_a_reevaluation_is_in_the_sud_legend():
    started = TargetLine("The car", [Worked(at(3), sud_start=7)])
    checked = TargetLine("The lift", [Worked(at(4), reevaluation_sud=2)])
    figure = sud_figure([KITCHEN, started, checked], FRAME)
    assert names(figure) == [
        "The kitchen, age 9",
        "The car",
        "The lift",
        "At the start of a session",
        "At the end of a session",
        "At reevaluation",
        "Resolved",
    ]
    assert trace(figure, "The car")["line"]["color"] == ORANGE
    assert trace(figure, "The lift")["line"]["color"] == GREEN
    lift = diamonds(figure, "The lift")
    assert (lift["x"], lift["y"]) == ([drawn(4)], [2])
    assert lift["legendgroup"] == trace(figure, "The lift")["legendgroup"]
    assert all(t["x"] for t in in_legend(figure))


# --- on its day (issue 16, 3) ------------------------------------------------------------
# Sunday 29 March 2026, 15:00 in Berlin (summer time from that morning: 13:00 UTC), and
# 00:30 on Tuesday 24 March in Berlin, still Monday 23:30 in UTC.
SUNDAY = dt.datetime(2026, 3, 29, 13, tzinfo=dt.UTC)
PAST_MIDNIGHT = dt.datetime(2026, 3, 23, 23, 30, tzinfo=dt.UTC)


def test_a_session_is_drawn_on_its_day_in_the_clinics_zone_not_near_the_next_days_tick():
    car = TargetLine(
        "The car",
        [Worked(PAST_MIDNIGHT, sud_start=8, sud_end=6), Worked(SUNDAY, sud_start=6, sud_end=3)],
    )
    figure = sud_figure([car], FRAME)
    # FRAME's ticks are Mondays, at the start of the day: Sunday's session is a whole day
    # before Monday 30 March's tick, no longer 9 hours
    assert dt.datetime(2026, 3, 30) in figure["layout"]["xaxis"]["tickvals"]
    line = trace(figure, "The car")
    assert line["x"] == [dt.datetime(2026, 3, 24), dt.datetime(2026, 3, 29)]
    # the hover text still gives the time, as the table does
    assert line["text"][1] == "Sun 29 Mar, 15:00<br>The car: SUD 6 at the start, 3 at the end"
    # start and end stay apart: the two ends of a vertical segment on the session's day
    segments = trace(figure, "The car", legend=False)
    assert segments["x"][3:5] == [dt.datetime(2026, 3, 29)] * 2
    assert segments["y"][3:5] == [6, 3]
    assert segments["marker"]["color"][3:5] == [OPEN_FILL, BLUE]


def test_over_a_week_ticked_by_day_a_session_sits_on_its_days_tick():
    week = Frame(dt.date(2026, 3, 23), dt.date(2026, 3, 29), BERLIN)
    car = TargetLine(
        "The car",
        [Worked(PAST_MIDNIGHT, sud_start=8, sud_end=6), Worked(SUNDAY, sud_start=6, sud_end=3)],
        status="resolved",
        since=SUNDAY + dt.timedelta(hours=1),
    )
    figure = sud_figure([car], week)
    axis = figure["layout"]["xaxis"]
    xs = trace(figure, "The car")["x"]
    assert xs == [dt.datetime(2026, 3, 24, 12), dt.datetime(2026, 3, 29, 12)]  # noon
    assert [axis["ticktext"][axis["tickvals"].index(x)] for x in xs] == ["24 Mar", "29 Mar"]
    assert trace(figure, "Resolved")["x"] == [dt.datetime(2026, 3, 29, 12)]


# --- the SUD at reevaluation (issue 16, 4) -------------------------------------------------
# The kitchen, resolved on 17 March: its third session checked it at SUD 3 before taking
# it to 0, and a reevaluation alone on Monday 30 March (11:00 in Berlin, summer time)
# found it still at 0.
CHECKED = TargetLine(
    KITCHEN.label,
    [
        *KITCHEN.sessions[:2],
        Worked(at(14), sud_start=2, sud_end=0, voc_setup=6, voc_installed=7, reevaluation_sud=3),
        Worked(at(28), reevaluation_sud=0),
    ],
    status="resolved",
    since=at(15),
)


def test_the_sud_at_reevaluation_is_a_diamond_of_the_targets_colour_at_its_session():
    figure = sud_figure([CHECKED], FRAME)
    checks = diamonds(figure, "The kitchen, age 9")
    assert (checks["x"], checks["y"]) == ([drawn(14), drawn(28)], [3, 0])
    assert checks["marker"]["symbol"] == "diamond" and checks["marker"]["color"] == BLUE
    assert checks["text"] == [
        "Mon 16 Mar, 10:00<br>The kitchen, age 9: SUD 3 at reevaluation, 2 at the start, "
        "0 at the end",
        "Mon 30 Mar, 11:00<br>The kitchen, age 9: SUD 0 at reevaluation",
    ]
    # drawn first, under the circles of a start or end of the same value
    assert figure["data"].index(checks) < figure["data"].index(trace(figure, checks["name"]))
    # off the line through the session ends; the star stays where the resolution rests
    assert trace(figure, "The kitchen, age 9")["y"] == [5, 2, 0]
    assert trace(figure, "Resolved")["x"] == [drawn(14)]
    legend = trace(figure, "At reevaluation")
    assert legend["marker"]["symbol"] == "diamond" and legend["x"] == [None]
    assert names(figure)[-2:] == ["At reevaluation", "Resolved"]


def test_without_a_reevaluation_there_is_no_diamond_and_the_voc_chart_has_none():
    assert "At reevaluation" not in names(sud_figure([KITCHEN, LEAVING], FRAME))
    voc = voc_figure([CHECKED], FRAME)
    assert "At reevaluation" not in names(voc)
    assert not [t for t in voc["data"] if t.get("marker", {}).get("symbol") == "diamond"]
    # the reevaluation alone has no VoC: not on the VoC chart
    assert trace(voc, "The kitchen, age 9")["x"] == [drawn(0), drawn(7), drawn(14)]


# --- readings ----------------------------------------------------------------------------
def test_the_sud_reading_follows_each_target_and_says_what_became_of_it():
    held = [at(0), at(7), at(14), at(21)]  # a session after the last one that worked LEAVING
    assert sud_reading([KITCHEN, LEAVING, BRIDGE], FRAME, held) == (
        "The kitchen, age 9: SUD fell from 8 at the start to 0 at the end, over its 3 sessions. "
        "Marked resolved on 17 Mar. "
        "Dad <leaving> & me: SUD fell from 9 at the start to 6 at the end, over its 2 sessions. "
        "No processing recorded since 16 Mar, 1 held session ago. "
        "No SUD recorded yet for The bridge."
    )


def test_the_sud_reading_of_one_session_and_of_none():
    one = TargetLine("The car", [Worked(at(3), sud_start=7, sud_end=3)])
    assert sud_reading([one], FRAME, [at(3)]) == (
        "The car: SUD 7 at the start and 3 at the end, in its one session."
    )
    assert sud_reading([BRIDGE], None) == "No SUD recorded yet for The bridge."
    set_aside = TargetLine("The car", [], status="set_aside", since=at(3))
    assert sud_reading([set_aside], None) == "No processing recorded yet."


def test_the_voc_reading():
    assert voc_reading([KITCHEN, LEAVING, BRIDGE]) == (
        "The kitchen, age 9: VoC rose from 2 at set-up to 7 after installation, over its 3 "
        "sessions. No VoC recorded yet for Dad <leaving> & me."
    )
    assert voc_reading([BRIDGE]) == "No VoC recorded yet."


# --- readings that say what they count (issue 16, 2) -----------------------------------
# Three sessions: the second ran out of time before set-up, so the VoC has two of them.
CAR = TargetLine(
    "The car",
    [
        Worked(at(0), sud_start=7, sud_end=5, voc_setup=3),
        Worked(at(7), sud_start=6, sud_end=4),
        Worked(at(14), sud_start=4, sud_end=2, voc_setup=5, voc_installed=6),
    ],
)


def test_the_readings_count_the_targets_sessions_and_those_with_a_rating_alike():
    assert voc_reading([CAR]) == (
        "The car: VoC rose from 3 at set-up to 6 after installation, "
        "over the 2 of its 3 sessions with a VoC."
    )
    assert sud_reading([CAR], FRAME) == (
        "The car: SUD fell from 7 at the start to 2 at the end, over its 3 sessions."
    )
    # one VoC in two sessions is not "its one session"
    two = TargetLine("The car", CAR.sessions[:2])
    assert (
        voc_reading([two]) == "The car: VoC 3 at set-up, in the one of its 2 sessions with a VoC."
    )
    same = TargetLine("The car", [Worked(at(0), 5, 4), Worked(at(7), 6, 5)])
    assert sud_reading([same], FRAME) == (
        "The car: SUD unchanged from 5 at the start to 5 at the end, over its 2 sessions."
    )


def test_the_sud_reading_counts_a_reevaluation_and_dates_the_latest_since_resolution():
    assert sud_reading([CHECKED], FRAME) == (
        "The kitchen, age 9: SUD fell from 8 at the start to 0 at reevaluation, over its 4 "
        "sessions. Marked resolved on 17 Mar. Reevaluated on 30 Mar: SUD 0."
    )
    assert voc_reading([CHECKED]) == (
        "The kitchen, age 9: VoC rose from 2 at set-up to 7 after installation, "
        "over the 3 of its 4 sessions with a VoC."
    )
    # disturbance come back after resolution is read as it is
    back = TargetLine(
        CHECKED.label,
        [
            *CHECKED.sessions[:3],
            Worked(at(21), reevaluation_sud=0),
            Worked(at(28), reevaluation_sud=2),
        ],
        status="resolved",
        since=at(15),
    )
    assert sud_reading([back], FRAME) == (
        "The kitchen, age 9: SUD fell from 8 at the start to 2 at reevaluation, over its 5 "
        "sessions. Marked resolved on 17 Mar. Reevaluated on 30 Mar: SUD 2."
    )
    # a reevaluation is a SUD recorded: an open target checked only is not "without a SUD"
    lift = TargetLine("The lift", [Worked(at(4), reevaluation_sud=2)])
    assert sud_reading([lift], FRAME) == "The lift: SUD 2 at reevaluation, in its one session."
