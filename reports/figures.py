"""Plotly figures as plain dicts, drawn in the browser with Plotly.newPlot.

Pure builders: plain data in, {"data": [...], "layout": {...}} out. Plain dicts
serialised with orjson cost a few milliseconds for a year of data, where
plotly.graph_objects would validate every property on every build.
Colours are the Okabe-Ito palette, which colour-blind readers can tell apart.
"""

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from .metrics import Adherence, CheckInPoint, CompletionPoint, ExerciseEffect, Stretch

BLUE, ORANGE, SKY, GREEN, VERMILLION, PURPLE, YELLOW, GREY = (
    "#0072B2", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#F0E442", "#6B6B6B",
)  # fmt: skip
LABEL_COLOURS = [BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, YELLOW, "#000000"]
WEEK_MS = 7 * 24 * 3600 * 1000
FONT = {"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 13, "color": "#1f2933"}


def _layout(title: str, y_title: str, y_range: list | None = None, **extra) -> dict:
    # The page's heading names the chart; ``title`` stays in the figure's metadata only.
    layout = {
        "meta": {"title": title},
        "font": FONT,
        "margin": {"l": 48, "r": 16, "t": 12, "b": 40},
        "height": 300,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hovermode": "closest",
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.2},
        "xaxis": {
            "type": "date",
            "gridcolor": "#e4e7eb",
            "zeroline": False,
            # Dates only, unless the ticks fall within one day.
            "tickformatstops": [
                {"dtickrange": [None, 86400000], "value": "%-d %b %H:%M"},
                {"dtickrange": [86400000, None], "value": "%-d %b"},
            ],
        },
        "yaxis": {"title": {"text": y_title}, "gridcolor": "#e4e7eb", "zeroline": False},
    }
    if y_range is not None:
        layout["yaxis"]["range"] = y_range
    layout.update(extra)
    return layout


def _session_lines(sessions: Sequence[datetime]) -> list[dict]:
    return [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": start,
            "x1": start,
            "y0": 0,
            "y1": 1,
            "line": {"color": GREY, "width": 1, "dash": "dot"},
        }
        for start in sessions
    ]


def _line(name: str, points: Sequence[tuple[datetime, float]], colour: str, **extra) -> dict:
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": [moment for moment, _ in points],
        "y": [value for _, value in points],
        "line": {"color": colour, "width": 2},
        "marker": {"size": 5},
        **extra,
    }


def distress_figure(
    check_ins: Sequence[CheckInPoint],
    sessions: Sequence[datetime],
    completions: Sequence[CompletionPoint],
) -> dict:
    done = [c for c in completions if c.completed_at is not None]
    data = [_line("Distress (0-10)", [(c.occurred_at, c.distress) for c in check_ins], BLUE)]
    if done:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "Exercise done (distress after)",
                "x": [c.completed_at for c in done],
                "y": [c.distress_after for c in done],
                "text": [f"{c.title}: {c.distress_before} → {c.distress_after}" for c in done],
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {"color": ORANGE, "symbol": "diamond", "size": 8},
            }
        )
    if sessions:  # an invisible trace, so "Session" shows in the legend
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Session",
                "x": [None],
                "y": [None],
                "line": {"color": GREY, "dash": "dot"},
            }
        )
    return {
        "data": data,
        "layout": _layout("Distress", "0-10", [0, 10.5], shapes=_session_lines(sessions)),
    }


def _week_of(moment: datetime) -> date:
    day = moment.date()
    return day - timedelta(days=day.weekday())


def _stuck_bands(stretches: Sequence[Stretch]) -> list[dict]:
    return [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": stretch.first_at - timedelta(hours=12),
            "x1": stretch.last_at + timedelta(hours=12),
            "y0": 0,
            "y1": 1,
            "fillcolor": VERMILLION,
            "opacity": 0.12,
            "line": {"width": 0},
            "layer": "below",
        }
        for stretch in stretches
    ]


def flow_figure(
    check_ins: Sequence[CheckInPoint], stretches: Sequence[Stretch], names: dict[str, str]
) -> dict:
    """Labelled emotions per week, stacked; stuck stretches shaded."""
    per_week: dict[date, Counter] = {}
    totals: Counter = Counter()
    for check_in in check_ins:
        week = per_week.setdefault(_week_of(check_in.occurred_at), Counter())
        for code, _ in check_in.emotions:
            week[code] += 1
            totals[code] += 1
    shown = [code for code, _ in totals.most_common(len(LABEL_COLOURS) - 1)]
    weeks = sorted(per_week)
    # Each bar spans its week (Monday to Sunday), so a short window still shows a bar.
    middles = [datetime.combine(w, datetime.min.time()) + timedelta(days=3.5) for w in weeks]
    bar = {"type": "bar", "x": middles, "width": [WEEK_MS * 6 / 7] * len(weeks)}
    data = [
        {
            **bar,
            "name": names.get(code, code),
            "y": [per_week[w][code] for w in weeks],
            "marker": {"color": colour},
        }
        for colour, code in zip(LABEL_COLOURS, shown, strict=False)
    ]
    others = [sum(n for code, n in per_week[w].items() if code not in shown) for w in weeks]
    if any(others):
        data.append({**bar, "name": "Other", "y": others, "marker": {"color": GREY}})
    layout = _layout(
        "Emotional flow: emotions labelled per week", "times labelled", barmode="stack"
    )
    layout["shapes"] = _stuck_bands(stretches)
    return {"data": data, "layout": layout}


def charge_figure(check_ins: Sequence[CheckInPoint]) -> dict:
    points = [(c.occurred_at, c.charge) for c in check_ins if c.charge is not None]
    neutral_band = {
        "type": "rect",
        "xref": "paper",
        "yref": "y",
        "x0": 0,
        "x1": 1,
        "y0": -1,
        "y1": 1,
        "fillcolor": GREEN,
        "opacity": 0.12,
        "line": {"width": 0},
        "layer": "below",
    }
    layout = _layout(
        "Charge toward the other person", "hate −5 … +5 love", [-5.5, 5.5], shapes=[neutral_band]
    )
    layout["yaxis"]["zeroline"] = True
    return {"data": [_line("Charge", points, PURPLE)], "layout": layout}


def mind_space_figure(check_ins: Sequence[CheckInPoint]) -> dict:
    points = [(c.occurred_at, c.mind_space) for c in check_ins if c.mind_space is not None]
    line = _line("Mind space (% of the day)", points, ORANGE, fill="tozeroy")
    return {"data": [line], "layout": _layout("Mind space", "% of the day", [0, 100])}


def compassion_figure(check_ins: Sequence[CheckInPoint]) -> dict:
    kind = [(c.occurred_at, c.self_compassion) for c in check_ins if c.self_compassion is not None]
    pushing = [(c.occurred_at, c.resistance) for c in check_ins if c.resistance is not None]
    dashed = {"color": VERMILLION, "width": 2, "dash": "dash"}
    data = [
        _line("Self-compassion", kind, GREEN),
        _line("Resistance (pushing feelings away)", pushing, VERMILLION, line=dashed),
    ]
    return {"data": data, "layout": _layout("Self-compassion and resistance", "0-10", [0, 10.5])}


def exercises_figure(items: Sequence[Adherence], effects: Sequence[ExerciseEffect]) -> dict:
    """Adherence per assignment (top) and mean distress before against after (below)."""
    data = (
        []
        if not items
        else [
            {
                "type": "bar",
                "orientation": "h",
                "name": "Done, % of planned",
                "y": [item.title for item in items],
                "x": [round(100 * item.ratio) if item.ratio is not None else 0 for item in items],
                "marker": {"color": BLUE},
                "xaxis": "x",
                "yaxis": "y",
            },
        ]
    )
    for name, colour, values in (
        (
            ("Distress before", VERMILLION, [e.mean_before for e in effects]),
            ("Distress after", SKY, [e.mean_after for e in effects]),
        )
        if effects
        else ()
    ):
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "y": [e.title for e in effects],
                "x": [round(value, 1) for value in values],
                "marker": {"color": colour},
                "xaxis": "x2",
                "yaxis": "y2",
            }
        )
    rows = len(items) + len(effects) * 2
    layout = _layout("Exercises", "", height=160 + 22 * rows, barmode="group")
    layout["margin"]["l"] = 12
    # Two panels, one above the other; the legend names what each bar counts.
    # A panel with nothing to show gives its room to the other.
    top, bottom = ([0.6, 1], [0, 0.4]) if items and effects else ([0, 1], [0, 1])
    layout["yaxis"] = {"domain": top, "automargin": True, "autorange": "reversed"}
    layout["xaxis"] = {"range": [0, 100], "ticksuffix": "%", "anchor": "y"}
    layout["yaxis2"] = {
        "domain": bottom,
        "automargin": True,
        "autorange": "reversed",
        "anchor": "x2",
    }
    layout["xaxis2"] = {"range": [0, 10], "anchor": "y2", "visible": bool(effects)}
    layout["xaxis"]["visible"] = bool(items)
    layout["yaxis"]["visible"] = bool(items)
    layout["yaxis2"]["visible"] = bool(effects)
    return {"data": data, "layout": layout}
