"""The readings beside the EMDR charts: where each target's disturbance and VoC went
across its sessions ("The kitchen, age 9: SUD fell from 8 to 2 over 4 sessions. Marked
resolved on 3 Mar."), and how often and how hard the client's log says things stirred
them up.

Pure: the figures' plain data in (``reports.figures.emdr``), plain text out; the page
escapes it. Each sentence stays whole for translators. Target labels are the therapist's
words and are quoted as written.
"""

from collections.abc import Callable, Sequence
from datetime import date, datetime

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.emdr.models import Target
from reports.chart_dates import TICK_DAY, TICK_DAY_YEAR, Frame, day_words
from reports.figures.emdr import TICES_BANDS, TargetLine, Worked

OPEN = (Target.Status.PLANNED, Target.Status.IN_PROGRESS)
# The log's weeks are compared half against half from this many weeks on: fewer would
# set one week against another.
COMPARE_FROM_WEEKS = 4


def _day(frame: Frame, moment: datetime | date) -> str:
    """ "3 Mar" (with the year when the chart spans years), in the frame's zone."""
    day = frame.day_of(moment) if isinstance(moment, datetime) else moment
    return day_words(frame, day, TICK_DAY_YEAR if frame.spans_years else TICK_DAY)


def _and(labels: Sequence[str]) -> str:
    return get_text_list(list(labels), _("and"))


def _rated(
    sessions: Sequence[Worked], start: Callable[[Worked], int | None], end: Callable
) -> tuple[list[Worked], int | None, int | None]:
    """The sessions with a rating, the first rating (the first session's start, else its
    end) and the latest (the last session's end, else its start)."""
    rated = [w for w in sessions if start(w) is not None or end(w) is not None]
    if not rated:
        return [], None, None
    first, last = rated[0], rated[-1]
    return (
        rated,
        start(first) if start(first) is not None else end(first),
        end(last) if end(last) is not None else start(last),
    )


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


def _sud_sentence(label: str, rated: list[Worked], first: int, latest: int) -> str:
    values = {"label": label, "from": first, "to": latest, "count": len(rated)}
    if len(rated) == 1:
        only = rated[0]
        if only.sud_start is not None and only.sud_end is not None:
            return _(
                "%(label)s: SUD %(from)s at the start of its one session, %(to)s at the end."
            ) % (values)
        return _("%(label)s: SUD %(to)s in its one session.") % values
    if latest < first:
        text = ngettext(
            "%(label)s: SUD fell from %(from)s to %(to)s over %(count)d session.",
            "%(label)s: SUD fell from %(from)s to %(to)s over %(count)d sessions.",
            len(rated),
        )
    elif latest > first:
        text = ngettext(
            "%(label)s: SUD rose from %(from)s to %(to)s over %(count)d session.",
            "%(label)s: SUD rose from %(from)s to %(to)s over %(count)d sessions.",
            len(rated),
        )
    else:
        text = ngettext(
            "%(label)s: SUD %(to)s at the first session and at the latest (%(count)d session).",
            "%(label)s: SUD %(to)s at the first session and at the latest (%(count)d sessions).",
            len(rated),
        )
    return text % values


def sud_reading(
    targets: Sequence[TargetLine], frame: Frame | None, held: Sequence[datetime] = ()
) -> str:
    """A sentence (or two) per target with a SUD, in plan order, then the open targets
    with none. ``held`` are the client's held sessions, to tell a target left aside."""
    sentences, waiting = [], []
    for target in targets:
        rated, first, latest = _rated(target.sessions, lambda w: w.sud_start, lambda w: w.sud_end)
        if not rated or frame is None:
            if target.status in OPEN:
                waiting.append(target.label)
            continue
        sentences.append(_sud_sentence(target.label, rated, first, latest))
        state = _state(target, frame, held)
        if state:
            sentences.append(state)
    if waiting:
        sentences.append(_("No SUD recorded yet for %(labels)s.") % {"labels": _and(waiting)})
    if not sentences:
        return _("No processing recorded yet.")
    return " ".join(sentences)


def _voc_sentence(label: str, rated: list[Worked], first: int, latest: int) -> str:
    values = {"label": label, "from": first, "to": latest, "count": len(rated)}
    if len(rated) == 1:
        only = rated[0]
        if only.voc_setup is not None and only.voc_installed is not None:
            return (
                _(
                    "%(label)s: VoC %(from)s at set-up and %(to)s after installation, in its one "
                    "session."
                )
                % values
            )
        return _("%(label)s: VoC %(to)s in its one session.") % values
    if latest > first:
        text = ngettext(
            "%(label)s: VoC rose from %(from)s to %(to)s over %(count)d session.",
            "%(label)s: VoC rose from %(from)s to %(to)s over %(count)d sessions.",
            len(rated),
        )
    elif latest < first:
        text = ngettext(
            "%(label)s: VoC fell from %(from)s to %(to)s over %(count)d session.",
            "%(label)s: VoC fell from %(from)s to %(to)s over %(count)d sessions.",
            len(rated),
        )
    else:
        text = ngettext(
            "%(label)s: VoC %(to)s at the first session and at the latest (%(count)d session).",
            "%(label)s: VoC %(to)s at the first session and at the latest (%(count)d sessions).",
            len(rated),
        )
    return text % values


def voc_reading(targets: Sequence[TargetLine]) -> str:
    """A sentence per target with a VoC, in plan order; the worked targets with none."""
    sentences, without = [], []
    for target in targets:
        rated, first, latest = _rated(
            target.sessions, lambda w: w.voc_setup, lambda w: w.voc_installed
        )
        if rated:
            sentences.append(_voc_sentence(target.label, rated, first, latest))
        elif target.sessions:
            without.append(target.label)
    if without:
        sentences.append(_("No VoC recorded yet for %(labels)s.") % {"labels": _and(without)})
    if not sentences:
        return _("No VoC recorded yet.")
    return " ".join(sentences)


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
        busiest = max(totals, key=lambda monday: (totals[monday], monday))
        sentences.append(
            _("The most in one week: %(count)d, in the week of %(day)s.")
            % {"count": totals[busiest], "day": _day(frame, busiest)}
        )
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
