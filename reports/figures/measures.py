"""The Measures charts: one instrument's scores over the episode of care.

Pure, like the other builders: an instrument's definition, its series (oldest first) and
the clinic's cut-offs in, a plain-dict figure out. Severity bands are shaded only where
they are published (PHQ-9, GAD-7) and named beside the chart, on its right; PCL-5 shows
only its cut-off line, and the ITQ charts its PTSD and DSO sums as two lines with neither
bands nor a cut-off. Scores staff entered from a paper form are open circles.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from clients.measures.change import Change, Criteria, change_between
from clients.measures.instruments.definition import Instrument
from reports.chart_dates import Frame, hover_moment
from reports.figures.common import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    VERMILLION,
    frame_for,
    hover_lines,
    layout_of,
    line_trace,
    plain,
    session_lines,
)

# One hue, darker for each more severe band: readable without telling colours apart.
# Amber rather than red keeps a severe stretch calm to look at. From the lightest to the
# darkest, each band is a clear step (about 7 to 10 CIE76 units) from the one below it,
# and the darkest still leaves the blue line at 3.8:1 and the dark cut-off line at 10:1.
BAND_COLOUR = ORANGE
BAND_OPACITIES = (0.08, 0.40)  # the least and the most severe band; the rest evenly between
LINE_COLOURS = (BLUE, ORANGE)
CUT_OFF_COLOUR = "#1f2933"
# Band names stand to the right of the plot, on white (GREY on white is 5.3:1), where no
# score, star or line can lie under them whatever the scores are.
BAND_LABEL_FONT = {"size": 11, "color": GREY}
BAND_LABEL_ONE_LINE = 10  # characters; a longer name with a space takes two lines
BAND_STRIP = 80  # px: room for a 10-character name at 11 px, and the gap before it
PAPER_FORM_FILL = "#ffffff"  # a score entered from a paper form: an open circle
# Room beside the first and the last day, a share of the days shown, so that a score on
# either edge (and the star on it) is drawn whole at any width of chart.
X_PADDING = 0.04
# A chart under about 620 px wide (or one with the band names beside it) lists its legend
# one entry a row: each entry past the first two makes the chart a row taller, so that the
# plot keeps its height.
LEGEND_ROW = 20  # px, at the layout's 13 px font
LEGEND_ROWS_INCLUDED = 2
LONG_SCALE = 30
IMPROVED, DETERIORATED = "improvement", "deterioration"


@dataclass(frozen=True)
class Charted:
    """One charted number of an instrument (its total, or a sub-scale): the shape of
    ``clients.measures.selectors.Series`` that the chart needs, ``change`` being the
    episode's change with the PHQ-9/GAD-7 pairing applied (None under two scores)."""

    charted: str
    label: str
    points: Sequence[tuple[datetime, int]]
    change: Change | None = None


def scale_of(instrument: Instrument, charted: str) -> tuple[int, int]:
    """The lowest and highest value ``charted`` can take."""
    if charted == "total" and instrument.total_range:
        return instrument.total_range
    codes = (
        instrument.total_items
        if charted == "total"
        else next(sub.items for sub in instrument.subscales if sub.code == charted)
    )
    highest = sum(max(o.value for o in instrument.options_for(instrument.item(c))) for c in codes)
    return 0, highest


def y_range(low: int, high: int) -> list[float]:
    # Half a point beyond each end, where the bands end; a long scale (PCL-5's 0-80)
    # gets a little more, so that its 0 still sits clear of the date axis.
    pad = 0.5 if high - low <= LONG_SCALE else (high - low) / 40
    return [low - pad, high + pad]


def band_opacities(count: int) -> list[float]:
    """From the lightest to the darkest shade, in ``count`` even steps."""
    lightest, darkest = BAND_OPACITIES
    if count == 1:
        return [lightest]
    step = (darkest - lightest) / (count - 1)
    return [round(lightest + step * index, 2) for index in range(count)]


def band_shapes(instrument: Instrument) -> list[dict]:
    """A shaded stripe per published band, from half a point below its lowest score to
    half a point above its highest, so that every whole score falls inside its band."""
    opacities = band_opacities(len(instrument.bands))
    return [
        {
            "type": "rect",
            "xref": "paper",
            "yref": "y",
            "x0": 0,
            "x1": 1,
            "y0": band.low - 0.5,
            "y1": band.high + 0.5,
            "fillcolor": BAND_COLOUR,
            "opacity": opacities[index],
            "line": {"width": 0},
            "layer": "below",
        }
        for index, band in enumerate(instrument.bands)
    ]


def two_lines(label: str) -> str:
    """A long band name ("moderately severe") broken at its middle space, so that the
    strip beside the chart stays narrow and leaves the plot its width."""
    if len(label) <= BAND_LABEL_ONE_LINE or " " not in label:
        return label
    spaces = [index for index, char in enumerate(label) if char == " "]
    middle = min(spaces, key=lambda index: abs(index - len(label) / 2))
    return f"{label[:middle]}<br>{label[middle + 1 :]}"


def band_axis(instrument: Instrument) -> dict:
    """A second vertical axis, on the right, whose labels name each band level with the
    middle of its stripe; it follows the scores' axis, and its margin fits its words."""
    return {
        "overlaying": "y",
        "side": "right",
        "matches": "y",
        "tickmode": "array",
        "tickvals": [(band.low + band.high) / 2 for band in instrument.bands],
        "ticktext": [two_lines(plain(str(band.label))) for band in instrument.bands],
        "tickfont": BAND_LABEL_FONT,
        "ticks": "",
        "showgrid": False,
        "zeroline": False,
        "showline": False,
        "automargin": True,
    }


def padded(axis_range: list[datetime]) -> list[datetime]:
    """The date axis's range with room on both sides, in whole hours."""
    start, end = axis_range
    hours = max(1, round((end - start) / timedelta(hours=1) * X_PADDING))
    return [start - timedelta(hours=hours), end + timedelta(hours=hours)]


def cut_off_line(value: int) -> dict:
    """The caseness cut-off: a case at or above it."""
    return {
        "type": "line",
        "xref": "paper",
        "yref": "y",
        "x0": 0,
        "x1": 1,
        "y0": value,
        "y1": value,
        "line": {"color": CUT_OFF_COLOUR, "width": 1.5, "dash": "dash"},
    }


def first_reliable(points: Sequence[tuple[datetime, int]], criteria: Criteria) -> dict:
    """The index of the first score reliably better, and of the first reliably worse,
    than the baseline (the first score), by ``change_between`` with the clinic's
    criteria: ``{"improvement": 3}``; empty without a reliable-change criterion."""
    found: dict[str, int] = {}
    if not points:
        return found
    baseline = points[0][1]
    for index, (_moment, value) in enumerate(points[1:], start=1):
        change = change_between(baseline, value, criteria)
        if change.reliable_improvement:
            found.setdefault(IMPROVED, index)
        if change.reliable_deterioration:
            found.setdefault(DETERIORATED, index)
    return found


def _legend_only(name: str, line: dict | None = None, marker: dict | None = None) -> dict:
    """An invisible trace, so that a shape (a cut-off, the sessions) or a kind of marker
    is named in the legend."""
    trace = {
        "type": "scatter",
        "mode": "lines" if marker is None else "markers",
        "name": name,
        "x": [None],
        "y": [None],
        "hoverinfo": "skip",
    }
    if line is not None:
        trace["line"] = line
    if marker is not None:
        trace["marker"] = marker
    return trace


def paper_form_words() -> str:
    return _("Entered by staff from a paper form")


def _point_markers(colour: str, from_paper: list[bool]) -> dict:
    """Every score a dot of its line's colour; one entered from a paper form, an open
    circle of the same size: told apart by more than colour."""
    return {
        "size": 8,
        "color": [PAPER_FORM_FILL if paper else colour for paper in from_paper],
        "line": {"color": colour, "width": 2},
    }


def _reliable_markers(
    series: Charted,
    criteria: Criteria,
    frame: Frame,
    name: str,
    from_paper: Collection[datetime] = frozenset(),
) -> list[dict]:
    baseline = series.points[0][1] if series.points else None
    words = {
        IMPROVED: (
            _("Reliable improvement (%(points)s points or more)"),
            _("%(label)s reliably better than the first score: %(from)s → %(to)s"),
            GREEN,
            "star",
        ),
        DETERIORATED: (
            _("Reliable deterioration (%(points)s points or more)"),
            _("%(label)s reliably worse than the first score: %(from)s → %(to)s"),
            VERMILLION,
            "x",
        ),
    }
    found = first_reliable(series.points, criteria)
    # The star agrees with the reading, which judges the episode (first score to latest)
    # with the pairing applied: where that counts no reliable improvement - lost since,
    # or not counted while GAD-7 reliably deteriorated beside the PHQ-9 - no star.
    if series.change is not None and series.change.reliable_improvement is False:
        found.pop(IMPROVED, None)
    traces = []
    for way, index in found.items():
        legend, hover, colour, symbol = words[way]
        moment, value = series.points[index]
        lines = [
            hover_moment(frame, moment),
            hover % {"label": plain(name), "from": baseline, "to": value},
        ]
        if moment in from_paper:
            lines.append(paper_form_words())
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": legend % {"points": criteria.reliable_change},
                "x": [frame.local(moment)],
                "y": [value],
                "text": [hover_lines(*lines)],
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {
                    "color": colour,
                    "symbol": symbol,
                    "size": 15,
                    "line": {"color": "#ffffff", "width": 1},
                },
            }
        )
    return traces


def _score_line(
    instrument: Instrument,
    each: Charted,
    name: str,
    colour: str,
    frame: Frame | None,
    from_paper: Collection[datetime],
) -> dict:
    """One charted number's line; a score entered from a paper form is an open circle,
    and its hover text says so."""

    def hover(value: int) -> str:
        band = instrument.band_for(value) if each.charted == "total" else None
        if band is not None:
            return _("%(name)s %(value)s, %(band)s") % {
                "name": plain(name),
                "value": value,
                "band": band.label,
            }
        return _("%(name)s %(value)s") % {"name": plain(name), "value": value}

    trace = line_trace(plain(name), list(each.points), colour, frame, hover)
    if colour != LINE_COLOURS[0]:  # the ITQ's second line: told apart by more than colour
        trace["line"]["dash"] = "dash"
    paper = [moment in from_paper for moment, _v in each.points]
    trace["marker"] = _point_markers(colour, paper)
    for index, is_paper in enumerate(paper):
        if is_paper and trace["text"]:
            trace["text"][index] = hover_lines(trace["text"][index], paper_form_words())
    return trace


def measure_figure(
    instrument: Instrument,
    series: Sequence[Charted],
    criteria: Criteria,
    sessions: Sequence[datetime] = (),
    frame: Frame | None = None,
    from_paper: Collection[datetime] = frozenset(),
) -> dict:
    """The scores of one instrument over time, with its published bands, the clinic's
    caseness cut-off, held sessions and where reliable change first happened.
    ``from_paper`` holds the moments (``completed_at``) of the responses staff entered
    from a paper form: their scores are open circles, and their hover texts say so."""
    frame = frame_for(frame, *([moment for moment, _v in s.points] for s in series))
    single = len(series) == 1
    data = []
    for colour, each in zip(LINE_COLOURS, series, strict=False):
        name = instrument.name if single else str(each.label)
        data.append(_score_line(instrument, each, name, colour, frame, from_paper))
        if frame is not None:
            data.extend(_reliable_markers(each, criteria, frame, name, from_paper))
    any_from_paper = any(moment in from_paper for each in series for moment, _v in each.points)
    if any_from_paper:
        ring = LINE_COLOURS[0] if single else CUT_OFF_COLOUR
        data.append(_legend_only(paper_form_words(), marker=_point_markers(ring, [True])))
    shapes = band_shapes(instrument)
    if criteria.caseness is not None:
        shapes.append(cut_off_line(criteria.caseness))
        data.append(
            _legend_only(
                _("Cut-off for a case (%(value)s or more)") % {"value": criteria.caseness},
                {"color": CUT_OFF_COLOUR, "width": 1.5, "dash": "dash"},
            )
        )
    if sessions:
        shapes.extend(session_lines(sessions, frame))
        data.append(_legend_only(_("Session"), {"color": GREY, "dash": "dot"}))
    scales = [scale_of(instrument, charted) for charted in instrument.charted]
    low, high = min(s[0] for s in scales), max(s[1] for s in scales)
    if instrument.charted == ("total",):
        y_title = _("total (%(low)s-%(high)s)") % {"low": low, "high": high}
    else:
        y_title = _("sum (%(low)s-%(high)s)") % {"low": low, "high": high}
    layout = layout_of(instrument.name, y_title, y_range(low, high), frame, shapes=shapes)
    # Every measure's chart keeps the same strip on the right, bands or none, so that the
    # dates of all of them line up; a longer band name in another language widens it.
    layout["margin"] = {**layout["margin"], "r": BAND_STRIP}
    entries = sum(1 for trace in data if trace.get("showlegend", True))
    layout["height"] += LEGEND_ROW * max(0, entries - LEGEND_ROWS_INCLUDED)
    if "range" in layout["xaxis"]:
        layout["xaxis"]["range"] = padded(layout["xaxis"]["range"])
    if instrument.bands:
        layout["yaxis2"] = band_axis(instrument)
        # Plotly draws an axis only when some trace is on it.
        data.append(
            {
                "type": "scatter",
                "mode": "none",
                "name": "",
                "x": [None],
                "y": [None],
                "yaxis": "y2",
                "showlegend": False,
                "hoverinfo": "skip",
            }
        )
    return {"data": data, "layout": layout}
