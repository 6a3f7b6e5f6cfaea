"""The Measures charts: one instrument's scores over the episode of care.

Pure, like the other builders: an instrument's definition, its series (oldest first) and
the clinic's cut-offs in, a plain-dict figure out. Severity bands are shaded only where
they are published (PHQ-9, GAD-7); PCL-5 shows only its cut-off line, and the ITQ charts
its PTSD and DSO sums as two lines with neither bands nor a cut-off.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

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

# One shade, darker for each more severe band: readable without telling colours apart.
BAND_COLOUR = VERMILLION
BAND_OPACITY_STEP = 0.06
LINE_COLOURS = (BLUE, ORANGE)
CUT_OFF_COLOUR = "#1f2933"
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


def band_shapes(instrument: Instrument) -> list[dict]:
    """A shaded stripe per published band, from half a point below its lowest score to
    half a point above its highest, so that every whole score falls inside its band."""
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
            "opacity": round(BAND_OPACITY_STEP * index, 2),
            "line": {"width": 0},
            "layer": "below",
        }
        for index, band in enumerate(instrument.bands)
    ]


def band_labels(instrument: Instrument) -> list[dict]:
    """Each band named at the right-hand edge of its stripe."""
    return [
        {
            "xref": "paper",
            "yref": "y",
            "x": 1,
            "xanchor": "right",
            "y": (band.low + band.high) / 2,
            "text": plain(str(band.label)),
            "showarrow": False,
            "font": {"size": 11, "color": GREY},
        }
        for band in instrument.bands
    ]


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


def _legend_only(name: str, line: dict) -> dict:
    """An invisible trace, so that a shape (a cut-off, the sessions) is named in the legend."""
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": [None],
        "y": [None],
        "line": line,
        "hoverinfo": "skip",
    }


def _reliable_markers(series: Charted, criteria: Criteria, frame: Frame, name: str) -> list[dict]:
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
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": legend % {"points": criteria.reliable_change},
                "x": [frame.local(moment)],
                "y": [value],
                "text": [
                    hover_lines(
                        hover_moment(frame, moment),
                        hover % {"label": plain(name), "from": baseline, "to": value},
                    )
                ],
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


def measure_figure(
    instrument: Instrument,
    series: Sequence[Charted],
    criteria: Criteria,
    sessions: Sequence[datetime] = (),
    frame: Frame | None = None,
) -> dict:
    """The scores of one instrument over time, with its published bands, the clinic's
    caseness cut-off, held sessions and where reliable change first happened."""
    frame = frame_for(frame, *([moment for moment, _v in s.points] for s in series))
    single = len(series) == 1
    data = []
    for colour, each in zip(LINE_COLOURS, series, strict=False):
        name = instrument.name if single else str(each.label)

        def hover(value: int, name: str = name, charted: str = each.charted) -> str:
            band = instrument.band_for(value) if charted == "total" else None
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
        trace["marker"] = {"size": 7}
        data.append(trace)
        if frame is not None:
            data.extend(_reliable_markers(each, criteria, frame, name))
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
    layout = layout_of(
        instrument.name,
        y_title,
        y_range(low, high),
        frame,
        shapes=shapes,
        annotations=band_labels(instrument),
    )
    return {"data": data, "layout": layout}
