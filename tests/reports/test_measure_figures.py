"""The Measures charts: pure figure builders, no database."""

import datetime as dt
import json

from clients.measures.change import Criteria, change_between, paired
from clients.measures.instruments import INSTRUMENTS
from clients.measures.selectors import Series
from reports.chart_dates import Frame
from reports.figures.common import BLUE, GREY, ORANGE
from reports.figures.measures import CUT_OFF_COLOUR, Charted, first_reliable, measure_figure
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
    """The legend's entries."""
    return [trace["name"] for trace in figure["data"] if trace.get("showlegend", True)]


def band_names(figure: dict) -> dict[float, str]:
    """The words beside the chart, by the score they stand level with."""
    axis = figure["layout"].get("yaxis2")
    return dict(zip(axis["tickvals"], axis["ticktext"], strict=True)) if axis else {}


def opacities(figure: dict) -> list[float]:
    return [s["opacity"] for s in figure["layout"]["shapes"] if s["type"] == "rect"]


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of "#rrggbb"."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def over_white(colour: str, opacity: float) -> str:
    """``colour`` at ``opacity`` on the white plot, as the reader sees it."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - opacity * (255 - c)):02x}" for c in channels)


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted([luminance(one), luminance(other)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_phq9_shades_its_five_published_bands_with_whole_scores_inside_them():
    figure = measure_figure(PHQ9, [totals(17, 12, 9)], Criteria(10, 6), frame=FRAME)
    # 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe; each
    # stripe half a point beyond its scores, so that 4 and 5 fall on either side of an edge.
    assert rects(figure) == [(-0.5, 4.5), (4.5, 9.5), (9.5, 14.5), (14.5, 19.5), (19.5, 27.5)]
    # each named beside the chart, level with the middle of its stripe
    assert band_names(figure) == {
        2: "minimal",
        7: "mild",
        12: "moderate",
        17: "moderately<br>severe",  # on two lines, so that the strip stays narrow
        23.5: "severe",
    }
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
    assert band_names(figure) == {}
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


# --- room at the edges --------------------------------------------------------------------
def x_range(figure: dict) -> tuple[dt.datetime, dt.datetime]:
    start, end = figure["layout"]["xaxis"]["range"]
    return start, end


def share_from_edges(figure: dict, moment: dt.datetime) -> tuple[float, float]:
    """Where ``moment`` falls, as a share of the chart's width from its left and right."""
    start, end = x_range(figure)
    width = end - start
    return (moment - start) / width, (end - moment) / width


def test_the_date_axis_leaves_room_before_the_first_day_and_after_the_last():
    figure = measure_figure(PHQ9, [totals(17, 9)], Criteria(10, 6), frame=FRAME)
    # 1 Sep to 30 Nov is 91 days, 2,184 hours: 4% of that is 87 hours on either side
    assert x_range(figure) == (dt.datetime(2026, 8, 28, 9), dt.datetime(2026, 12, 4, 15))


def test_scores_at_the_very_start_and_end_of_the_chart_are_drawn_clear_of_its_edges():
    # A score just after midnight on the first day, and the newest one late on the last
    # day (today): each at least 3.5% of the plot's width from its edge, which on the
    # report at 1024 px (a plot about 480 px wide) is 17 px, more than half the widest
    # marker (the 15 px star).
    first = dt.datetime(2026, 9, 1, 0, 5, tzinfo=dt.UTC)
    newest = dt.datetime(2026, 9, 28, 23, 55, tzinfo=dt.UTC)
    frame = Frame(dt.date(2026, 9, 1), dt.date(2026, 9, 28))
    series = Charted("total", "", [(first, 17), (newest, 9)])
    figure = measure_figure(PHQ9, [series], Criteria(10, 6), frame=frame)
    star = next(t for t in figure["data"] if t["name"].startswith("Reliable improvement"))
    assert star["x"] == [frame.local(newest)]  # the star on the newest score too
    assert share_from_edges(figure, frame.local(first))[0] >= 0.035
    assert share_from_edges(figure, frame.local(newest))[1] >= 0.035


def test_a_one_day_chart_still_gets_room_at_its_edges():
    day = Frame(dt.date(2026, 9, 1), dt.date(2026, 9, 1))
    figure = measure_figure(PHQ9, [totals(17)], Criteria(10, 6), frame=day)
    assert x_range(figure) == (dt.datetime(2026, 8, 31, 23), dt.datetime(2026, 9, 2, 1))


# --- scores entered from a paper form -----------------------------------------------------
PAPER_FORM = "Entered by staff from a paper form"


def test_a_score_entered_from_a_paper_form_is_an_open_circle_named_in_legend_and_hover():
    # 17 and 9 answered by the client; 12, two weeks in, typed in by the therapist
    figure = measure_figure(
        PHQ9, [totals(17, 12, 9)], Criteria(10, 6), frame=FRAME, from_paper={at(14)}
    )
    line = figure["data"][0]
    # the same circle, outlined in the line's colour: filled when the client answered,
    # white inside when staff entered it, so told apart by shape as well as colour
    assert line["marker"]["color"] == [BLUE, "#ffffff", BLUE]
    assert line["marker"]["line"] == {"color": BLUE, "width": 2}
    assert line["text"][1] == "Tue 15 Sep, 09:30<br>PHQ-9 12, moderate<br>" + PAPER_FORM
    assert PAPER_FORM not in line["text"][0] and PAPER_FORM not in line["text"][2]
    key = next(t for t in figure["data"] if t["name"] == PAPER_FORM)
    assert key["mode"] == "markers" and key["x"] == [None] and key["hoverinfo"] == "skip"
    assert key["marker"]["color"] == ["#ffffff"] and key["marker"]["line"]["color"] == BLUE
    json.dumps(figure, default=str)


def test_without_paper_forms_every_score_is_filled_and_the_legend_says_nothing_of_them():
    figure = measure_figure(PHQ9, [totals(17, 12, 9)], Criteria(10, 6), frame=FRAME)
    assert figure["data"][0]["marker"]["color"] == [BLUE, BLUE, BLUE]
    assert PAPER_FORM not in names(figure)
    assert not any(PAPER_FORM in text for text in figure["data"][0]["text"])


def test_a_paper_form_is_marked_on_both_itq_lines_and_on_a_star_that_sits_on_it():
    ptsd = Charted("ptsd", "PTSD symptoms", [(at(0), 16), (at(28), 8)])
    dso = Charted("dso", "Disturbances in self-organisation", [(at(0), 14), (at(28), 12)])
    itq = measure_figure(ITQ, [ptsd, dso], Criteria(None, None), frame=FRAME, from_paper={at(0)})
    assert itq["data"][0]["marker"]["color"] == ["#ffffff", BLUE]
    assert itq["data"][1]["marker"]["color"] == ["#ffffff", ORANGE]
    # two colours of line: the legend's open circle is in the neutral ink
    key = next(t for t in itq["data"] if t["name"] == PAPER_FORM)
    assert key["marker"]["line"]["color"] == CUT_OFF_COLOUR
    # the star covers the circle, so its hover says it instead
    phq = measure_figure(
        PHQ9, [totals(17, 12, 11)], Criteria(10, 6), frame=FRAME, from_paper={at(28)}
    )
    star = next(t for t in phq["data"] if t["name"].startswith("Reliable improvement"))
    assert star["text"][0].endswith("<br>" + PAPER_FORM)


# --- the bands: readable, calm, named -----------------------------------------------------
def test_every_band_is_shaded_in_one_hue_each_clearly_darker_than_the_one_below():
    for instrument, series in ((PHQ9, totals(17, 9)), (GAD7, totals(12, 6))):
        figure = measure_figure(instrument, [series], Criteria(10, 6), frame=FRAME)
        bands = [s for s in figure["layout"]["shapes"] if s["type"] == "rect"]
        assert {band["fillcolor"] for band in bands} == {ORANGE}
        shades = opacities(figure)
        assert shades[0] >= 0.08  # minimal: visible on the white plot
        # each step at least 0.07, so mild reads apart from minimal as severe from the rest
        assert all(b - a >= 0.07 for a, b in zip(shades, shades[1:], strict=False))
        assert shades[-1] <= 0.4  # calm: the severe band stays a light tint
    assert opacities(measure_figure(PHQ9, [totals(9)], Criteria(10, 6), frame=FRAME)) == [
        0.08,
        0.16,
        0.24,
        0.32,
        0.4,
    ]


def test_band_names_and_the_lines_keep_their_contrast_on_the_shading():
    figure = measure_figure(PHQ9, [totals(17, 9)], Criteria(10, 6), frame=FRAME)
    axis = figure["layout"]["yaxis2"]
    # the names stand beside the plot, on the white page, and follow the scores' axis
    assert (axis["side"], axis["overlaying"], axis["matches"]) == ("right", "y", "y")
    assert figure["layout"]["paper_bgcolor"] == "#ffffff"
    assert axis["tickfont"]["color"] == GREY
    assert contrast(GREY, "#ffffff") >= 4.5  # WCAG AA for small text
    # on the darkest band, the score line and the cut-off stay 3:1 (non-text, WCAG 1.4.11)
    darkest = over_white(ORANGE, max(opacities(figure)))
    assert contrast(BLUE, darkest) >= 3
    assert contrast(CUT_OFF_COLOUR, darkest) >= 4.5
    # a trace on the band axis, so that Plotly draws it, out of the legend and the hover
    helper = next(t for t in figure["data"] if t.get("yaxis") == "y2")
    assert helper["showlegend"] is False and helper["hoverinfo"] == "skip"


def test_every_measure_chart_keeps_the_same_strip_on_the_right_so_their_dates_line_up():
    phq = measure_figure(PHQ9, [totals(17, 9)], Criteria(10, 6), frame=FRAME)
    pcl = measure_figure(PCL5, [totals(50, 38)], Criteria(33, 10), frame=FRAME)
    assert phq["layout"]["margin"]["r"] == pcl["layout"]["margin"]["r"]
    assert phq["layout"]["xaxis"]["range"] == pcl["layout"]["xaxis"]["range"]


def test_a_longer_legend_makes_the_chart_taller_not_the_plot_shorter():
    # two entries (the line, the cut-off) fit the chart's 300 px; the star, the sessions
    # and the paper form each add a row, which a chart under 620 px wide needs
    plain_chart = measure_figure(PHQ9, [totals(17, 15)], Criteria(10, 6), frame=FRAME)
    assert names(plain_chart) == ["PHQ-9", "Cut-off for a case (10 or more)"]
    assert plain_chart["layout"]["height"] == 300
    busy = measure_figure(
        PHQ9, [totals(17, 11)], Criteria(10, 6), [at(7)], FRAME, from_paper={at(0)}
    )
    assert len(names(busy)) == 5
    assert busy["layout"]["height"] == 360
