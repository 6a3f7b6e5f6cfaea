"""Scoring a response: pure functions of an instrument's definition and the answers.

Only the server scores. A response is scored only when every scored item is answered;
a missing item is never counted as 0.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .instruments.definition import Instrument


@dataclass(frozen=True)
class Score:
    total: int | None
    band: str  # a band code, "" when the instrument publishes none
    subscales: dict[str, int] = field(default_factory=dict)
    rules: dict[str, bool] = field(default_factory=dict)  # criterion code -> met
    diagnosis: str = ""  # the first provisional diagnosis whose criteria are met


def answer_errors(instrument: Instrument, answers: object, difficulty: object = None) -> dict:
    """Every problem with the answers, by item code ({} when there is none).

    Each missing item is named on its own, so a form or an app can point at it.
    """
    if not isinstance(answers, dict):
        return {"answers": [_("Give an object of item codes to answer values.")]}
    errors: dict[str, list[str]] = {}
    known = set(instrument.item_codes)
    for code in sorted(set(answers) - known, key=str):
        errors[str(code)] = [
            _("%(instrument)s has no item %(item)s.")
            % {"instrument": instrument.name, "item": code}
        ]
    for item in instrument.items:
        if item.code not in answers or answers[item.code] is None:
            errors[item.code] = [_("Answer item %(item)s.") % {"item": item.code}]
            continue
        allowed = [option.value for option in instrument.options_for(item)]
        value = answers[item.code]
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            errors[item.code] = [
                _("Item %(item)s takes one of %(values)s.")
                % {"item": item.code, "values": ", ".join(map(str, allowed))}
            ]
    if difficulty is not None:
        allowed = [option.value for option in instrument.difficulty_options]
        if (
            not allowed
            or isinstance(difficulty, bool)
            or not isinstance(difficulty, int)
            or difficulty not in allowed
        ):
            errors["difficulty"] = (
                [
                    _("Difficulty takes one of %(values)s.")
                    % {"values": ", ".join(map(str, allowed))}
                ]
                if allowed
                else [
                    _("%(instrument)s has no difficulty question.")
                    % {"instrument": instrument.name}
                ]
            )
    return errors


def _rule_met(rule, answers: dict[str, int]) -> bool:
    return all(
        sum(1 for code in items if answers[code] >= rule.threshold) >= at_least
        for items, at_least in rule.groups
    )


def score(instrument: Instrument, answers: dict[str, int]) -> Score:
    """Score complete, valid answers (see ``answer_errors``)."""
    missing = [code for code in instrument.item_codes if code not in answers]
    if missing:
        raise ValueError(f"Not scored: items {missing} are not answered.")
    total = (
        sum(answers[code] for code in instrument.total_items) if instrument.total_items else None
    )
    band = instrument.band_for(total)
    rules = {rule.code: _rule_met(rule, answers) for rule in instrument.rules}
    diagnosis = next(
        (each.code for each in instrument.diagnoses if all(rules[code] for code in each.requires)),
        "",
    )
    return Score(
        total=total,
        band=band.code if band else "",
        subscales={
            sub.code: sum(answers[code] for code in sub.items) for sub in instrument.subscales
        },
        rules=rules,
        diagnosis=diagnosis,
    )
