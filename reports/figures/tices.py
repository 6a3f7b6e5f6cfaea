"""The client's TICES log per week, stacked by disturbance.

Pure, like the other builders: plain data in (moments and ratings), a plain-dict figure
out. Dates go through ``reports.chart_dates``: the log's weeks are the client's own weeks
(a frame in the client's zone).
"""

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.chart_dates import WEEK_MS, Frame, hover_week, week_of
from reports.figures.common import BLUE, hover_lines, layout_of

# The log's disturbance in three bands, and one hue from light to dark for them: the
# darker, the more disturbing, which a reader tells apart without colour and in print.
TICES_BANDS = ((0, 3), (4, 6), (7, 10))
TICES_COLOURS = ("#B3D5E8", "#59A3CD", BLUE)  # BLUE at 30%, 65% and 100% on white


def band_names() -> list[str]:
    return [
        _("Disturbance %(low)s-%(high)s") % {"low": low, "high": high} for low, high in TICES_BANDS
    ]


def band_of(disturbance: int) -> int:
    """The index of the band ``disturbance`` falls in."""
    return next(i for i, (low, high) in enumerate(TICES_BANDS) if low <= disturbance <= high)


def weeks_of(frame: Frame) -> list[date]:
    """The Mondays of every week the frame touches, in the frame's (the client's) zone."""
    first, last = week_of(frame.first_day), week_of(frame.last_day)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def tices_counts(entries: Sequence[tuple[datetime, int]], frame: Frame) -> dict[date, list[int]]:
    """Entries per week (by its Monday, in the frame's zone) and band, for every week of
    the frame, a week without any included; entries on days outside the frame are left out."""
    counted = Counter()
    for moment, disturbance in entries:
        day = frame.day_of(moment)
        if frame.first_day <= day <= frame.last_day:
            counted[week_of(day), band_of(disturbance)] += 1
    return {
        monday: [counted[monday, band] for band in range(len(TICES_BANDS))]
        for monday in weeks_of(frame)
    }


def tices_figure(entries: Sequence[tuple[datetime, int]], frame: Frame) -> dict:
    """The client's log entries per week, stacked by disturbance band, the least
    disturbing at the bottom."""
    counts = tices_counts(entries, frame)
    weeks = list(counts)
    middles = [datetime.combine(monday, time.min) + timedelta(days=3.5) for monday in weeks]
    when = [hover_week(frame, monday) for monday in weeks]
    words = {}
    data = []
    for band, (name, colour) in enumerate(zip(band_names(), TICES_COLOURS, strict=True)):
        values = [counts[monday][band] for monday in weeks]
        for value in set(values) - set(words):
            words[value] = ngettext("%(count)d entry", "%(count)d entries", value) % {
                "count": value
            }
        data.append(
            {
                "type": "bar",
                "name": name,
                "x": middles,
                "y": values,
                "width": [WEEK_MS * 6 // 7] * len(weeks),
                "text": [
                    hover_lines(day, f"{name}: {words[value]}")
                    for day, value in zip(when, values, strict=True)
                ],
                "textposition": "none",  # for hovering, not printed on the bars
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {"color": colour, "line": {"color": "#ffffff", "width": 0.5}},
            }
        )
    top = max((sum(each) for each in counts.values()), default=0)
    layout = layout_of(
        _("TICES log entries per week, by disturbance"),
        _("entries a week"),
        [-0.05 * top, 1.05 * top] if top else [0, 1],  # 0 above the date axis, as elsewhere
        frame,
        whole_weeks=True,
        barmode="stack",
    )
    if top <= 10:  # whole counts: no ticks at 0.5
        layout["yaxis"]["dtick"] = 1
    return {"data": data, "layout": layout}
