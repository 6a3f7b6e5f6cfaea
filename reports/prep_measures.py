"""The Measures part of the session-prep report: each response since the last session
against the one before it, with its flags, and what is due before the next session.

Reads the episode's responses once and the clinic's cut-offs once; the change since the
first score is ``series_for`` on the responses up to each one, so the flags say what the
progress report's charts say at that point.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from clients.measures import policies
from clients.measures.change import Change
from clients.measures.due import is_overdue
from clients.measures.instruments import INSTRUMENTS
from clients.measures.instruments.definition import Instrument, Item
from clients.measures.models import MeasureResponse
from clients.measures.selectors import due_for, episode_responses, series_for
from clinic.models import Session


@dataclass(frozen=True)
class ScoreLine:
    """One number of a response (its total or a sub-scale) against the response before."""

    label: str
    value: int | None
    previous: int | None
    charted: bool  # the number the charts and the change rules use

    @property
    def change(self) -> int | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class ItemAnswer:
    """A safety item's answer, as answered: "Not at all (0)" is an answer, not a verdict."""

    item: Item
    value: int
    answer: str


@dataclass(frozen=True)
class MeasureSince:
    instrument: Instrument
    response: MeasureResponse
    previous: MeasureResponse | None
    scores: list[ScoreLine]
    band: str
    previous_band: str
    flags: list[str]  # the change since the first score of the episode, in words
    safety_items: list[ItemAnswer]
    diagnosis: str  # "" when the instrument gives none; otherwise met or not, in words
    deteriorated: bool = False  # reliably worse than the first score of the episode


@dataclass(frozen=True)
class DueBefore:
    instrument: Instrument
    since: datetime
    overdue: bool  # due for more than a week already
    upcoming: bool = False  # not due yet: due from a moment before the session


@dataclass(frozen=True)
class PrepMeasures:
    since: list[MeasureSince]
    due: list[DueBefore]

    @property
    def deteriorated(self) -> list[str]:
        """Instruments whose latest response here is a reliable deterioration."""
        latest = {each.instrument.name: each for each in self.since}
        return [name for name, each in latest.items() if each.deteriorated]


def _diagnosis(instrument: Instrument, response: MeasureResponse) -> str:
    if not instrument.diagnoses:
        return ""
    return instrument.diagnosis_label(response.diagnosis) or _(
        "criteria for a provisional diagnosis not met"
    )


def _scores(
    instrument: Instrument, response: MeasureResponse, previous: MeasureResponse | None
) -> list[ScoreLine]:
    def value(row: MeasureResponse | None, code: str) -> int | None:
        if row is None:
            return None
        return row.total if code == "total" else row.subscales.get(code)

    labels = {sub.code: str(sub.label) for sub in instrument.subscales}
    lines = [
        ScoreLine(labels.get(code, _("Total")), value(response, code), value(previous, code), True)
        for code in instrument.charted
    ]
    lines += [  # the sub-scales that are not charted (PCL-5's clusters), after the total
        ScoreLine(str(sub.label), value(response, sub.code), value(previous, sub.code), False)
        for sub in instrument.subscales
        if sub.code not in instrument.charted
    ]
    return lines


OUTCOME_WORDS = {
    "reliable_deterioration": _lazy("reliable deterioration"),
    "reliable_recovery": _lazy("reliable recovery"),
    "recovery": _lazy("recovery, without reliable improvement"),
    "reliable_improvement": _lazy("reliable improvement"),
    "no_reliable_change": _lazy("no reliable change"),
}


def change_words(change: Change | None) -> str:
    """The change from the first score of the episode, by the rule that decides it; ""
    where the instrument publishes no criterion (ITQ): nothing to claim."""
    if change is None or change.outcome not in OUTCOME_WORDS:
        return ""
    return _("%(outcome)s since the first score (%(baseline)s → %(latest)s)") % {
        "outcome": OUTCOME_WORDS[change.outcome],
        "baseline": change.baseline,
        "latest": change.latest,
    }


def _flags(series: list, instrument: Instrument) -> list[str]:
    found = []
    for each in series:
        if each.instrument.code != instrument.code:
            continue
        if len(each.points) < 2:
            found.append(_("first score of this episode of care"))
            break
        words = change_words(each.change)
        if words and each.charted != "total":
            words = f"{each.label}: {words}"
        if words:
            found.append(words)
    return found


def _safety_items(instrument: Instrument, response: MeasureResponse) -> list[ItemAnswer]:
    answers = []
    for code in instrument.safety_items:
        value = response.answers.get(code)
        if value is not None:
            answers.append(
                ItemAnswer(
                    instrument.item(code),
                    value,
                    instrument.option_text(code, value) or str(value),
                )
            )
    return answers


def _due_before(client, next_session: Session | None, now: datetime) -> list[DueBefore]:
    """What the client has to answer before the next session: due at the moment it
    starts, as things stand (or now, with no session booked)."""
    moment = next_session.starts_at - timedelta(seconds=1) if next_session else now
    return [
        DueBefore(due.instrument, due.since, is_overdue(due.since, now), due.since > now)
        for due in due_for(client, moment)
    ]


def prep_measures(
    *, client, since: datetime, until: datetime, next_session: Session | None
) -> PrepMeasures:
    """The responses completed between ``since`` and ``until`` (the report's window)."""
    now = timezone.now()
    responses = list(episode_responses(client))
    policy = policies.policies_for(client.clinic_id) if responses else None
    found = []
    for index, response in enumerate(responses):
        if not since <= response.completed_at <= until:
            continue
        instrument = INSTRUMENTS[response.instrument]
        previous = next(
            (r for r in reversed(responses[:index]) if r.instrument == response.instrument), None
        )
        series = series_for(client, responses[: index + 1], policy=policy)
        found.append(
            MeasureSince(
                instrument=instrument,
                response=response,
                previous=previous,
                scores=_scores(instrument, response, previous),
                band=instrument.band_label(response.band),
                previous_band=instrument.band_label(previous.band) if previous else "",
                flags=_flags(series, instrument),
                safety_items=_safety_items(instrument, response),
                diagnosis=_diagnosis(instrument, response),
                deteriorated=any(
                    each.change is not None and each.change.reliable_deterioration
                    for each in series
                    if each.instrument.code == instrument.code
                ),
            )
        )
    order = list(INSTRUMENTS)
    found.sort(key=lambda each: (order.index(each.instrument.code), each.response.completed_at))
    return PrepMeasures(since=found, due=_due_before(client, next_session, now))
