"""The EMDR charts and their readings: pure builders, hand-worked values, no database."""

import datetime as dt
from zoneinfo import ZoneInfo

from reports.chart_dates import Frame
from reports.figures.common import BLUE, ORANGE
from reports.figures.emdr import (
    OPEN_FILL,
    RESOLVED_COLOUR,
    TICES_COLOURS,
    TargetLine,
    Worked,
    sud_figure,
    tices_counts,
    tices_figure,
    voc_figure,
)
from reports.readings.emdr import sud_reading, tices_reading, voc_reading

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
FRAME = Frame(dt.date(2026, 3, 2), dt.date(2026, 3, 31), BERLIN)


def at(day: int) -> dt.datetime:
    """9:00 UTC, ``day`` days after Monday 2 March 2026: 10:00 in Berlin (before the clocks
    change on 29 March)."""
    return dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC) + dt.timedelta(days=day)


def drawn(day: int) -> dt.datetime:
    """Where ``at(day)`` is drawn: the wall-clock time in Berlin."""
    return dt.datetime(2026, 3, 2, 10) + dt.timedelta(days=day)


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


def trace(figure: dict, name: str, *, legend: bool = True) -> dict:
    return next(
        t
        for t in figure["data"]
        if t["name"] == name and t.get("showlegend", True) == legend and t["x"] != [None]
    )


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


# --- TICES -------------------------------------------------------------------------------
def la(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=LOS_ANGELES)


WEEKS = Frame(dt.date(2026, 3, 2), dt.date(2026, 3, 20), LOS_ANGELES)
ENTRIES = [
    (la(1, 20), 9),  # Sunday before the first day shown: left out
    (la(3, 12), 2),
    (la(4, 12), 5),
    # Sunday 23:30 for the client in Los Angeles, Monday 06:30 UTC: their week of 9 March
    (la(15, 23, 30), 8),
    (la(16, 0, 30), 3),  # half an hour later: the next week, 0-3 at its top edge
    (la(17, 9), 10),
    (la(17, 18), 7),  # 7-10 from its lowest
    (la(18, 8), 6),
    (la(18, 20), 4),  # 4-6 from its lowest
    (la(21, 10), 9),  # after the last day shown: left out
]


def test_log_entries_are_counted_per_week_of_the_clients_own_and_per_band():
    assert tices_counts(ENTRIES, WEEKS) == {
        dt.date(2026, 3, 2): [1, 1, 0],
        dt.date(2026, 3, 9): [0, 0, 1],
        dt.date(2026, 3, 16): [1, 2, 2],
    }


def test_the_weeks_are_stacked_bars_by_band_over_whole_weeks():
    figure = tices_figure(ENTRIES, WEEKS)
    bars = {t["name"]: t for t in figure["data"]}
    assert list(bars) == ["Disturbance 0-3", "Disturbance 4-6", "Disturbance 7-10"]
    assert bars["Disturbance 0-3"]["y"] == [1, 0, 1]
    assert bars["Disturbance 4-6"]["y"] == [1, 0, 2]
    assert bars["Disturbance 7-10"]["y"] == [0, 1, 2]
    # in the middle of each week, Monday to Sunday
    assert bars["Disturbance 0-3"]["x"] == [
        dt.datetime(2026, 3, 5, 12),
        dt.datetime(2026, 3, 12, 12),
        dt.datetime(2026, 3, 19, 12),
    ]
    assert figure["layout"]["xaxis"]["range"] == [dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 23)]
    assert figure["layout"]["barmode"] == "stack"
    assert bars["Disturbance 7-10"]["text"][2] == "Week of 16 Mar<br>Disturbance 7-10: 2 entries"
    assert bars["Disturbance 7-10"]["text"][1].endswith("Disturbance 7-10: 1 entry")


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_the_more_disturbing_band_is_the_darker_one_readable_in_grey_print():
    shades = [luminance(colour) for colour in TICES_COLOURS]
    assert shades == sorted(shades, reverse=True)
    # each step is clear: at least 1.5:1 between neighbours
    for lighter, darker in zip(shades, shades[1:], strict=False):
        assert (lighter + 0.05) / (darker + 0.05) >= 1.5


# --- readings ----------------------------------------------------------------------------
def test_the_sud_reading_follows_each_target_and_says_what_became_of_it():
    held = [at(0), at(7), at(14), at(21)]  # a session after the last one that worked LEAVING
    assert sud_reading([KITCHEN, LEAVING, BRIDGE], FRAME, held) == (
        "The kitchen, age 9: SUD fell from 8 to 0 over 3 sessions. Marked resolved on 17 Mar. "
        "Dad <leaving> & me: SUD fell from 9 to 6 over 2 sessions. "
        "No processing recorded since 16 Mar, 1 held session ago. "
        "No SUD recorded yet for The bridge."
    )


def test_the_sud_reading_of_one_session_and_of_none():
    one = TargetLine("The car", [Worked(at(3), sud_start=7, sud_end=3)])
    assert sud_reading([one], FRAME, [at(3)]) == (
        "The car: SUD 7 at the start of its one session, 3 at the end."
    )
    assert sud_reading([BRIDGE], None) == "No SUD recorded yet for The bridge."
    set_aside = TargetLine("The car", [], status="set_aside", since=at(3))
    assert sud_reading([set_aside], None) == "No processing recorded yet."


def test_the_voc_reading():
    assert voc_reading([KITCHEN, LEAVING, BRIDGE]) == (
        "The kitchen, age 9: VoC rose from 2 to 7 over 3 sessions. "
        "No VoC recorded yet for Dad <leaving> & me."
    )
    assert voc_reading([BRIDGE]) == "No VoC recorded yet."


def test_the_log_reading_counts_the_hardest_and_names_the_busiest_week():
    counts = tices_counts(ENTRIES, WEEKS)
    assert tices_reading(counts, WEEKS) == (
        "8 log entries in the 3 weeks shown, 3 rated 7-10. "
        "The most in one week: 5, in the week of 16 Mar."
    )


def test_over_four_weeks_or_more_the_log_reading_sets_the_later_half_against_the_earlier():
    weeks = Frame(dt.date(2026, 3, 2), dt.date(2026, 3, 29), LOS_ANGELES)
    counts = tices_counts(ENTRIES + [(la(25, 12), 1)], weeks)
    # 2 + 1 in the weeks of 2 and 9 March; 6 + 1 in those of 16 and 23 March
    assert tices_reading(counts, weeks).endswith(
        "More in the latest 2 weeks than in the 2 before: 7 against 3."
    )
    assert tices_reading(tices_counts([], weeks), weeks) == "No log entries in the 4 weeks shown."
