"""Readings about the other person: the charge toward them and the room they take up.

Both name the person and the ends of the charge scale as set for the client
(``clients.wording``): "The charge toward their husband was on the side of anger or
resentment". Each sentence stays whole for translators, with %(person)s, %(negative)s and
%(positive)s where the client's words go.
"""

from collections.abc import Sequence
from datetime import datetime
from operator import attrgetter

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.wording import PersonWords, unnamed_words
from reports import directions as d
from reports.metrics import CheckInPoint, Summary
from reports.readings.quoting import number as _n
from reports.readings.quoting import recent_words as _recent_words
from reports.readings.quoting import series as _series


def _words(words: PersonWords | None) -> dict[str, str]:
    words = words or unnamed_words()
    return {
        "person": words.for_staff,
        "negative": words.ends.negative,
        "positive": words.ends.positive,
    }


def _side_sentence(found: d.Charge) -> tuple[str, float]:
    """The sentence for the side of the charge, and the figure it quotes."""
    # Spelled out so that gettext's extractor finds each sentence.
    step = 10**-d.CHARGE.digits
    if found.distance > 0 and d.units(found.distance, d.CHARGE.digits) == 0:
        # Almost every answer was 0: the figure would print as 0 beside a side.
        if found.side == d.ANGER:
            text = _(
                "The charge toward %(person)s was close to neutral, leaning toward "
                "%(negative)s, less than %(distance)s from neutral on average."
            )
        elif found.side == d.LOVE:
            text = _(
                "The charge toward %(person)s was close to neutral, leaning toward "
                "%(positive)s, less than %(distance)s from neutral on average."
            )
        else:
            text = _(
                "The charge toward %(person)s moved a little between %(negative)s and "
                "%(positive)s, less than %(distance)s from neutral on average."
            )
        return text, step
    if found.side == d.NEUTRAL:
        if found.both_sides:
            text = _(
                "The charge toward %(person)s moved between %(negative)s and %(positive)s, "
                "%(distance)s from neutral on average."
            )
        else:  # a mean of exactly 0 on one side only: every answer was 0
            text = _("The charge toward %(person)s stayed at neutral.")
        return text, found.distance
    anger = found.side == d.ANGER
    if found.close and found.both_sides:
        if anger:
            text = _(
                "The charge toward %(person)s moved between %(negative)s and %(positive)s, "
                "leaning toward %(negative)s, %(distance)s from neutral on average."
            )
        else:
            text = _(
                "The charge toward %(person)s moved between %(negative)s and %(positive)s, "
                "leaning toward %(positive)s, %(distance)s from neutral on average."
            )
    elif found.close:
        if anger:
            text = _(
                "The charge toward %(person)s was close to neutral, leaning toward "
                "%(negative)s, %(distance)s from neutral on average."
            )
        else:
            text = _(
                "The charge toward %(person)s was close to neutral, leaning toward "
                "%(positive)s, %(distance)s from neutral on average."
            )
    elif found.both_sides:
        if anger:
            text = _(
                "The charge toward %(person)s was mostly on the side of %(negative)s, "
                "%(distance)s from neutral on average."
            )
        else:
            text = _(
                "The charge toward %(person)s was mostly on the side of %(positive)s, "
                "%(distance)s from neutral on average."
            )
    elif anger:
        text = _(
            "The charge toward %(person)s was on the side of %(negative)s, "
            "%(distance)s from neutral on average."
        )
    else:
        text = _(
            "The charge toward %(person)s was on the side of %(positive)s, "
            "%(distance)s from neutral on average."
        )
    return text, found.distance


def charge(
    summary: Summary,
    check_ins: Sequence[CheckInPoint] = (),
    until: datetime | None = None,
    words: PersonWords | None = None,
) -> str:
    """``words`` name the other person and the ends of the scale; without them, "the
    other person", anger or resentment and love or longing."""
    named = _words(words)
    found = d.charge(summary.charge, summary.neutrality)
    if found is None:
        return _("No answers about %(person)s in this window.") % named
    sentence, figure = _side_sentence(found)
    text = sentence % {**named, "distance": _n(figure)}
    move = found.movement
    figures = {**named, "from": _n(move.start or 0), "to": _n(move.end or 0)}
    if move.way == d.CROSSED and found.crossed_to == d.LOVE:
        sentence = _("It crossed from %(negative)s to %(positive)s, from about %(from)s to %(to)s.")
    elif move.way == d.CROSSED:
        sentence = _("It crossed from %(positive)s to %(negative)s, from about %(from)s to %(to)s.")
    elif move.way == d.DOWN:
        sentence = _("It moved toward neutral, from about %(from)s to %(to)s away.")
    elif move.way == d.UP:
        sentence = _("It moved away from neutral, from about %(from)s to %(to)s away.")
    elif move.way == d.HELD:
        sentence = _("Its distance from neutral held fairly steady.")
    else:  # too few answers to show a direction
        sentence = ""
    if sentence:
        text += " " + sentence % figures
    lately = d.recent_charge(_series(check_ins, attrgetter("charge")), found, until)
    if lately is not None:
        text += " " + _recent_charge_words(lately, named)
    return text


def _recent_charge_words(lately: d.Charge, named: dict[str, str]) -> str:
    move = lately.movement
    if move.way == d.CROSSED and lately.crossed_to == d.LOVE:
        sentence = _(
            "In the last 4 weeks of this window, it crossed from %(negative)s "
            "to %(positive)s, from about %(from)s to %(to)s."
        )
    elif move.way == d.CROSSED:
        sentence = _(
            "In the last 4 weeks of this window, it crossed from %(positive)s "
            "to %(negative)s, from about %(from)s to %(to)s."
        )
    elif move.way == d.UP:
        sentence = _(
            "In the last 4 weeks of this window, it moved away from neutral, "
            "from about %(from)s to %(to)s away."
        )
    elif move.way == d.DOWN:
        sentence = _(
            "In the last 4 weeks of this window, it moved toward neutral, "
            "from about %(from)s to %(to)s away."
        )
    else:
        return _("In the last 4 weeks of this window, it held about %(mean)s from neutral.") % {
            "mean": _n(move.mean, d.CHARGE.digits)
        }
    return sentence % {
        **named,
        "from": _n(move.start, d.CHARGE.digits),
        "to": _n(move.end, d.CHARGE.digits),
    }


def mind_space(
    summary: Summary,
    check_ins: Sequence[CheckInPoint] = (),
    until: datetime | None = None,
    words: PersonWords | None = None,
) -> str:
    named = _words(words)
    t = summary.mind_space
    way = d.of_trend(t, d.MIND_SPACE)
    if way is None:
        return _("No answers about mind space in this window.")
    values = {
        **named,
        "mean": _n(t.mean, 0),
        "from": _n(way.start or 0, 0),
        "to": _n(way.end or 0, 0),
    }
    if way.way == d.UP:
        text = _(
            "%(person)s took up about %(mean)s%% of the day, up from about %(from)s%% to %(to)s%%."
        )
    elif way.way == d.DOWN:
        text = _(
            "%(person)s took up about %(mean)s%% of the day, "
            "down from about %(from)s%% to %(to)s%%."
        )
    elif way.way == d.HELD:
        text = _("%(person)s took up about %(mean)s%% of the day, fairly steady.")
    else:
        values["count"] = t.count
        text = ngettext(
            "%(person)s took up about %(mean)s%% of the day (%(count)d answer).",
            "%(person)s took up about %(mean)s%% of the day (%(count)d answers).",
            t.count,
        )
    # The person's name can open the sentence: "Their husband took up about 40% of the day".
    text = capfirst(text % values)
    lately = d.recent(_series(check_ins, attrgetter("mind_space")), way, d.MIND_SPACE, until)
    if lately is not None:
        text += " " + _recent_words(
            lately,
            _("In the last 4 weeks of this window, it went up from about %(from)s%% to %(to)s%%."),
            _(
                "In the last 4 weeks of this window, it went down from about "
                "%(from)s%% to %(to)s%%."
            ),
            _("In the last 4 weeks of this window, it held around %(mean)s%%."),
            d.MIND_SPACE.digits,
        )
    return text
