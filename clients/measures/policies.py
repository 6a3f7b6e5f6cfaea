"""How a clinic uses each instrument: on or off, and its cut-offs (published unless changed)."""

from dataclasses import dataclass

from .change import Criteria
from .instruments import INSTRUMENTS
from .instruments.definition import Instrument
from .models import ClinicInstrument


@dataclass(frozen=True)
class Policy:
    instrument: Instrument
    enabled: bool
    criteria: Criteria
    paired: bool
    default_cadence: str


def _published(setting) -> int | None:
    return None if setting is None else setting.default


def policy_from(instrument: Instrument, row: ClinicInstrument | None) -> Policy:
    if row is None:
        return Policy(
            instrument=instrument,
            enabled=True,
            criteria=Criteria(
                _published(instrument.caseness), _published(instrument.reliable_change)
            ),
            paired=bool(instrument.paired_with),
            default_cadence="",
        )
    caseness = row.caseness if row.caseness is not None else _published(instrument.caseness)
    reliable = (
        row.reliable_change
        if row.reliable_change is not None
        else _published(instrument.reliable_change)
    )
    return Policy(
        instrument=instrument,
        enabled=row.enabled,
        # A cut-off only where the instrument has one: ITQ gains none from a stray value.
        criteria=Criteria(
            caseness if instrument.caseness else None,
            reliable if instrument.reliable_change else None,
        ),
        paired=row.paired and bool(instrument.paired_with),
        default_cadence=row.default_cadence,
    )


def policies_for(clinic_id: int) -> dict[str, Policy]:
    """Every instrument with the clinic's choices, in the product's order (one query)."""
    rows = {row.instrument: row for row in ClinicInstrument.objects.filter(clinic_id=clinic_id)}
    return {code: policy_from(each, rows.get(code)) for code, each in INSTRUMENTS.items()}


def enabled_for(clinic_id: int) -> dict[str, Policy]:
    return {code: p for code, p in policies_for(clinic_id).items() if p.enabled}
