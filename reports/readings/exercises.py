"""The reading of the Exercises chart, quoting the figures of the table beside it."""

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports import directions as d
from reports.metrics import ExerciseEffect, Summary
from reports.readings.quoting import number as _n


def exercise_means(effect: ExerciseEffect) -> tuple[str, str, str]:
    """Mean distress before and after an exercise, and the drop between them, as the
    Exercises reading quotes them: for the table beside it, so that the two agree."""
    return (
        _n(effect.mean_before, d.EFFECT_DIGITS),
        _n(effect.mean_after, d.EFFECT_DIGITS),
        _n(d.drop(effect), d.EFFECT_DIGITS),
    )


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
