"""The Exercises chart: adherence per assignment, and distress before and after."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from reports.figures.common import BLUE, GRID, SKY, VERMILLION, layout_of, plain
from reports.metrics import Adherence, ExerciseEffect


def exercises_figure(items: Sequence[Adherence], effects: Sequence[ExerciseEffect]) -> dict:
    """Adherence per assignment (top) and mean distress before against after (below)."""
    data = []
    if items:
        done = [round(100 * item.ratio) if item.ratio is not None else 0 for item in items]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": _("Done, %% of planned") % {},
                "y": [plain(item.title) for item in items],
                "x": done,
                "text": [
                    _("%(title)s: %(percent)d%% of planned")
                    % {"title": plain(item.title), "percent": percent}
                    for item, percent in zip(items, done, strict=True)
                ],
                "textposition": "none",
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {"color": BLUE},
                "xaxis": "x",
                "yaxis": "y",
            }
        )
    for name, colour, values, hover in (
        (
            (
                _("Distress before"),
                VERMILLION,
                [e.mean_before for e in effects],
                _("%(title)s: distress before %(value)s on average"),
            ),
            (
                _("Distress after"),
                SKY,
                [e.mean_after for e in effects],
                _("%(title)s: distress after %(value)s on average"),
            ),
        )
        if effects
        else ()
    ):
        means = [round(value, 1) for value in values]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "y": [plain(e.title) for e in effects],
                "x": means,
                "text": [
                    hover % {"title": plain(e.title), "value": mean}
                    for e, mean in zip(effects, means, strict=True)
                ],
                "textposition": "none",
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {"color": colour},
                "xaxis": "x2",
                "yaxis": "y2",
            }
        )
    rows = len(items) + len(effects) * 2
    layout = layout_of(_("Exercises"), "", height=160 + 22 * rows, barmode="group")
    # Two panels, one above the other; the legend names what each bar counts.
    # A panel with nothing to show gives its room to the other.
    top, bottom = ([0.6, 1], [0, 0.4]) if items and effects else ([0, 1], [0, 1])
    layout["yaxis"] = {"domain": top, "automargin": True, "autorange": "reversed"}
    layout["xaxis"] = {
        "range": [0, 100],
        "ticksuffix": "%",
        "anchor": "y",
        "automargin": True,
        "gridcolor": GRID,
    }
    layout["yaxis2"] = {
        "domain": bottom,
        "automargin": True,
        "autorange": "reversed",
        "anchor": "x2",
    }
    layout["xaxis2"] = {
        "range": [0, 10],
        "anchor": "y2",
        "visible": bool(effects),
        "automargin": True,
        "gridcolor": GRID,
    }
    layout["xaxis"]["visible"] = bool(items)
    layout["yaxis"]["visible"] = bool(items)
    layout["yaxis2"]["visible"] = bool(effects)
    return {"data": data, "layout": layout}
