"""The charts of the client's own signals over time: distress, emotional flow,
self-compassion and resistance."""

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, time, timedelta

from django.utils.translation import gettext as _

from reports.chart_dates import DAY_MS, WEEK_MS, Frame, hover_day, hover_week, placed, week_of
from reports.figures.common import (
    BLUE,
    GREEN,
    GREY,
    LABEL_COLOURS,
    ORANGE,
    RATING_RANGE,
    VERMILLION,
    frame_for,
    hover_lines,
    layout_of,
    line_trace,
    plain,
    rating,
    session_lines,
)
from reports.metrics import CheckInPoint, CompletionPoint, Stretch


def distress_figure(
    check_ins: Sequence[CheckInPoint],
    sessions: Sequence[datetime],
    completions: Sequence[CompletionPoint],
    frame: Frame | None = None,
) -> dict:
    done = [c for c in completions if c.completed_at is not None]
    frame = frame_for(frame, [c.occurred_at for c in check_ins], [c.completed_at for c in done])
    points = [(c.occurred_at, c.distress) for c in check_ins if c.distress is not None]
    data = [line_trace(_("Distress (0-10)"), points, BLUE, frame, rating(_("Distress %(value)s")))]
    if done:
        exercise_words = _("%(title)s: distress %(before)s → %(after)s")
        xs, when = placed(frame, [c.completed_at for c in done])
        # The few exercises and ratings make few distinct lines: each worded once.
        worded = {
            key: hover_lines(
                "", exercise_words % {"title": plain(key[0]), "before": key[1], "after": key[2]}
            )
            for key in {(c.title, c.distress_before, c.distress_after) for c in done}
        }
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": _("Exercise done (distress after)"),
                "x": xs,
                "y": [c.distress_after for c in done],
                "text": [
                    day + worded[c.title, c.distress_before, c.distress_after]
                    for day, c in zip(when, done, strict=True)
                ],
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {"color": ORANGE, "symbol": "diamond", "size": 8},
            }
        )
    if sessions:  # an invisible trace, so "Session" shows in the legend
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Session"),
                "x": [None],
                "y": [None],
                "line": {"color": GREY, "dash": "dot"},
                "hoverinfo": "skip",
            }
        )
    layout = layout_of(
        _("Distress"), "0-10", RATING_RANGE, frame, shapes=session_lines(sessions, frame)
    )
    return {"data": data, "layout": layout}


def _stuck_bands(stretches: Sequence[Stretch], frame: Frame | None) -> list[dict]:
    local = frame.local if frame else (lambda moment: moment)
    return [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": local(stretch.first_at) - timedelta(hours=12),
            "x1": local(stretch.last_at) + timedelta(hours=12),
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
    check_ins: Sequence[CheckInPoint],
    stretches: Sequence[Stretch],
    names: dict[str, str],
    frame: Frame | None = None,
) -> dict:
    """Labelled emotions per day (a window of up to ``FLOW_BY_DAY_UP_TO_DAYS``) or per
    week, stacked; stuck stretches shaded."""
    frame = frame_for(frame, [c.occurred_at for c in check_ins])
    by_day = frame is None or frame.by_day
    # How often each code was labelled in each bar's day or week: counted in one go.
    days = [frame.day_of(c.occurred_at) for c in check_ins]
    bar_of = days if by_day else list(map(week_of, days))
    labelled = Counter(
        [
            (start, code)
            for start, check_in in zip(bar_of, check_ins, strict=True)
            for code, _intensity in check_in.emotions
        ]
    )
    per_bar = dict.fromkeys(bar_of, 0)  # every day or week with a check-in has its bar
    for (start, _code), count in labelled.items():
        per_bar[start] += count
    totals = Counter([code for c in check_ins for code, _intensity in c.emotions])
    shown = [code for code, _count in totals.most_common(len(LABEL_COLOURS) - 1)]
    starts = sorted(per_bar)
    # Each bar spans its day, or its week (Monday to Sunday), with a gap to the next.
    if by_day:
        middles = [datetime.combine(day, time(12)) for day in starts]
        width, when = DAY_MS * 4 // 5, [hover_day(frame, day) for day in starts]
    else:
        middles = [datetime.combine(w, time.min) + timedelta(days=3.5) for w in starts]
        width, when = WEEK_MS * 6 // 7, [hover_week(frame, w) for w in starts]
    bar = {
        "type": "bar",
        "x": middles,
        "width": [width] * len(starts),
        "textposition": "none",  # the text is for hovering, not printed on the bars
        "hovertemplate": "%{text}<extra></extra>",
    }

    count_words = _("%(emotion)s: %(count)d")

    def trace(name: str, values: list[int], colour: str) -> dict:
        label = plain(name)
        worded = {
            n: hover_lines("", count_words % {"emotion": label, "count": n}) for n in set(values)
        }
        return {
            **bar,
            "name": label,
            "y": values,
            "text": [day + worded[count] for day, count in zip(when, values, strict=True)],
            "marker": {"color": colour},
        }

    data = [
        trace(names.get(code, code), [labelled[s, code] for s in starts], colour)
        for colour, code in zip(LABEL_COLOURS, shown, strict=False)
    ]
    others = [per_bar[s] - sum(labelled[s, code] for code in shown) for s in starts]
    if any(others):
        data.append(trace(_("Other"), others, GREY))
    if by_day:
        title, y_title = _("Emotional flow: emotions labelled per day"), _("times labelled a day")
    else:
        title, y_title = _("Emotional flow: emotions labelled per week"), _("times labelled a week")
    top = max(per_bar.values(), default=0)
    layout = layout_of(
        title,
        y_title,
        [-0.05 * top, 1.05 * top] if top else None,  # 0 above the date axis, as elsewhere
        frame,
        whole_weeks=not by_day,
        barmode="stack",
    )
    if top <= 10:  # whole counts: no ticks at 0.5
        layout["yaxis"]["dtick"] = 1
    layout["shapes"] = _stuck_bands(stretches, frame)
    return {"data": data, "layout": layout}


def compassion_figure(check_ins: Sequence[CheckInPoint], frame: Frame | None = None) -> dict:
    kind = [(c.occurred_at, c.self_compassion) for c in check_ins if c.self_compassion is not None]
    pushing = [(c.occurred_at, c.resistance) for c in check_ins if c.resistance is not None]
    frame = frame_for(frame, [moment for moment, _ in kind + pushing])
    dashed = {"color": VERMILLION, "width": 2, "dash": "dash"}
    data = [
        line_trace(
            _("Self-compassion"), kind, GREEN, frame, rating(_("Self-compassion %(value)s"))
        ),
        line_trace(
            _("Resistance (pushing feelings away)"),
            pushing,
            VERMILLION,
            frame,
            rating(_("Resistance %(value)s")),
            line=dashed,
        ),
    ]
    layout = layout_of(_("Self-compassion and resistance"), "0-10", RATING_RANGE, frame)
    return {"data": data, "layout": layout}
