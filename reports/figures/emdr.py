"""The EMDR charts: disturbance (SUD) and the validity of the positive cognition (VoC) of
each target across sessions. The client's TICES log per week is in ``figures.tices``.

Pure, like the other builders: plain data in (``TargetLine``), a plain-dict figure out.
Dates go through ``reports.chart_dates``: sessions are drawn in the frame's zone (the
clinic's, as every time on the therapist's pages).

How a session reads on the SUD and VoC charts: each session is a short vertical segment
from the rating at its start (an open circle) to the rating at its end (a filled one),
and the target's line joins the end ratings from session to session. Joining start, end,
start, end instead would draw a saw-tooth: disturbance that comes back between sessions is
usual, and a zigzag would read as getting nowhere. The line through the ends shows where
each session left the target; the segments show how far each session moved it. The SUD
taken at reevaluation (checking the last session's work, before any processing) is a
diamond of the target's colour at its session, off the line: a resolved target checked
again shows whether it stays at 0.

A session is drawn on its day (the clinic's, as the tables date it), where the axis puts
that day's tick: in the middle of the day when the ticks are days, at its start when they
are Mondays or firsts of months. Drawn at its time instead, a Sunday afternoon session
sat nearly on Monday's tick and read as the next day's. Its start and end stay apart as
the two ends of its vertical segment.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from clients.emdr.models import SUD, VOC, Target
from reports.chart_dates import Frame, hover_day, placed, tick_days
from reports.figures.common import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PURPLE,
    SKY,
    VERMILLION,
    frame_for,
    hover_lines,
    layout_of,
    plain,
)
from reports.figures.measures import LEGEND_ROW, LEGEND_ROWS_INCLUDED, padded

# The Okabe-Ito colours without yellow, which is too light for a line on white paper;
# past seven targets the colours come round again with another dash, so that no two
# targets look alike (21 before any repeats).
TARGET_COLOURS = (BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, "#000000")
TARGET_DASHES = ("solid", "dash", "dot")
# The resolved mark: a star in the dark ink of the page, outlined in white, which reads
# on any target's colour and in print.
RESOLVED_COLOUR = "#1f2933"
MARKER_SIZE = 8
# The rating at a session's start is an open circle (filled white, so that the segment
# behind it does not show through); at its end, a filled one: told apart without colour.
OPEN_FILL = "#ffffff"
# The SUD at reevaluation: a diamond of the target's colour, larger than the circles and
# drawn under them, so that a start or end of the same value still shows on it.
CHECK_SYMBOL = "diamond"
CHECK_SIZE = 14
START, END, CHECK = "start", "end", "check"
# Half a point beyond each end of the scale, as the other rating charts.
SUD_RANGE = [SUD[0] - 0.5, SUD[1] + 0.5]
VOC_RANGE = [VOC[0] - 0.5, VOC[1] + 0.5]


@dataclass(frozen=True)
class Worked:
    """What one held session recorded of one target (None: not recorded)."""

    at: datetime  # when the session started
    sud_start: int | None = None
    sud_end: int | None = None
    voc_setup: int | None = None
    voc_installed: int | None = None
    # The SUD at the session's start, checking the last one's work; a reevaluation alone
    # (of a resolved target) has this and no other rating.
    reevaluation_sud: int | None = None


@dataclass(frozen=True)
class TargetLine:
    """A target, its sessions (oldest first) and its status since ``since``."""

    label: str
    sessions: Sequence[Worked] = ()
    status: str = Target.Status.IN_PROGRESS
    since: datetime | None = None

    @property
    def resolved_at(self) -> datetime | None:
        return self.since if self.status == Target.Status.RESOLVED else None


@dataclass(frozen=True)
class Scale:
    """What the SUD chart and the VoC chart each read of a session, and how they say it."""

    start: Callable[[Worked], int | None]
    end: Callable[[Worked], int | None]
    y_range: list[float]
    ratings_words: str  # "%(label)s: SUD %(ratings)s"
    start_words: str  # "%(value)s at the start"
    end_words: str  # "%(value)s at the end"
    # A rating taken before the start, at reevaluation (SUD only).
    check: Callable[[Worked], int | None] | None = None
    check_words: str = ""

    @property
    def columns(self) -> list[Callable[[Worked], int | None]]:
        """Each rating of a session, in the order it is taken."""
        return [self.start, self.end] if self.check is None else [self.check, self.start, self.end]

    def ratings(self, worked: Worked) -> list[tuple[int, str]]:
        """The ratings ``worked`` recorded, in the order taken, each with its words
        ("5 at the start")."""
        kinds = [(self.start, self.start_words), (self.end, self.end_words)]
        if self.check is not None:
            kinds.insert(0, (self.check, self.check_words))
        return [
            (value, words % {"value": value})
            for get, words in kinds
            if (value := get(worked)) is not None
        ]

    def rated(self, worked: Worked) -> bool:
        return any(get(worked) is not None for get in self.columns)


def sud_scale() -> Scale:
    return Scale(
        start=lambda w: w.sud_start,
        end=lambda w: w.sud_end,
        y_range=SUD_RANGE,
        ratings_words=_("%(label)s: SUD %(ratings)s"),
        start_words=_("%(value)s at the start"),
        end_words=_("%(value)s at the end"),
        check=lambda w: w.reevaluation_sud,
        check_words=_("%(value)s at reevaluation"),
    )


def voc_scale() -> Scale:
    return Scale(
        start=lambda w: w.voc_setup,
        end=lambda w: w.voc_installed,
        y_range=VOC_RANGE,
        ratings_words=_("%(label)s: VoC %(ratings)s"),
        start_words=_("%(value)s at set-up"),
        end_words=_("%(value)s after installation"),
    )


def day_x(frame: Frame) -> Callable[[datetime], datetime]:
    """Where a session is drawn: on its day in the frame's zone, at the place the date
    axis gives that day's tick (``chart_dates.Ticks.at``), so that a point and the tick
    of its day agree."""
    ticks = tick_days(frame.first_day, frame.last_day)
    return lambda moment: ticks.at(frame.day_of(moment))


def style_of(index: int) -> tuple[str, str]:
    """The colour and dash of the ``index``-th target (in plan order)."""
    colours = len(TARGET_COLOURS)
    return TARGET_COLOURS[index % colours], TARGET_DASHES[(index // colours) % len(TARGET_DASHES)]


def resolved_point(target: TargetLine, end: Callable[[Worked], int | None]) -> Worked | None:
    """The session whose end rating the resolution rests on: the last one with an end
    rating at or before the target was marked resolved (None if it was not, or none)."""
    if target.resolved_at is None:
        return None
    found = None
    for worked in target.sessions:
        if worked.at <= target.resolved_at and end(worked) is not None:
            found = worked
    return found


def _session_words(scale: Scale, label: str, worked: Worked) -> str:
    ratings = ", ".join(words for _value, words in scale.ratings(worked))
    return scale.ratings_words % {"label": label, "ratings": ratings}


def _target_traces(
    target: TargetLine, index: int, scale: Scale, frame: Frame, x_of: Callable
) -> list[dict]:
    """The reevaluations' diamonds (first: drawn under the circles), the line through the
    session ends (named in the legend) and the sessions' segments from start to end,
    grouped: hiding the target hides all three."""
    colour, dash = style_of(index)
    label = plain(target.label)
    shown = [w for w in target.sessions if scale.rated(w)]
    xs = [x_of(w.at) for w in shown]
    _local, when = placed(frame, [w.at for w in shown])
    texts = [
        hover_lines(day, _session_words(scale, label, w))
        for day, w in zip(when, shown, strict=True)
    ]
    ends = [(x, scale.end(w), text) for x, w, text in zip(xs, shown, texts, strict=True)]
    ends = [end for end in ends if end[1] is not None]
    group = f"target-{index}"
    line = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": label,
        "legendgroup": group,
        # Plotly leaves a trace without points out of the legend: a target rated only at
        # set-up (or only at a start, or at reevaluation) keeps its entry by a point at
        # nowhere.
        "x": [x for x, _v, _t in ends] or [None],
        "y": [value for _x, value, _t in ends] or [None],
        "text": [text for _x, _v, text in ends] or [""],
        "hovertemplate": "%{text}<extra></extra>",
        "line": {"color": colour, "width": 2, "dash": dash},
        "marker": _markers(colour, [END]),
    }
    checks = [
        (x, scale.check(w), text)
        for x, w, text in zip(xs, shown, texts, strict=True)
        if scale.check is not None and scale.check(w) is not None
    ]
    traces = []
    if checks:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": label,
                "legendgroup": group,
                "showlegend": False,
                "x": [x for x, _v, _t in checks],
                "y": [value for _x, value, _t in checks],
                "text": [text for _x, _v, text in checks],
                "hovertemplate": "%{text}<extra></extra>",
                "marker": _check_marker(colour),
            }
        )
    traces.append(line)
    seg_x, seg_y, seg_text, kinds = [], [], [], []
    for x, w, text in zip(xs, shown, texts, strict=True):
        start = scale.start(w)
        if start is None:
            continue  # the end alone is on the line already
        seg_x += [x, x, None]
        seg_y += [start, scale.end(w), None]
        seg_text += [text, text, ""]
        kinds += [START, END, END]
    traces.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": label,
            "legendgroup": group,
            "showlegend": False,
            "x": seg_x,
            "y": seg_y,
            "text": seg_text,
            "hovertemplate": "%{text}<extra></extra>",
            # Always solid: a dash would break a segment of a point or two into nothing.
            "line": {"color": colour, "width": 2},
            "marker": _markers(colour, kinds),
            "connectgaps": False,
        }
    )
    return traces


def _check_marker(colour: str) -> dict:
    return {
        "color": colour,
        "symbol": CHECK_SYMBOL,
        "size": CHECK_SIZE,
        "line": {"color": "#ffffff", "width": 1},
    }


def _markers(colour: str, kinds: list[str]) -> dict:
    """Circles of ``colour``: open (white inside) at a start, filled at an end."""
    fills = [OPEN_FILL if kind == START else colour for kind in kinds]
    return {
        "color": fills[0] if len(set(fills)) == 1 else fills,
        "size": MARKER_SIZE,
        "line": {"color": colour, "width": 2},
    }


def _legend_only(name: str, kind: str) -> dict:
    """An invisible trace naming a kind of mark in the legend."""
    return {
        "type": "scatter",
        "mode": "markers",
        "name": name,
        "x": [None],
        "y": [None],
        "hoverinfo": "skip",
        "marker": _check_marker(GREY) if kind == CHECK else _markers(GREY, [kind]),
    }


def _resolved_trace(
    targets: Sequence[TargetLine], scale: Scale, frame: Frame, x_of: Callable, resolved_words: str
) -> dict | None:
    points = []
    for target in targets:
        worked = resolved_point(target, scale.end)
        if worked is not None:
            points.append((target, worked))
    if not points:
        return None
    return {
        "type": "scatter",
        "mode": "markers",
        "name": _("Resolved"),
        "x": [x_of(worked.at) for _t, worked in points],
        "y": [scale.end(worked) for _t, worked in points],
        "text": [
            resolved_words
            % {"label": plain(target.label), "day": _resolution_day(frame, target.resolved_at)}
            for target, _w in points
        ],
        "hovertemplate": "%{text}<extra></extra>",
        "marker": {
            "color": RESOLVED_COLOUR,
            "symbol": "star",
            "size": 16,
            "line": {"color": "#ffffff", "width": 1},
        },
    }


def _resolution_day(frame: Frame, moment: datetime) -> str:
    return hover_day(frame, frame.day_of(moment))


def _per_session_figure(
    targets: Sequence[TargetLine],
    scale: Scale,
    frame: Frame | None,
    *,
    title: str,
    y_title: str,
    start_name: str,
    end_name: str,
    check_name: str = "",
) -> dict:
    frame = frame_for(frame, [w.at for t in targets for w in t.sessions])
    data: list[dict] = []
    if frame is not None:
        x_of = day_x(frame)
        # A target keeps its plan-order colour on both charts, drawn or not.
        for index, target in enumerate(targets):
            if any(scale.rated(w) for w in target.sessions):
                data.extend(_target_traces(target, index, scale, frame, x_of))
        data += [_legend_only(start_name, START), _legend_only(end_name, END)]
        if scale.check is not None and any(
            scale.check(w) is not None for t in targets for w in t.sessions
        ):
            data.append(_legend_only(check_name, CHECK))
        resolved = _resolved_trace(
            targets, scale, frame, x_of, _("%(label)s: marked resolved on %(day)s")
        )
        if resolved is not None:
            data.append(resolved)
    layout = layout_of(title, y_title, scale.y_range, frame)
    layout["yaxis"]["dtick"] = 1  # every whole rating: SUD 0 and 1 both matter
    entries = sum(1 for trace in data if trace.get("showlegend", True))
    layout["height"] += LEGEND_ROW * max(0, entries - LEGEND_ROWS_INCLUDED)
    if "range" in layout["xaxis"]:
        layout["xaxis"]["range"] = padded(layout["xaxis"]["range"])
    return {"data": data, "layout": layout}


def sud_figure(targets: Sequence[TargetLine], frame: Frame | None = None) -> dict:
    """Disturbance of each target (in plan order) at the start and end of each session,
    and at reevaluation, 0-10; resolved targets starred on the session their resolution
    rests on."""
    return _per_session_figure(
        targets,
        sud_scale(),
        frame,
        title=_("Disturbance per target (SUD)"),
        y_title=_("SUD (0-10)"),
        start_name=_("At the start of a session"),
        end_name=_("At the end of a session"),
        check_name=_("At reevaluation"),
    )


def voc_figure(targets: Sequence[TargetLine], frame: Frame | None = None) -> dict:
    """How true the positive cognition feels (VoC 1-7) at set-up and after installation."""
    return _per_session_figure(
        targets,
        voc_scale(),
        frame,
        title=_("Validity of the positive cognition per target (VoC)"),
        y_title=_("VoC (1-7)"),
        start_name=_("At set-up"),
        end_name=_("After installation"),
    )
