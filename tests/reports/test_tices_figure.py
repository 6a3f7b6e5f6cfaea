"""The TICES log chart and its reading: pure builders, hand-worked values, no database."""

import datetime as dt
from zoneinfo import ZoneInfo

from reports.chart_dates import Frame
from reports.figures.tices import TICES_COLOURS, tices_counts, tices_figure
from reports.readings.emdr import tices_reading

LOS_ANGELES = ZoneInfo("America/Los_Angeles")


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


# --- reading -----------------------------------------------------------------------------
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


def test_weeks_tied_for_the_most_are_all_named_or_counted_never_one_picked():
    # 2 entries in the weeks of 2 and of 16 March, 1 in that of 9 March
    tied = [(la(3, 12), 2), (la(4, 12), 5), (la(10, 12), 1), (la(17, 9), 10), (la(18, 8), 6)]
    assert tices_reading(tices_counts(tied, WEEKS), WEEKS) == (
        "5 log entries in the 3 weeks shown, 1 rated 7-10. "
        "The most in one week: 2, in each of the weeks of 2 Mar and 16 Mar."
    )
    # one a week for four weeks: counted, not named
    weeks = Frame(dt.date(2026, 3, 2), dt.date(2026, 3, 29), LOS_ANGELES)
    weekly = [(la(day, 12), 1) for day in (3, 10, 17, 24)]
    assert tices_reading(tices_counts(weekly, weeks), weeks) == (
        "4 log entries in the 4 weeks shown, 0 rated 7-10. "
        "The most in one week: 1, in each of 4 weeks. "
        "As many in the latest 2 weeks as in the 2 before: 2."
    )
