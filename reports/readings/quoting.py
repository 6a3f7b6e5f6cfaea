"""How the readings print their figures: rounded as ``directions`` decided on them."""

from collections.abc import Sequence

from django.utils.formats import number_format

from reports import directions as d
from reports.metrics import CheckInPoint


def number(value: float, digits: int = 1) -> str:
    """A figure as the directions decided on it: rounded the same way, no trailing zero."""
    decimals = len(d.shown(value, digits).partition(".")[2])
    return number_format(d.quoted(value, digits), decimals)


def series(check_ins: Sequence[CheckInPoint], signal) -> list:
    return [(c.occurred_at, signal(c)) for c in check_ins]


def recent_words(direction: d.Direction, up: str, down: str, held: str, digits: int) -> str:
    figures = {"from": number(direction.start, digits), "to": number(direction.end, digits)}
    if direction.way == d.UP:
        return up % figures
    if direction.way == d.DOWN:
        return down % figures
    return held % {"mean": number(direction.mean, digits)}
