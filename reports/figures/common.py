"""What every chart shares: the palette, the font, the layout, lines and hover texts."""

from collections.abc import Callable, Sequence
from datetime import datetime

from reports.chart_dates import Frame, date_axis, frame_of, placed

BLUE, ORANGE, SKY, GREEN, VERMILLION, PURPLE, YELLOW, GREY = (
    "#0072B2", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#F0E442", "#6B6B6B",
)  # fmt: skip
LABEL_COLOURS = [BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, YELLOW, "#000000"]
FONT = {"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 13, "color": "#1f2933"}
GRID = "#e4e7eb"
# Scales start a little below their lowest value, so that its label ("0") sits above the
# date axis rather than on the corner where the first date label may reach.
RATING_RANGE = [-0.5, 10.5]
PERCENT_RANGE = [-5, 105]
# A vertical axis title longer than this would not fit beside a 300 px chart; a shorter
# one is used instead (a therapist's words for the other person can be long).
AXIS_TITLE_CHARS = 30


def plain(text: str) -> str:
    """Text for Plotly's pseudo-HTML labels: a title or a label name with "<" or "&" in
    it is shown as written, not read as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def hover_lines(*lines: str) -> str:
    return "<br>".join(lines)


def layout_of(
    title: str,
    y_title: str,
    y_range: list | None = None,
    frame: Frame | None = None,
    *,
    whole_weeks: bool = False,
    **extra,
) -> dict:
    # The page's heading names the chart; ``title`` stays in the figure's metadata only.
    # Margins start small: ``automargin`` makes room for exactly what the axes show.
    layout = {
        "meta": {"title": title},
        "font": FONT,
        "margin": {"l": 8, "r": 24, "t": 8, "b": 8},
        "height": 300,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hovermode": "closest",
        "hoverlabel": {"font": {"family": FONT["family"], "size": FONT["size"]}, "align": "left"},
        "showlegend": True,
        # Above the plot, where it cannot sit on the date labels; Plotly makes room for it.
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
        "xaxis": date_axis(frame, whole_weeks=whole_weeks),
        "yaxis": {
            "title": {"text": y_title},
            "gridcolor": GRID,
            "zeroline": False,
            "automargin": True,
        },
    }
    if y_range is not None:
        layout["yaxis"]["range"] = y_range
    layout.update(extra)
    return layout


def frame_for(frame: Frame | None, *moments: Sequence[datetime | None]) -> Frame | None:
    return frame or frame_of(moment for group in moments for moment in group)


def session_lines(sessions: Sequence[datetime], frame: Frame | None) -> list[dict]:
    local = frame.local if frame else (lambda moment: moment)
    return [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": local(start),
            "x1": local(start),
            "y0": 0,
            "y1": 1,
            "line": {"color": GREY, "width": 1, "dash": "dot"},
        }
        for start in sessions
    ]


def line_trace(
    name: str,
    points: Sequence[tuple[datetime, float]],
    colour: str,
    frame: Frame | None,
    hover: Callable[[float], str],
    **extra,
) -> dict:
    """A line with markers; ``hover`` words one point's value, under its date and time."""
    values = [value for _, value in points]
    if frame:
        xs, when = placed(frame, [moment for moment, _ in points])
        # A rating takes a few values: each is worded once (as the second of the hover
        # lines), however many points share it.
        worded = {value: hover_lines("", hover(value)) for value in set(values)}
        text = [day + worded[value] for day, value in zip(when, values, strict=True)]
    else:
        xs, text = [moment for moment, _ in points], []
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": xs,
        "y": values,
        "text": text,
        "hovertemplate": "%{text}<extra></extra>",
        "line": {"color": colour, "width": 2},
        "marker": {"size": 5},
        **extra,
    }


def rating(sentence: str) -> Callable[[float], str]:
    """``sentence`` (e.g. "Distress %(value)s") for one value."""
    return lambda value: sentence % {"value": value}
