"""Plotly figures as plain dicts, drawn in the browser with Plotly.newPlot.

Pure builders: plain data in, {"data": [...], "layout": {...}} out. Plain dicts
serialised with orjson cost a few milliseconds for a year of data, where
plotly.graph_objects would validate every property on every build.
Colours are the Okabe-Ito palette, which colour-blind readers can tell apart.
Every word a chart shows (names, axis titles, ticks, hover texts) goes through gettext
when the figure is built, and dates through ``reports.chart_dates``.
"""

from reports.figures.common import BLUE, FONT, GREY, LABEL_COLOURS, layout_of, plain
from reports.figures.exercises import exercises_figure
from reports.figures.person import charge_figure, mind_space_figure
from reports.figures.signals import compassion_figure, distress_figure, flow_figure

__all__ = [
    "BLUE",
    "FONT",
    "GREY",
    "LABEL_COLOURS",
    "charge_figure",
    "compassion_figure",
    "distress_figure",
    "exercises_figure",
    "flow_figure",
    "layout_of",
    "mind_space_figure",
    "plain",
]
