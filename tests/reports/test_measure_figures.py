"""The Measures charts: pure figure builders, no database."""

import datetime as dt
import json

from clients.measures.change import Criteria, change_between, paired
from clients.measures.instruments import INSTRUMENTS
from clients.measures.selectors import Series
from reports.chart_dates import Frame
from reports.figures.measures import Charted, first_reliable, measure_figure
from reports.readings.measures import measure_reading

PHQ9, GAD7, PCL5, ITQ = (INSTRUMENTS[code] for code in ("phq9", "gad7", "pcl5", "itq"))
FRAME = Frame(dt.date(2026, 9, 1), dt.date(2026, 11, 30))


def at(day: int) -> dt.datetime:
    """A Tuesday morning in September, ``day`` days on."""
    return dt.datetime(2026, 9, 1, 9, 30, tzinfo=dt.UTC) + dt.timedelta(days=day)


def totals(*values: int) -> Charted:
    return Charted("total", "", [(at(14 * n), value) for n, value in enumerate(values)])


def rects(figure: dict) -> list[tuple[float, float]]:
    return [(s["y0"], s["y1"]) for s in figure["layout"]["shapes"] if s["type"] == "rect"]


def lines_at(figure: dict) -> list[float]:
    shapes = figure["layout"]["shapes"]
    return [s["y0"] for s in shapes if s["type"] == "line" and s["yref"] == "y"]


def names(figure: dict) -> list[str]:
    return [trace["name"] for trace in figure["data"]]


def test_phq9_shades_its_five_published_bands_with_whole_scores_inside_them():
    figure = measure_figure(PHQ9, [totals(17, 12, 9)], Criteria(10, 6), frame=FRAME)
    # 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe; each
    # stripe half a point beyond its scores, so that 4 and 5 fall on either side of an edge.
    assert rects(figure) == [(-0.5, 4.5), (4.5, 9.5), (9.5, 14.5), (14.5, 19.5), (19.5, 27.5)]
    labels = [a["text"] for a in figure["layout"]["annotations"]]
    assert labels == ["minimal", "mild", "moderate", "moderately severe", "severe"]
    assert figure["layout"]["yaxis"]["range"] == [-0.5, 27.5]
    assert figure["layout"]["yaxis"]["title"]["text"] == "total (0-27)"


def test_gad7_bands_end_at_21():
    figure = measure_figure(GAD7, [totals(12, 6)], Criteria(8, 4), frame=FRAME)
    assert rects(figure) == [(-0.5, 4.5), (4.5, 9.5), (9.5, 14.5), (14.5, 21.5)]


def test_the_caseness_line_is_the_clinics_value():
    published = measure_figure(PHQ9, [totals(17, 9)], Criteria(10, 6), frame=FRAME)
    assert lines_at(published) == [10]
    assert "Cut-off for a case (10 or more)" in names(published)
    chosen = measure_figure(GAD7, [totals(12, 6)], Criteria(10, 4), frame=FRAME)
    assert lines_at(chosen) == [10]  # the clinic chose the original paper's 10 over 8


def test_pcl5_has_no_bands_only_its_cut_off():
    figure = measure_figure(PCL5, [totals(50, 38)], Criteria(33, 10), frame=FRAME)
    assert rects(figure) == []
    assert figure["layout"]["annotations"] == []
    assert lines_at(figure) == [33]
    assert figure["layout"]["yaxis"]["title"]["text"] == "total (0-80)"


def test_itq_charts_its_two_sums_with_no_bands_and_no_cut_off():
    ptsd = Charted("ptsd", "PTSD symptoms", [(at(0), 16), (at(28), 8)])
    dso = Charted("dso", "Disturbances in self-organisation", [(at(0), 14), (at(28), 12)])
    figure = measure_figure(ITQ, [ptsd, dso], Criteria(None, None), frame=FRAME)
    assert rects(figure) == [] and lines_at(figure) == []
    assert names(figure) == ["PTSD symptoms", "Disturbances in self-organisation"]
    assert [trace["y"] for trace in figure["data"]] == [[16, 8], [14, 12]]
    assert figure["data"][1]["line"]["dash"] == "dash"  # told apart by more than colour
    assert figure["layout"]["yaxis"]["title"]["text"] == "sum (0-24)"


def test_the_first_reliably_better_score_is_marked_and_later_ones_are_not():
    # PHQ-9, 6 points reliable: 17 → 12 is 5 (not yet), → 11 is 6 (reliable), → 9 too.
    figure = measure_figure(PHQ9, [totals(17, 12, 11, 9)], Criteria(10, 6), frame=FRAME)
    marker = next(t for t in figure["data"] if t["name"].startswith("Reliable improvement"))
    assert marker["name"] == "Reliable improvement (6 points or more)"
    assert marker["y"] == [11] and marker["x"] == [FRAME.local(at(28))]
    assert "reliably better than the first score: 17 → 11" in marker["text"][0]
    assert not any(t["name"].startswith("Reliable deterioration") for t in figure["data"])


def test_reliable_change_is_found_at_the_criterion_not_a_point_before():
    phq9, gad7 = Criteria(10, 6), Criteria(8, 4)
    assert first_reliable([(at(0), 17), (at(1), 12)], phq9) == {}
    assert first_reliable([(at(0), 17), (at(1), 11)], phq9) == {"improvement": 1}
    assert first_reliable([(at(0), 8), (at(1), 11), (at(2), 12)], gad7) == {"deterioration": 2}
    # worse first, then better: both are found where each first happened
    assert first_reliable([(at(0), 10), (at(1), 14), (at(2), 5)], gad7) == {
        "deterioration": 1,
        "improvement": 2,
    }
    assert first_reliable([(at(0), 20), (at(1), 2)], Criteria(None, None)) == {}  # ITQ


def markers(figure: dict) -> list[str]:
    return [t["name"] for t in figure["data"] if t["mode"] == "markers"]


def test_an_improvement_the_pairing_does_not_count_gets_no_star_as_the_reading_says():
    # PHQ-9 17 → 9 is 8 points down (6 reliable), but GAD-7 6 → 11 rose 5 (4 reliable):
    # the episode's PHQ-9 change, paired, counts no reliable improvement.
    gad = change_between(6, 11, Criteria(8, 4))
    phq = paired(change_between(17, 9, Criteria(10, 6)), gad)
    assert phq.reliable_improvement is False
    phq_points = [(at(0), 17), (at(28), 9)]
    figure = measure_figure(
        PHQ9, [Charted("total", "", phq_points, phq)], Criteria(10, 6), frame=FRAME
    )
    assert markers(figure) == []
    reading = measure_reading(
        PHQ9,
        [Series(PHQ9, "total", "PHQ-9", phq_points, phq)],
        Criteria(10, 6),
        first_band="moderately_severe",
        latest_band="mild",
    )
    assert "not counted as reliable improvement while GAD-7 reliably deteriorated" in reading
    # the GAD-7 chart marks its deterioration, which the pairing leaves as it is
    gad_chart = Charted("total", "", [(at(0), 6), (at(28), 11)], gad)
    gad_figure = measure_figure(GAD7, [gad_chart], Criteria(8, 4), frame=FRAME)
    assert markers(gad_figure) == ["Reliable deterioration (4 points or more)"]
    # unpaired (the clinic turned the pairing off, or GAD-7 held steady), the star is there
    alone = Charted("total", "", phq_points, change_between(17, 9, Criteria(10, 6)))
    alone_figure = measure_figure(PHQ9, [alone], Criteria(10, 6), frame=FRAME)
    assert markers(alone_figure) == ["Reliable improvement (6 points or more)"]


def test_a_star_follows_the_clinics_criterion_and_goes_when_the_improvement_is_lost():
    # a clinic counting 4 points as reliable on the PHQ-9: 17 → 13 is reliable there
    figure = measure_figure(PHQ9, [totals(17, 13)], Criteria(10, 4), frame=FRAME)
    assert markers(figure) == ["Reliable improvement (4 points or more)"]
    # 17 → 9 → 15: reliably better once, not at the latest, which the reading judges
    lost = change_between(17, 15, Criteria(10, 6))
    points = [(at(0), 17), (at(14), 9), (at(28), 15)]
    figure = measure_figure(
        PHQ9, [Charted("total", "", points, lost)], Criteria(10, 6), frame=FRAME
    )
    assert markers(figure) == []


def test_a_reliable_deterioration_is_marked():
    figure = measure_figure(GAD7, [totals(6, 10)], Criteria(8, 4), frame=FRAME)
    marker = next(t for t in figure["data"] if t["name"].startswith("Reliable deterioration"))
    assert marker["name"] == "Reliable deterioration (4 points or more)"
    assert marker["y"] == [10]


def test_held_sessions_are_marked_as_on_the_other_charts():
    sessions = [at(7), at(21)]
    figure = measure_figure(PHQ9, [totals(17, 9)], Criteria(10, 6), sessions, FRAME)
    marks = [s for s in figure["layout"]["shapes"] if s["type"] == "line" and s["yref"] == "paper"]
    assert [m["x0"] for m in marks] == [FRAME.local(s) for s in sessions]
    assert "Session" in names(figure)
    no_sessions = measure_figure(PHQ9, [totals(17, 9)], Criteria(10, 6), frame=FRAME)
    assert "Session" not in names(no_sessions)


def test_one_score_hovers_with_its_band_and_the_figure_serialises():
    figure = measure_figure(PHQ9, [totals(17)], Criteria(10, 6), frame=FRAME)
    assert figure["data"][0]["text"] == ["Tue 1 Sep, 09:30<br>PHQ-9 17, moderately severe"]
    json.dumps(figure, default=str)  # plain data only
