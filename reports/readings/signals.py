"""Readings of the client's own signals: distress, emotional flow, self-compassion."""

from collections.abc import Sequence
from datetime import datetime
from operator import attrgetter

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports import directions as d
from reports.metrics import CheckInPoint, Summary
from reports.readings.quoting import number as _n
from reports.readings.quoting import recent_words as _recent_words
from reports.readings.quoting import series as _series


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
    lately = d.recent(_series(check_ins, attrgetter("distress")), way, d.DISTRESS, until)
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
            _series(check_ins, attrgetter("self_compassion")), way, d.SELF_COMPASSION, until
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
