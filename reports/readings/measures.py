"""The reading beside each Measures chart: where the scores went, and what the change
means by the NHS Talking Therapies rules ("PHQ-9 fell from 17, moderately severe, to 9,
mild: reliable improvement and recovery").

Pure: an instrument's definition, its series (``clients.measures.selectors.Series``:
points oldest first, and the episode's ``Change`` with the pairing applied), the
clinic's cut-offs, and the bands and provisional diagnoses of the first and latest
responses as they were scored then (stored codes, never recomputed from the total).
Each sentence stays whole for translators; the outcome is a phrase of its own.
"""

from collections.abc import Sequence

from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _

from clients.measures.change import Change, Criteria, change_between
from clients.measures.instruments import INSTRUMENTS
from clients.measures.instruments.definition import Instrument


def _score(instrument: Instrument, value: int, band: str) -> dict:
    """A score with the label of the band it was stored with ("" for none)."""
    return {"value": value, "band": instrument.band_label(band)}


def _paired_away(change: Change, criteria: Criteria) -> bool:
    """A reliable improvement on its own that the pairing does not count: its pair
    reliably deteriorated."""
    alone = change_between(change.baseline, change.latest, criteria)
    return bool(alone.reliable_improvement) and not change.reliable_improvement


def outcome(instrument: Instrument, change: Change, criteria: Criteria) -> str:
    """The change in words, the most pressing first (as ``Change.outcome`` orders it)."""
    values = {
        "points": criteria.reliable_change,
        "cutoff": criteria.caseness,
        "other": INSTRUMENTS[instrument.paired_with].name if instrument.paired_with else "",
    }
    if change.reliable_deterioration:
        return _("reliable deterioration")
    if _paired_away(change, criteria):
        if change.recovery:
            return (
                _(
                    "recovery, but not counted as reliable improvement while %(other)s "
                    "reliably deteriorated"
                )
                % values
            )
        return (
            _("not counted as reliable improvement while %(other)s reliably deteriorated") % values
        )
    if change.reliable_recovery:
        return _("reliable improvement and recovery")
    if change.recovery:
        return _("recovery, by less than the %(points)s points that count as reliable") % values
    if change.reliable_improvement is None:
        return _("no reliable-change criterion is published, so change is not judged")
    if change.reliable_improvement:
        if change.recovery is None and criteria.caseness is not None:
            return (
                _(
                    "reliable improvement; recovery does not apply, as it started below "
                    "the cut-off of %(cutoff)s"
                )
                % values
            )
        if change.recovery is False:
            return _("reliable improvement, still at or above the cut-off of %(cutoff)s") % values
        return _("reliable improvement")
    if change.recovery is None and criteria.caseness is not None:
        return (
            _(
                "no reliable change; recovery does not apply, as it started below the "
                "cut-off of %(cutoff)s"
            )
            % values
        )
    return _("no reliable change (%(points)s points or more count as reliable)") % values


def _total_sentence(
    instrument: Instrument, change: Change, criteria: Criteria, bands: tuple[str, str]
) -> str:
    first = _score(instrument, change.baseline, bands[0])
    latest = _score(instrument, change.latest, bands[1])
    values = {
        "name": instrument.name,
        "from": first["value"],
        "from_band": first["band"],
        "to": latest["value"],
        "to_band": latest["band"],
        "outcome": outcome(instrument, change, criteria),
    }
    # Spelled out so that gettext's extractor finds each sentence whole. A band no longer
    # in the definition (a response scored by an older version) is left unsaid.
    banded = bool(first["band"] and latest["band"])
    if banded and change.change < 0:
        text = _("%(name)s fell from %(from)s, %(from_band)s, to %(to)s, %(to_band)s: %(outcome)s.")
    elif banded and change.change > 0:
        text = _("%(name)s rose from %(from)s, %(from_band)s, to %(to)s, %(to_band)s: %(outcome)s.")
    elif banded and first["band"] == latest["band"]:
        text = _(
            "%(name)s was %(to)s, %(to_band)s, at the first score and at the latest: %(outcome)s."
        )
    elif change.change < 0:
        text = _("%(name)s fell from %(from)s to %(to)s: %(outcome)s.")
    elif change.change > 0:
        text = _("%(name)s rose from %(from)s to %(to)s: %(outcome)s.")
    else:
        text = _("%(name)s was %(to)s at the first score and at the latest: %(outcome)s.")
    return text % values


def _one_total(instrument: Instrument, value: int, band: str, criteria: Criteria) -> str:
    score = {
        "name": instrument.name,
        **_score(instrument, value, band),
        "cutoff": criteria.caseness,
    }
    if score["band"]:
        return _("One %(name)s score so far: %(value)s, %(band)s.") % score
    if criteria.caseness is None:
        return _("One %(name)s score so far: %(value)s.") % score
    if value >= criteria.caseness:
        return _("One %(name)s score so far: %(value)s, at or above the cut-off of %(cutoff)s.") % (
            score
        )
    return _("One %(name)s score so far: %(value)s, below the cut-off of %(cutoff)s.") % score


def _sum_sentence(label: str, points: Sequence) -> str:
    """One sub-scale charted on its own (the ITQ's PTSD and DSO sums)."""
    values = {"label": capfirst(label), "from": points[0][1], "to": points[-1][1]}
    if len(points) == 1:
        return _("%(label)s: %(to)s (one score so far).") % values
    if values["to"] < values["from"]:
        return _("%(label)s fell from %(from)s to %(to)s.") % values
    if values["to"] > values["from"]:
        return _("%(label)s rose from %(from)s to %(to)s.") % values
    return _("%(label)s was %(to)s at the first score and at the latest.") % values


def diagnosis_sentences(
    instrument: Instrument, first: str, latest: str, responses: int
) -> list[str]:
    """What the provisional diagnostic rules give on the latest answers, and on the first
    when that differed."""
    if not instrument.diagnoses:
        return []
    if latest:
        sentences = [
            _("The latest answers meet the criteria for %(diagnosis)s.")
            % {"diagnosis": instrument.diagnosis_label(latest)}
        ]
    else:
        every = get_text_list([str(d.label) for d in instrument.diagnoses], _("or"))
        sentences = [
            _("The latest answers do not meet the criteria for %(diagnoses)s.")
            % {"diagnoses": every}
        ]
    if responses > 1 and first != latest:
        if first:
            sentences.append(
                _("The first met those for %(diagnosis)s.")
                % {"diagnosis": instrument.diagnosis_label(first)}
            )
        else:
            sentences.append(_("The first met none of them."))
    return sentences


def measure_reading(
    instrument: Instrument,
    series: Sequence,
    criteria: Criteria,
    *,
    first_band: str = "",
    latest_band: str = "",
    first_diagnosis: str = "",
    latest_diagnosis: str = "",
) -> str:
    """The reading of one instrument's chart. ``series`` are its charted numbers (one for
    a total; the ITQ's two sums), each with ``points`` and ``change``; the bands and
    diagnoses are the codes stored with the first and latest responses."""
    shown = [each for each in series if each.points]
    if not shown:
        return _("No %(name)s scores yet.") % {"name": instrument.name}
    responses = max(len(each.points) for each in shown)
    if instrument.charted == ("total",):
        total = shown[0]
        if total.change is None:
            sentences = [_one_total(instrument, total.points[-1][1], latest_band, criteria)]
        else:
            bands = (first_band, latest_band)
            sentences = [_total_sentence(instrument, total.change, criteria, bands)]
    else:
        sentences = [_sum_sentence(str(each.label), each.points) for each in shown]
        if responses > 1 and criteria.reliable_change is None:
            sentences.append(
                _(
                    "No reliable-change criterion is published for the %(name)s, so change "
                    "is not judged."
                )
                % {"name": instrument.name}
            )
    sentences += diagnosis_sentences(instrument, first_diagnosis, latest_diagnosis, responses)
    return " ".join(sentences)
