"""The charts about the other person: the charge toward them and the room they take up,
named and scaled in the words set for the client (``clients.wording``)."""

from collections.abc import Sequence

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from clients.wording import PersonWords, unnamed_words
from reports.chart_dates import Frame
from reports.figures.common import (
    AXIS_TITLE_CHARS,
    GREEN,
    ORANGE,
    PERCENT_RANGE,
    PURPLE,
    frame_for,
    layout_of,
    line_trace,
    plain,
)
from reports.metrics import CheckInPoint


def _signed(value: int) -> str:
    """-3 as "−3" (a minus sign, as the axis prints it), 3 as "+3"."""
    return f"{value:+d}".replace("-", "−") if value else "0"


def charge_figure(
    check_ins: Sequence[CheckInPoint],
    words: PersonWords | None = None,
    frame: Frame | None = None,
) -> dict:
    """Charge toward the other person, named as set for the client, on a scale whose ends
    are the client's own (−5 anger or resentment … +5 love or longing); 0 is neutral."""
    words = words or unnamed_words()
    person, ends = words.for_staff, words.ends
    answered = [c for c in check_ins if c.charge is not None]
    frame = frame_for(frame, [c.occurred_at for c in answered])

    neutral = _("Charge toward %(person)s: 0, neutral")
    on_a_side = _("Charge toward %(person)s: %(value)s, %(end)s")

    def hover(value: float) -> str:
        if not value:
            return neutral % {"person": plain(person)}
        return on_a_side % {
            "person": plain(person),
            "value": _signed(value),
            "end": plain(ends.negative if value < 0 else ends.positive),
        }

    line = line_trace(
        capfirst(_("charge toward %(person)s") % {"person": plain(person)}),
        [(c.occurred_at, c.charge) for c in answered],
        PURPLE,
        frame,
        hover,
    )
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
    layout = layout_of(
        _("Charge toward %(person)s") % {"person": plain(person)},
        "",
        [-5.5, 5.5],
        frame,
        shapes=[neutral_band],
        showlegend=False,  # one line: the heading names it
    )
    layout["yaxis"].update(
        {
            "zeroline": True,
            "tickmode": "array",
            "tickvals": [-5, 0, 5],
            "ticktext": [
                _("%(end)s −5") % {"end": plain(ends.negative)},
                _("neutral 0"),
                _("%(end)s +5") % {"end": plain(ends.positive)},
            ],
            "minor": {"tickmode": "array", "tickvals": [-4, -3, -2, -1, 1, 2, 3, 4]},
        }
    )
    layout["yaxis"]["minor"].update({"showgrid": True, "gridcolor": "#f3f4f6"})
    return {"data": [line], "layout": layout}


def mind_space_figure(
    check_ins: Sequence[CheckInPoint],
    words: PersonWords | None = None,
    frame: Frame | None = None,
) -> dict:
    """How much of the day the other person took up in the client's thoughts."""
    person = plain((words or unnamed_words()).for_staff)
    answered = [c for c in check_ins if c.mind_space is not None]
    frame = frame_for(frame, [c.occurred_at for c in answered])
    points = [(c.occurred_at, c.mind_space) for c in answered]

    took_up = _("%(person)s took up %(value)s%% of the day")

    def hover(value: float) -> str:
        return capfirst(took_up % {"person": person, "value": value})

    name = _("Mind space (%% of the day)") % {}  # %% for gettext: a % sign, not a format
    line = line_trace(name, points, ORANGE, frame, hover, fill="tozeroy")
    y_title = _("thoughts of %(person)s") % {"person": person}
    if len(y_title) > AXIS_TITLE_CHARS:
        y_title = _("share of the day")
    layout = layout_of(
        _("Mind space: %(person)s") % {"person": person},
        y_title,
        PERCENT_RANGE,
        frame,
        showlegend=False,  # one line: the heading and the axis name it
    )
    layout["yaxis"]["ticksuffix"] = "%"
    return {"data": [line], "layout": layout}
