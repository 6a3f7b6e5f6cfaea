"""Writes: responses (scored, with the self-harm item's alert), schedules, clinic defaults."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
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


def same_answers(stored: MeasureResponse, instrument: object, answers: object, difficulty) -> bool:
    """Whether answers sent again are the stored response's, word for word."""
    codes = INSTRUMENTS[stored.instrument].item_codes
    return (
        instrument == stored.instrument
        and isinstance(answers, dict)
        and {code: answers.get(code) for code in codes} == stored.answers
        and difficulty == stored.difficulty
    )


def _same_or_refuse(
    stored: MeasureResponse, instrument: object, answers: object, difficulty
) -> None:
    """A response sent again is the stored one only when it says the same: changed answers
    under the same ``client_uuid`` (a corrected paper form, a changed self-harm answer) are
    refused in words, never dropped as if they had been stored."""
    if not same_answers(stored, instrument, answers, difficulty):
        raise ValidationError(
            {
                "client_uuid": ValidationError(
                    _(
                        "These answers differ from the ones already stored under this "
                        "client_uuid; send them with a new one."
                    ),
                    code="client_uuid_reused",
                )
            }
        )


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
            _same_or_refuse(stored, instrument, answers, difficulty)
            return ResponseDraft(
                response=stored, instrument=INSTRUMENTS[stored.instrument], stored=stored
            )
    _refuse_after_discharge(client)
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


def asked_of(*, client: Client, instrument: str, completed_at: datetime) -> bool:
    """Whether the client was asked for the instrument when they answered: a schedule of
    it that was not stopped by then. An answer given offline may arrive after its period
    ended or the schedule stopped; what was answered while it was asked is kept."""
    return (
        client.measure_schedules.filter(instrument=instrument)
        .filter(Q(stopped_at__isnull=True) | Q(stopped_at__gte=completed_at))
        .exists()
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


def client_today(client: Client) -> date:
    """Today in the client's own zone: the day a schedule starts or stops is theirs."""
    return timezone.localdate(timezone=ZoneInfo(client.time_zone))


def _refuse_after_discharge(client: Client) -> None:
    if client.status == Client.Status.DISCHARGED:
        raise PermissionDenied(_("Treatment has ended; questionnaires are no longer recorded."))


# How far from today a schedule's days may lie: a typo in the year is refused, not
# turned into a measure overdue since long ago.
SCHEDULE_DAYS_BACK = 366
SCHEDULE_YEARS_AHEAD = 5


def _near_today(field: str, day: date | None, today: date) -> None:
    if day is None:
        return
    if day < today - timedelta(days=SCHEDULE_DAYS_BACK):
        raise ValidationError(
            {field: ValidationError(_("Choose a day within the last year."), code="too_old")}
        )
    if day > today + timedelta(days=366 * SCHEDULE_YEARS_AHEAD):
        raise ValidationError(
            {
                field: ValidationError(
                    _("Choose a day within the next %(years)d years.")
                    % {"years": SCHEDULE_YEARS_AHEAD},
                    code="too_far",
                )
            }
        )


def schedule_set(
    *,
    client: Client,
    instrument: str,
    cadence: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
    by: User | None = None,
) -> MeasureSchedule:
    """Set when the client is asked to complete an instrument (one schedule per
    instrument); setting a stopped one starts it again."""
    _refuse_after_discharge(client)
    definition = instrument_in_use(client=client, code=instrument)
    if cadence not in Cadence.values:
        raise ValidationError(
            {"cadence": ValidationError(_("Choose how often."), code="invalid_choice")}
        )
    today = client_today(client)
    starts_on = starts_on or today
    _near_today("starts_on", starts_on, today)
    _near_today("ends_on", ends_on, today)
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last day comes on or after the first.")})
    schedule, _created = MeasureSchedule.objects.update_or_create(
        client=client,
        instrument=definition.code,
        defaults={
            "cadence": cadence,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "created_by": by,
            "stopped_at": None,
        },
    )
    return schedule


def schedule_stop(*, schedule: MeasureSchedule) -> MeasureSchedule:
    """Stop asking now: nothing of it is due from this moment. The responses stay; a
    schedule already stopped keeps the moment it stopped."""
    if schedule.stopped_at is None:
        schedule.stopped_at = timezone.now()
        schedule.save(update_fields=["stopped_at"])
    return schedule


def schedules_stop_all(*, client: Client) -> int:
    """Stop every schedule of the client (a discharge); returns how many were running."""
    running = list(client.measure_schedules.filter(stopped_at__isnull=True))
    for schedule in running:  # one by one, so each leaves its audit row
        schedule_stop(schedule=schedule)
    return len(running)


def schedules_from_clinic_defaults(
    *, client: Client, by: User | None = None, starts_on: date | None = None
) -> list[MeasureSchedule]:
    """Give a new client the clinic's default schedules, from ``starts_on``: by default
    their first day, or today for a client whose treatment began before the record."""
    starts_on = starts_on or max(client.started_on, client_today(client))
    return [
        schedule_set(
            client=client,
            instrument=code,
            cadence=policy.default_cadence,
            starts_on=starts_on,
            by=by,
        )
        for code, policy in policies.enabled_for(client.clinic_id).items()
        if policy.default_cadence
    ]
