"""Writes: responses (scored, with the self-harm item's alert), schedules, clinic defaults."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Alert, Client
from clients.services import alert_raise
from clinic.models import User

from . import policies
from .instruments import INSTRUMENTS
from .instruments.definition import Instrument
from .models import Cadence, MeasureResponse, MeasureSchedule
from .scoring import answer_errors, score


def instrument_in_use(*, client: Client, code: object) -> Instrument:
    """The instrument ``code`` if the client's clinic uses it; a ValidationError otherwise."""
    if not isinstance(code, str) or code not in INSTRUMENTS:
        raise ValidationError(
            {"instrument": ValidationError(_("No such instrument."), code="invalid_choice")}
        )
    if not policies.policies_for(client.clinic_id)[code].enabled:
        raise ValidationError(
            {
                "instrument": ValidationError(
                    _("This clinic does not use %(name)s.") % {"name": INSTRUMENTS[code].name},
                    code="not_in_use",
                )
            }
        )
    return INSTRUMENTS[code]


@dataclass(frozen=True)
class ResponseDraft:
    response: MeasureResponse
    instrument: Instrument
    stored: MeasureResponse | None = None
    uuid_from_client: bool = False


def response_prepare(
    *,
    client: Client,
    instrument: str,
    answers: object,
    completed_at: datetime,
    difficulty: int | None = None,
    client_uuid: uuid.UUID | None = None,
    entered_by: User | None = None,
) -> ResponseDraft:
    """Validate and score a response; writes nothing. Every scored item must be answered:
    a ValidationError names each missing or wrong one under ``answers``."""
    if client_uuid is not None:
        stored = MeasureResponse.objects.filter(client=client, client_uuid=client_uuid).first()
        if stored is not None:
            return ResponseDraft(
                response=stored, instrument=INSTRUMENTS[stored.instrument], stored=stored
            )
    definition = instrument_in_use(client=client, code=instrument)
    errors = answer_errors(definition, answers, difficulty)
    if errors:
        raise ValidationError(
            {"answers": [message for each in errors.values() for message in each]}
        )
    scored = score(definition, answers)
    response = MeasureResponse(
        client=client,
        instrument=definition.code,
        version=definition.version,
        completed_at=completed_at,
        client_uuid=client_uuid or uuid.uuid4(),
        answers={code: answers[code] for code in definition.item_codes},
        difficulty=difficulty,
        total=scored.total,
        band=scored.band,
        subscales=scored.subscales,
        rules=scored.rules,
        diagnosis=scored.diagnosis,
        entered_by=entered_by,
    )
    return ResponseDraft(
        response=response, instrument=definition, uuid_from_client=client_uuid is not None
    )


def self_harm_answers(instrument: Instrument, answers: dict) -> dict[str, int]:
    """The instrument's safety items answered above 0 (PHQ-9 item 9)."""
    return {code: answers[code] for code in instrument.safety_items if answers.get(code, 0) > 0}


@transaction.atomic(savepoint=False)
def response_record(*, draft: ResponseDraft) -> tuple[MeasureResponse, bool]:
    """Store a prepared response; a self-harm item above 0 raises a safety alert in the same
    transaction (e-mailed like a safety check-in). Returns (response, created); a
    ``client_uuid`` already stored returns the stored one, so a retry stores nothing."""
    if draft.stored is not None:
        return draft.stored, False
    response = draft.response
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        if not draft.uuid_from_client:
            raise
        stored = MeasureResponse.objects.get(
            client=response.client, client_uuid=response.client_uuid
        )
        return stored, False
    if self_harm_answers(draft.instrument, response.answers):
        response.alert = alert_raise(client=response.client, kind=Alert.Kind.SAFETY_CONCERN)
        response.save(update_fields=["alert"])
    return response, True


def schedule_set(
    *,
    client: Client,
    instrument: str,
    cadence: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
    by: User | None = None,
) -> MeasureSchedule:
    """Set when the client is asked to complete an instrument (one schedule per instrument)."""
    definition = instrument_in_use(client=client, code=instrument)
    if cadence not in Cadence.values:
        raise ValidationError(
            {"cadence": ValidationError(_("Choose how often."), code="invalid_choice")}
        )
    starts_on = starts_on or timezone.localdate()
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last day comes on or after the first.")})
    schedule, _created = MeasureSchedule.objects.update_or_create(
        client=client,
        instrument=definition.code,
        defaults={"cadence": cadence, "starts_on": starts_on, "ends_on": ends_on, "created_by": by},
    )
    return schedule


def schedule_stop(*, schedule: MeasureSchedule, on: date | None = None) -> MeasureSchedule:
    """Stop asking from ``on`` (today by default); the responses stay."""
    on = on or timezone.localdate()
    schedule.ends_on = max(on, schedule.starts_on)
    schedule.save(update_fields=["ends_on"])
    return schedule


def schedules_from_clinic_defaults(
    *, client: Client, by: User | None = None
) -> list[MeasureSchedule]:
    """Give a new client the clinic's default schedules, starting on their first day."""
    return [
        schedule_set(
            client=client,
            instrument=code,
            cadence=policy.default_cadence,
            starts_on=client.started_on,
            by=by,
        )
        for code, policy in policies.enabled_for(client.clinic_id).items()
        if policy.default_cadence
    ]
