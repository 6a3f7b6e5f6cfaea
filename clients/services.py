"""Writes that touch clients' records. Every function checks that what it links
belongs to the same clinic, so no caller can join two tenants by mistake."""

import uuid
from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from clinic.models import Clinic, Therapist, User

from . import library
from .models import (
    SCALES,
    Alert,
    Assignment,
    CheckIn,
    CheckInEmotion,
    Client,
    Completion,
    EmotionLabel,
)


def install_default_library(*, clinic_id: int, label_model, exercise_model) -> None:
    """Create the default vocabulary and exercises a clinic lacks; safe to run twice.

    Takes the model classes so the data migration can pass its historical models.
    """
    have_codes = set(label_model.objects.filter(clinic_id=clinic_id).values_list("code", flat=True))
    label_model.objects.bulk_create(
        label_model(clinic_id=clinic_id, code=code, name=name, tone=tone, sort_order=order)
        for order, (code, name, tone) in enumerate(library.DEFAULT_EMOTIONS)
        if code not in have_codes
    )
    have_titles = set(
        exercise_model.objects.filter(clinic_id=clinic_id).values_list("title", flat=True)
    )
    exercise_model.objects.bulk_create(
        exercise_model(clinic_id=clinic_id, **item)
        for item in library.DEFAULT_EXERCISES
        if item["title"] not in have_titles
    )


def clinic_library_install(*, clinic: Clinic) -> None:
    """Give a clinic the default emotion vocabulary and exercise library."""
    from .models import Exercise

    install_default_library(clinic_id=clinic.pk, label_model=EmotionLabel, exercise_model=Exercise)


@transaction.atomic
def client_create(
    *,
    therapist: Therapist,
    email: str,
    label: str,
    time_zone: str = "UTC",
    focus_areas: list[str] | None = None,
    password: str | None = None,
    started_on: date | None = None,
) -> Client:
    """Create a client of the therapist's clinic, with a login for the API.

    Without a password the account cannot log in until the client sets one.
    """
    user = User.objects.create_user(
        email=email, password=password, clinic=therapist.clinic, role=User.Role.CLIENT
    )
    client = Client(
        clinic=therapist.clinic,
        user=user,
        primary_therapist=therapist,
        label=label,
        time_zone=time_zone,
        focus_areas=focus_areas or [],
    )
    if started_on is not None:
        client.started_on = started_on
    client.full_clean(exclude=["clinic", "user", "primary_therapist"])
    client.save()
    return client


def alert_raise(*, client: Client, kind: str, check_in: CheckIn | None = None) -> Alert:
    """Raise an alert for the client's therapist; one per check-in and kind."""
    if check_in is None:
        return Alert.objects.create(client=client, kind=kind)
    alert, _ = Alert.objects.get_or_create(client=client, kind=kind, check_in=check_in)
    return alert


def _labels_for(client: Client, emotions: Iterable[tuple[str, int]]) -> list[tuple]:
    """Resolve (code, intensity) pairs against the client's clinic vocabulary."""
    pairs = list(emotions)
    if not pairs:
        raise ValidationError({"emotions": "Label at least one emotion."})
    codes = [code for code, _ in pairs]
    if len(set(codes)) != len(codes):
        raise ValidationError({"emotions": "Each emotion may be labelled only once."})
    by_code = {
        label.code: label
        for label in EmotionLabel.objects.filter(
            clinic_id=client.clinic_id, code__in=codes, is_active=True
        )
    }
    unknown = [code for code in codes if code not in by_code]
    if unknown:
        raise ValidationError({"emotions": f"Not in this clinic's vocabulary: {unknown}."})
    low, high = SCALES["intensity"]
    for _, intensity in pairs:
        if not low <= intensity <= high:
            raise ValidationError({"emotions": f"Intensity must be between {low} and {high}."})
    return [(by_code[code], intensity) for code, intensity in pairs]


@transaction.atomic
def check_in_record(
    *,
    client: Client,
    occurred_at: datetime,
    emotions: Iterable[tuple[str, int]],
    distress: int,
    charge: int | None = None,
    mind_space: int | None = None,
    self_compassion: int | None = None,
    resistance: int | None = None,
    wants_to_discuss: bool = False,
    safety_concern: bool = False,
    note: str = "",
    client_uuid: uuid.UUID | None = None,
    received_at: datetime | None = None,
) -> CheckIn:
    """Store a check-in with its emotions; raise a safety alert when asked to.

    A check-in whose ``client_uuid`` is already stored is returned as it is, so
    an app that retries never stores the same moment twice.
    """
    if client_uuid is not None:
        existing = CheckIn.objects.filter(client=client, client_uuid=client_uuid).first()
        if existing is not None:
            return existing
    labels = _labels_for(client, emotions)
    check_in = CheckIn(
        client=client,
        occurred_at=occurred_at,
        client_uuid=client_uuid or uuid.uuid4(),
        distress=distress,
        charge=charge,
        mind_space=mind_space,
        self_compassion=self_compassion,
        resistance=resistance,
        wants_to_discuss=wants_to_discuss,
        safety_concern=safety_concern,
        note=note,
    )
    if received_at is not None:
        check_in.received_at = received_at
    check_in.full_clean(exclude=["client"], validate_unique=False)
    check_in.save()
    CheckInEmotion.objects.bulk_create(
        CheckInEmotion(check_in=check_in, label=label, intensity=intensity)
        for label, intensity in labels
    )
    if safety_concern:
        alert_raise(client=client, kind=Alert.Kind.SAFETY_CONCERN, check_in=check_in)
    return check_in


def assignment_create(
    *,
    therapist: Therapist,
    client: Client,
    exercise,
    schedule: str,
    starts_on: date,
    times_per_week: int | None = None,
    ends_on: date | None = None,
    note_to_client: str = "",
) -> Assignment:
    """Give a client an exercise from their own clinic's library."""
    if client.clinic_id != therapist.clinic_id:
        raise ValidationError({"client": "This client is not at your clinic."})
    if exercise.clinic_id != client.clinic_id:
        raise ValidationError({"exercise": "This exercise is not in the clinic's library."})
    assignment = Assignment(
        client=client,
        exercise=exercise,
        assigned_by=therapist,
        schedule=schedule,
        times_per_week=times_per_week,
        starts_on=starts_on,
        ends_on=ends_on,
        note_to_client=note_to_client,
    )
    assignment.full_clean(exclude=["client", "exercise", "assigned_by"])
    assignment.save()
    return assignment


def completion_record(
    *,
    assignment: Assignment,
    completed_at: datetime,
    distress_before: int,
    distress_after: int,
    helpfulness: int,
    reflection: str = "",
    client_uuid: uuid.UUID | None = None,
) -> Completion:
    """Store one completion of an assignment; a repeated ``client_uuid`` is stored once."""
    if client_uuid is not None:
        existing = assignment.completions.filter(client_uuid=client_uuid).first()
        if existing is not None:
            return existing
    completion = Completion(
        assignment=assignment,
        completed_at=completed_at,
        distress_before=distress_before,
        distress_after=distress_after,
        helpfulness=helpfulness,
        reflection=reflection,
        client_uuid=client_uuid or uuid.uuid4(),
    )
    completion.full_clean(exclude=["assignment"], validate_unique=False)
    completion.save()
    return completion
