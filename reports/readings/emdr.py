"""The readings beside the EMDR charts: where each target's disturbance and VoC went
across its sessions ("The kitchen, age 9: SUD fell from 8 at the start to 0 at the end,
over its 4 sessions. Marked resolved on 3 Mar."), and how often and how hard the client's
log says things stirred them up.

Each reading says which rating it starts and ends on, and what it counts: the target's
sessions, as the list of targets counts them, and of those the ones with a rating on the
chart, which are its table's rows ("over the 2 of its 3 sessions with a VoC").

Pure: the figures' plain data in (``reports.figures.emdr`` and ``.tices``), plain text
out; the page escapes it. Each sentence stays whole for translators but for two pieces,
each a whole phrase: a rating with its words ("8 at the start") and which sessions it is
read over ("over its 3 sessions"). Target labels are the therapist's words and are quoted
as written.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.emdr.models import Target
from reports.chart_dates import TICK_DAY, TICK_DAY_YEAR, Frame, day_words
from reports.figures.emdr import Scale, TargetLine, sud_scale, voc_scale
from reports.figures.tices import TICES_BANDS

OPEN = (Target.Status.PLANNED, Target.Status.IN_PROGRESS)
# The log's weeks are compared half against half from this many weeks on: fewer would
# set one week against another.
COMPARE_FROM_WEEKS = 4
# Weeks tied for the most entries are named up to this many, else counted.
TIED_WEEKS_NAMED = 3


def _day(frame: Frame, moment: datetime | date) -> str:
    """ "3 Mar" (with the year when the chart spans years), in the frame's zone."""
    day = frame.day_of(moment) if isinstance(moment, datetime) else moment
    return day_words(frame, day, TICK_DAY_YEAR if frame.spans_years else TICK_DAY)


def _and(labels: Sequence[str]) -> str:
    return get_text_list(list(labels), _("and"))


@dataclass(frozen=True)
class _Words:
    """A chart's sentences, whole for translators but for two pieces: each rating with
    its words ("8 at the start", from ``figures.emdr.Scale``) and which of the target's
    sessions the sentence is read over (``counted``)."""

    one: str  # "%(label)s: SUD %(ratings)s, %(counted)s."
    fell: str  # "%(label)s: SUD fell from %(from)s to %(to)s, %(counted)s."
    rose: str
    same: str
    counted: Callable[[int, int], str]  # (sessions rated, the target's sessions)


def _sud_counted(rated: int, total: int) -> str:
    values = {"rated": rated, "total": total}
    if rated == total:
        return _every_session(total)
    if rated == 1:
        return (
            ngettext(
                "in the one of its %(total)d session with a SUD",
                "in the one of its %(total)d sessions with a SUD",
                total,
            )
            % values
        )
    return (
        ngettext(
            "over the %(rated)d of its %(total)d session with a SUD",
            "over the %(rated)d of its %(total)d sessions with a SUD",
            total,
        )
        % values
    )


def _voc_counted(rated: int, total: int) -> str:
    values = {"rated": rated, "total": total}
    if rated == total:
        return _every_session(total)
    if rated == 1:
        return (
            ngettext(
                "in the one of its %(total)d session with a VoC",
                "in the one of its %(total)d sessions with a VoC",
                total,
            )
            % values
        )
    return (
        ngettext(
            "over the %(rated)d of its %(total)d session with a VoC",
            "over the %(rated)d of its %(total)d sessions with a VoC",
            total,
        )
        % values
    )


def _every_session(total: int) -> str:
    if total == 1:
        return _("in its one session")
    return ngettext("over its %(total)d session", "over its %(total)d sessions", total) % {
        "total": total
    }


def _sud_words() -> _Words:
    return _Words(
        one=_("%(label)s: SUD %(ratings)s, %(counted)s."),
        fell=_("%(label)s: SUD fell from %(from)s to %(to)s, %(counted)s."),
        rose=_("%(label)s: SUD rose from %(from)s to %(to)s, %(counted)s."),
        same=_("%(label)s: SUD unchanged from %(from)s to %(to)s, %(counted)s."),
        counted=_sud_counted,
    )


def _voc_words() -> _Words:
    return _Words(
        one=_("%(label)s: VoC %(ratings)s, %(counted)s."),
        fell=_("%(label)s: VoC fell from %(from)s to %(to)s, %(counted)s."),
        rose=_("%(label)s: VoC rose from %(from)s to %(to)s, %(counted)s."),
        same=_("%(label)s: VoC unchanged from %(from)s to %(to)s, %(counted)s."),
        counted=_voc_counted,
    )


def _course(target: TargetLine, scale: Scale, words: _Words) -> str:
    """Where the target's rating went, from the first taken to the latest, saying which
    rating each was and over which of the target's sessions; "" without any rating.

    The sessions counted are the target's sessions (as the list of targets counts them);
    those with a rating on this chart are the rows of its table."""
    rated = [w for w in target.sessions if scale.rated(w)]
    if not rated:
        return ""
    values = {
        "label": target.label,
        "counted": words.counted(len(rated), len(target.sessions)),
    }
    if len(rated) == 1:
        ratings = [text for _value, text in scale.ratings(rated[0])]
        return words.one % {**values, "ratings": _and(ratings)}
    first, first_words = scale.ratings(rated[0])[0]
    latest, latest_words = scale.ratings(rated[-1])[-1]
    values |= {"from": first_words, "to": latest_words}
    if latest < first:
        return words.fell % values
    if latest > first:
        return words.rose % values
    return words.same % values


def _state(target: TargetLine, frame: Frame, held: Sequence[datetime]) -> str:
    """What became of the target since: resolved, set aside, or left unworked while
    sessions went on."""
    if target.status == Target.Status.RESOLVED and target.since is not None:
        return _("Marked resolved on %(day)s.") % {"day": _day(frame, target.since)}
    if target.status == Target.Status.SET_ASIDE and target.since is not None:
        return _("Set aside on %(day)s.") % {"day": _day(frame, target.since)}
    if target.status in OPEN and target.sessions:
        last = target.sessions[-1].at
        since = sum(1 for start in held if start > last)
        if since:
            return ngettext(
                "No processing recorded since %(day)s, %(count)d held session ago.",
                "No processing recorded since %(day)s, %(count)d held sessions ago.",
                since,
            ) % {"day": _day(frame, last), "count": since}
    return ""


def _checked_since(target: TargetLine, frame: Frame) -> str:
    """A resolved target's latest reevaluation after its resolution: whether it stays
    at 0 (or came back)."""
    if target.resolved_at is None:
        return ""
    checks = [
        w for w in target.sessions if w.reevaluation_sud is not None and w.at > target.resolved_at
    ]
    if not checks:
        return ""
    latest = checks[-1]
    return _("Reevaluated on %(day)s: SUD %(sud)s.") % {
        "day": _day(frame, latest.at),
        "sud": latest.reevaluation_sud,
    }


def sud_reading(
    targets: Sequence[TargetLine], frame: Frame | None, held: Sequence[datetime] = ()
) -> str:
    """A sentence (or a few) per target with a SUD (at the start or end of a session, or
    at reevaluation), in plan order, then the open targets with none. ``held`` are the
    client's held sessions, to tell a target left aside."""
    scale, words = sud_scale(), _sud_words()
    sentences, waiting = [], []
    for target in targets:
        course = _course(target, scale, words) if frame is not None else ""
        if not course:
            if target.status in OPEN:
                waiting.append(target.label)
            continue
        sentences.append(course)
        for sentence in (_state(target, frame, held), _checked_since(target, frame)):
            if sentence:
                sentences.append(sentence)
    if waiting:
        sentences.append(_("No SUD recorded yet for %(labels)s.") % {"labels": _and(waiting)})
    if not sentences:
        return _("No processing recorded yet.")
    return " ".join(sentences)


def voc_reading(targets: Sequence[TargetLine]) -> str:
    """A sentence per target with a VoC, in plan order; the worked targets with none."""
    scale, words = voc_scale(), _voc_words()
    sentences, without = [], []
    for target in targets:
        course = _course(target, scale, words)
        if course:
            sentences.append(course)
        elif target.sessions:
            without.append(target.label)
    if without:
        sentences.append(_("No VoC recorded yet for %(labels)s.") % {"labels": _and(without)})
    if not sentences:
        return _("No VoC recorded yet.")
    return " ".join(sentences)


def _busiest(totals: dict[date, int], frame: Frame) -> str:
    """The most entries in one week, and which weeks held as many: all of them, never
    one picked from a tie."""
    most = max(totals.values())
    tied = sorted(monday for monday, total in totals.items() if total == most)
    if len(tied) == 1:
        return _("The most in one week: %(count)d, in the week of %(day)s.") % {
            "count": most,
            "day": _day(frame, tied[0]),
        }
    if len(tied) <= TIED_WEEKS_NAMED:
        return _("The most in one week: %(count)d, in each of the weeks of %(days)s.") % {
            "count": most,
            "days": _and([_day(frame, monday) for monday in tied]),
        }
    return ngettext(
        "The most in one week: %(count)d, in each of %(weeks)d week.",
        "The most in one week: %(count)d, in each of %(weeks)d weeks.",
        len(tied),
    ) % {"count": most, "weeks": len(tied)}


def tices_reading(counts: dict[date, list[int]], frame: Frame) -> str:
    """How many entries the weeks shown hold, how many were the most disturbing, the
    busiest week, and whether the later half of the weeks held fewer or more."""
    weeks = len(counts)
    totals = {monday: sum(bands) for monday, bands in counts.items()}
    total = sum(totals.values())
    span = ngettext("%(weeks)d week", "%(weeks)d weeks", weeks) % {"weeks": weeks}
    if not total:
        return _("No log entries in the %(span)s shown.") % {"span": span}
    low, high = TICES_BANDS[-1]
    hardest = sum(bands[-1] for bands in counts.values())
    sentences = [
        ngettext(
            "%(count)d log entry in the %(span)s shown, %(hard)d rated %(low)s-%(high)s.",
            "%(count)d log entries in the %(span)s shown, %(hard)d rated %(low)s-%(high)s.",
            total,
        )
        % {"count": total, "span": span, "hard": hardest, "low": low, "high": high}
    ]
    if weeks > 1:
        sentences.append(_busiest(totals, frame))
    if weeks >= COMPARE_FROM_WEEKS:
        mondays = sorted(totals)
        half = weeks // 2
        # The halves are as long as each other: the odd week out is the first.
        earlier = sum(totals[m] for m in mondays[weeks - 2 * half : weeks - half])
        later = sum(totals[m] for m in mondays[weeks - half :])
        values = {"earlier": earlier, "later": later, "half": half}
        if later < earlier:
            text = ngettext(
                "Fewer in the latest week than in the one before: %(later)d against %(earlier)d.",
                "Fewer in the latest %(half)d weeks than in the %(half)d before: %(later)d "
                "against %(earlier)d.",
                half,
            )
        elif later > earlier:
            text = ngettext(
                "More in the latest week than in the one before: %(later)d against %(earlier)d.",
                "More in the latest %(half)d weeks than in the %(half)d before: %(later)d "
                "against %(earlier)d.",
                half,
            )
        else:
            text = ngettext(
                "As many in the latest week as in the one before: %(later)d.",
                "As many in the latest %(half)d weeks as in the %(half)d before: %(later)d.",
                half,
            )
        sentences.append(text % values)
    return " ".join(sentences)
