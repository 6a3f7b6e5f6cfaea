"""One plain-language reading per chart, in the product's gentle voice.

Healing is not linear, so the words describe direction and context, never failure.
Which way each signal went is decided in ``directions``; this module only words it,
and every sentence goes through gettext so that it can be translated whole.
"""

from collections.abc import Sequence
from datetime import datetime

from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import directions as d
from .metrics import CheckInPoint, ExerciseEffect, Summary


def _n(value: float, digits: int = 1) -> str:
    """A figure as the directions decided on it: rounded the same way, no trailing zero."""
    decimals = len(d.shown(value, digits).partition(".")[2])
    return number_format(d.quoted(value, digits), decimals)


def exercise_means(effect: ExerciseEffect) -> tuple[str, str, str]:
    """Mean distress before and after an exercise, and the drop between them, as the
    Exercises reading quotes them: for the table beside it, so that the two agree."""
    return (
        _n(effect.mean_before, d.EFFECT_DIGITS),
        _n(effect.mean_after, d.EFFECT_DIGITS),
        _n(d.drop(effect), d.EFFECT_DIGITS),
    )


def _series(check_ins: Sequence[CheckInPoint], signal) -> list:
    return [(c.occurred_at, signal(c)) for c in check_ins]


def _recent_words(direction: d.Direction, up: str, down: str, held: str, digits: int) -> str:
    figures = {"from": _n(direction.start, digits), "to": _n(direction.end, digits)}
    if direction.way == d.UP:
        return up % figures
    if direction.way == d.DOWN:
        return down % figures
    return held % {"mean": _n(direction.mean, digits)}


def distress(
    summary: Summary,
    span: str,
    check_ins: Sequence[CheckInPoint] = (),
    until: datetime | None = None,
) -> str:
    """``until`` is the window's end; a long window's last 4 weeks are counted back from
    it (from the last check-in without it), as the 4-week window ending then reads them."""
    way = d.of_trend(summary.distress, d.DISTRESS)
    if way is None and summary.check_ins:
        # Only safety answers sent without a rating: there was contact, with no number.
        return ngettext(
            "%(count)d check-in %(span)s, with no distress rating.",
            "%(count)d check-ins %(span)s, none with a distress rating.",
            summary.check_ins,
        ) % {"count": summary.check_ins, "span": span}
    if way is None:
        return _("No check-ins %(span)s.") % {"span": span}
    t = summary.distress
    if t.count == 1:
        return _("One check-in %(span)s, with distress at %(value)s.") % {
            "span": span,
            "value": _n(t.last),
        }
    values = {
        "span": span,
        "count": t.count,
        "mean": _n(t.mean),
        "from": _n(way.start or 0),
        "to": _n(way.end or 0),
    }
    if way.way == d.UP:
        text = ngettext(
            "Distress rose from about %(from)s to %(to)s %(span)s "
            "(%(count)d check-in, average %(mean)s).",
            "Distress rose from about %(from)s to %(to)s %(span)s "
            "(%(count)d check-ins, average %(mean)s).",
            t.count,
        )
    elif way.way == d.DOWN:
        text = ngettext(
            "Distress eased from about %(from)s to %(to)s %(span)s "
            "(%(count)d check-in, average %(mean)s).",
            "Distress eased from about %(from)s to %(to)s %(span)s "
            "(%(count)d check-ins, average %(mean)s).",
            t.count,
        )
    elif way.way == d.HELD:
        text = ngettext(
            "Distress held around %(mean)s across %(count)d check-in %(span)s.",
            "Distress held around %(mean)s across %(count)d check-ins %(span)s.",
            t.count,
        )
    else:
        text = ngettext(
            "Distress averaged %(mean)s across %(count)d check-in %(span)s.",
            "Distress averaged %(mean)s across %(count)d check-ins %(span)s.",
            t.count,
        )
    text %= values
    lately = d.recent(_series(check_ins, lambda c: c.distress), way, d.DISTRESS, until)
    if lately is not None:
        text += " " + _recent_words(
            lately,
            _("In the last 4 weeks of this window, it rose from about %(from)s to %(to)s."),
            _("In the last 4 weeks of this window, it eased from about %(from)s to %(to)s."),
            _("In the last 4 weeks of this window, it held around %(mean)s."),
            d.DISTRESS.digits,
        )
    return text


def flow(summary: Summary, names: dict[str, str]) -> str:
    f = summary.flow
    if f is None or not f.distinct_labels:
        return _("No emotions labelled in this window.")
    if f.turnover is None:
        text = ngettext(
            "%(count)d emotion labelled.",
            "%(count)d different emotions labelled.",
            f.distinct_labels,
        ) % {"count": f.distinct_labels}
    else:
        text = ngettext(
            "%(count)d emotion labelled; the strongest one changed in %(percent)d%% of check-ins.",
            "%(count)d different emotions labelled; "
            "the strongest one changed in %(percent)d%% of check-ins.",
            f.distinct_labels,
        ) % {"count": f.distinct_labels, "percent": round(100 * f.turnover)}
    longest: dict[str, object] = {}
    for stretch in f.stretches:  # one sentence per pattern: its longest run
        if stretch.reason not in longest or _length(stretch) > _length(longest[stretch.reason]):
            longest[stretch.reason] = stretch
    if "emotion" in longest:
        stretch = longest["emotion"]
        run = _length(stretch)
        text += " " + ngettext(
            "%(name)s led %(count)d check-in in a row at intensity 7 or more.",
            "%(name)s led %(count)d check-ins in a row at intensity 7 or more.",
            run,
        ) % {"name": names.get(stretch.label, stretch.label), "count": run}
    if "resistance" in longest:
        run = _length(longest["resistance"])
        text += " " + ngettext(
            "Feelings were pushed away strongly (7 or more) in %(count)d check-in in a row.",
            "Feelings were pushed away strongly (7 or more) in %(count)d check-ins in a row.",
            run,
        ) % {"count": run}
    return text


def _length(stretch) -> int:
    return stretch.end - stretch.start + 1


def _side_sentence(found: d.Charge) -> tuple[str, float]:
    """The sentence for the side of the charge, and the figure it quotes."""
    # Spelled out so that gettext's extractor finds each sentence.
    step = 10**-d.CHARGE.digits
    if found.distance > 0 and d.units(found.distance, d.CHARGE.digits) == 0:
        # Almost every answer was 0: the figure would print as 0 beside a side.
        if found.side == d.ANGER:
            text = _(
                "The charge was close to neutral, leaning toward anger or resentment, "
                "less than %(distance)s from neutral on average."
            )
        elif found.side == d.LOVE:
            text = _(
                "The charge was close to neutral, leaning toward love or longing, "
                "less than %(distance)s from neutral on average."
            )
        else:
            text = _(
                "The charge moved a little between anger or resentment and love or longing, "
                "less than %(distance)s from neutral on average."
            )
        return text, step
    if found.side == d.NEUTRAL:
        if found.both_sides:
            text = _(
                "The charge moved between anger or resentment and love or longing, "
                "%(distance)s from neutral on average."
            )
        else:  # a mean of exactly 0 on one side only: every answer was 0
            text = _("The charge stayed at neutral.")
        return text, found.distance
    anger = found.side == d.ANGER
    if found.close and found.both_sides:
        if anger:
            text = _(
                "The charge moved between anger or resentment and love or longing, "
                "leaning toward anger or resentment, %(distance)s from neutral on average."
            )
        else:
            text = _(
                "The charge moved between anger or resentment and love or longing, "
                "leaning toward love or longing, %(distance)s from neutral on average."
            )
    elif found.close:
        if anger:
            text = _(
                "The charge was close to neutral, leaning toward anger or resentment, "
                "%(distance)s from neutral on average."
            )
        else:
            text = _(
                "The charge was close to neutral, leaning toward love or longing, "
                "%(distance)s from neutral on average."
            )
    elif found.both_sides:
        if anger:
            text = _(
                "The charge was mostly on the side of anger or resentment, "
                "%(distance)s from neutral on average."
            )
        else:
            text = _(
                "The charge was mostly on the side of love or longing, "
                "%(distance)s from neutral on average."
            )
    elif anger:
        text = _(
            "The charge was on the side of anger or resentment, "
            "%(distance)s from neutral on average."
        )
    else:
        text = _(
            "The charge was on the side of love or longing, %(distance)s from neutral on average."
        )
    return text, found.distance


def charge(
    summary: Summary, check_ins: Sequence[CheckInPoint] = (), until: datetime | None = None
) -> str:
    found = d.charge(summary.charge, summary.neutrality)
    if found is None:
        return _("No answers about the other person in this window.")
    sentence, figure = _side_sentence(found)
    text = sentence % {"distance": _n(figure)}
    move = found.movement
    figures = {"from": _n(move.start or 0), "to": _n(move.end or 0)}
    if move.way == d.CROSSED and found.crossed_to == d.LOVE:
        sentence = _(
            "It crossed from anger or resentment to love or longing, from about %(from)s to %(to)s."
        )
    elif move.way == d.CROSSED:
        sentence = _(
            "It crossed from love or longing to anger or resentment, from about %(from)s to %(to)s."
        )
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
    lately = d.recent_charge(_series(check_ins, lambda c: c.charge), found, until)
    if lately is not None:
        text += " " + _recent_charge_words(lately)
    return text


def _recent_charge_words(lately: d.Charge) -> str:
    move = lately.movement
    if move.way == d.CROSSED and lately.crossed_to == d.LOVE:
        sentence = _(
            "In the last 4 weeks of this window, it crossed from anger or resentment "
            "to love or longing, from about %(from)s to %(to)s."
        )
    elif move.way == d.CROSSED:
        sentence = _(
            "In the last 4 weeks of this window, it crossed from love or longing "
            "to anger or resentment, from about %(from)s to %(to)s."
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
        "from": _n(move.start, d.CHARGE.digits),
        "to": _n(move.end, d.CHARGE.digits),
    }


def mind_space(
    summary: Summary, check_ins: Sequence[CheckInPoint] = (), until: datetime | None = None
) -> str:
    t = summary.mind_space
    way = d.of_trend(t, d.MIND_SPACE)
    if way is None:
        return _("No answers about mind space in this window.")
    values = {"mean": _n(t.mean, 0), "from": _n(way.start or 0, 0), "to": _n(way.end or 0, 0)}
    if way.way == d.UP:
        text = _(
            "The other person took up about %(mean)s%% of the day, "
            "up from about %(from)s%% to %(to)s%%."
        )
    elif way.way == d.DOWN:
        text = _(
            "The other person took up about %(mean)s%% of the day, "
            "down from about %(from)s%% to %(to)s%%."
        )
    elif way.way == d.HELD:
        text = _("The other person took up about %(mean)s%% of the day, fairly steady.")
    else:
        values["count"] = t.count
        text = ngettext(
            "The other person took up about %(mean)s%% of the day (%(count)d answer).",
            "The other person took up about %(mean)s%% of the day (%(count)d answers).",
            t.count,
        )
    text %= values
    lately = d.recent(_series(check_ins, lambda c: c.mind_space), way, d.MIND_SPACE, until)
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


def compassion(
    summary: Summary, check_ins: Sequence[CheckInPoint] = (), until: datetime | None = None
) -> str:
    kind, pushing = summary.self_compassion, summary.resistance
    if kind is None and pushing is None:
        return _("No answers about self-compassion or resistance in this window.")
    sentences = []
    way = d.of_trend(kind, d.SELF_COMPASSION)
    if way is not None:
        values = {
            "mean": _n(kind.mean),
            "count": kind.count,
            "from": _n(way.start or 0),
            "to": _n(way.end or 0),
        }
        if way.way == d.UP:
            text = _("Self-compassion averaged %(mean)s, growing from about %(from)s to %(to)s.")
        elif way.way == d.DOWN:
            text = _(
                "Self-compassion averaged %(mean)s, lower lately, from about %(from)s to %(to)s."
            )
        elif way.way == d.HELD:
            text = _("Self-compassion held around %(mean)s.")
        else:
            text = ngettext(
                "Self-compassion averaged %(mean)s (%(count)d answer).",
                "Self-compassion averaged %(mean)s (%(count)d answers).",
                kind.count,
            )
        sentences.append(text % values)
        lately = d.recent(
            _series(check_ins, lambda c: c.self_compassion), way, d.SELF_COMPASSION, until
        )
        if lately is not None:
            sentences.append(
                _recent_words(
                    lately,
                    _("In the last 4 weeks of this window, it grew from about %(from)s to %(to)s."),
                    _(
                        "In the last 4 weeks of this window, it dipped from about "
                        "%(from)s to %(to)s."
                    ),
                    _("In the last 4 weeks of this window, it held around %(mean)s."),
                    d.SELF_COMPASSION.digits,
                )
            )
    if pushing is not None:
        sentences.append(_("Resistance averaged %(mean)s.") % {"mean": _n(pushing.mean)})
    return " ".join(sentences)


def exercises(summary: Summary) -> str:
    """Quotes the Exercises table's own figures (``directions.tally``), never the
    fractional ones behind them: the sentence and the table add up the same."""
    if not summary.adherence:
        return _("No exercises were planned in this window.")
    count = d.tally(summary.adherence)
    if count.planned:
        text = ngettext(
            "Did %(done)d of about %(planned)d planned exercise (%(percent)d%%).",
            "Did %(done)d of about %(planned)d planned exercises (%(percent)d%%).",
            count.planned,
        ) % {"done": count.done, "planned": count.planned, "percent": count.percent}
        if count.beyond:
            text += " " + ngettext(
                "%(count)d more was done beyond the plan.",
                "%(count)d more were done beyond the plan.",
                count.beyond,
            ) % {"count": count.beyond}
    elif count.beyond:
        text = ngettext(
            "Did %(count)d exercise; none were planned yet in this window.",
            "Did %(count)d exercises; none were planned yet in this window.",
            count.beyond,
        ) % {"count": count.beyond}
    else:
        text = _("No exercises were planned in this window.")
    helpful = d.most_helpful(summary.exercise_effect)
    if helpful is None:
        effects = summary.exercise_effect
        enough = d.EFFECT_MIN_COMPLETIONS
        if any(e.completions >= enough for e in effects):
            # Done often enough to compare, but none of those eased distress on average
            # (most_helpful would have named it): not "too few".
            text += " " + ngettext(
                "Across the exercises done %(count)d or more times, distress was about "
                "the same or higher afterwards, on average.",
                "Across the exercises done %(count)d or more times, distress was about "
                "the same or higher afterwards, on average.",
                enough,
            ) % {"count": enough}
        elif any(d.drop(e) > 0 for e in effects):
            text += " " + ngettext(
                "Too few completions yet to compare how the exercises eased distress "
                "(%(count)d or more each).",
                "Too few completions yet to compare how the exercises eased distress "
                "(%(count)d or more each).",
                enough,
            ) % {"count": enough}
        return text
    best = helpful.effects[0]
    values = {
        "title": best.title,
        "drop": _n(d.drop(best), d.EFFECT_DIGITS),
        "count": best.completions,
    }
    if helpful.kind == d.MOST:
        text += (
            " "
            + ngettext(
                "“%(title)s” eased distress most, by %(drop)s on average (done %(count)d time).",
                "“%(title)s” eased distress most, by %(drop)s on average (done %(count)d times).",
                best.completions,
            )
            % values
        )
    elif helpful.kind == d.ONLY:
        text += (
            " "
            + ngettext(
                "“%(title)s” eased distress by %(drop)s on average (done %(count)d time).",
                "“%(title)s” eased distress by %(drop)s on average (done %(count)d times).",
                best.completions,
            )
            % values
        )
    else:
        # Each named with its own figure; a tie is told as a tie, not as "equal".
        named = [
            _("“%(title)s” (by %(drop)s)")
            % {"title": e.title, "drop": _n(d.drop(e), d.EFFECT_DIGITS)}
            for e in helpful.effects
        ]
        text += " " + _(
            "%(exercises)s eased distress on average, less than %(margin)s apart: "
            "too close to say which helped most."
        ) % {
            "exercises": get_text_list(named, _("and")),
            "margin": _n(d.EFFECT_MARGIN, d.EFFECT_DIGITS),
        }
    return text
