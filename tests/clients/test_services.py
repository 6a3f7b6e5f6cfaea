import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.models import Alert, CheckIn, Completion
from clients.services import (
    assignment_create,
    check_in_prepare,
    check_in_record,
    completion_record,
)
from tests import factories


def _check_in(client, **overrides):
    values = {
        "client": client,
        "occurred_at": timezone.now(),
        "emotions": [("grief", 7), ("longing", 5)],
        "distress": 6,
        "charge": 3,
        "mind_space": 60,
    }
    values.update(overrides)
    check_in, _ = check_in_record(draft=check_in_prepare(**values))
    return check_in


@pytest.mark.django_db
def test_check_in_stores_emotions_from_the_clinic_vocabulary(client_record):
    check_in = _check_in(client_record)
    assert {(e.label.code, e.intensity) for e in check_in.emotions.all()} == {
        ("grief", 7),
        ("longing", 5),
    }
    assert check_in.self_compassion is None  # skipped questions stay unanswered, not zero


@pytest.mark.django_db
def test_retried_check_in_is_stored_once(client_record):
    key = uuid.uuid4()
    first = _check_in(client_record, client_uuid=key)
    again = _check_in(client_record, client_uuid=key)
    assert again.pk == first.pk
    assert CheckIn.objects.filter(client=client_record).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"emotions": []}, "emotions"),
        ({"emotions": [("grief", 5), ("grief", 6)]}, "emotions"),
        ({"emotions": [("euphoric", 5)]}, "emotions"),
        ({"emotions": [("grief", 11)]}, "emotions"),
        ({"distress": 11}, "distress"),
        ({"charge": -6}, "charge"),
        ({"mind_space": 101}, "mind_space"),
    ],
)
def test_bad_check_in_names_the_field_and_stores_nothing(client_record, overrides, field):
    with pytest.raises(ValidationError) as error:
        _check_in(client_record, **overrides)
    assert field in error.value.message_dict
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_other_clinics_vocabulary_is_not_accepted(client_record, other_clinic):
    other_clinic.emotion_labels.create(code="their-word", name="Their word")
    with pytest.raises(ValidationError):
        _check_in(client_record, emotions=[("their-word", 4)])


@pytest.mark.django_db
def test_safety_concern_raises_one_open_alert_even_when_retried(client_record):
    key = uuid.uuid4()
    _check_in(client_record, safety_concern=True, client_uuid=key)
    _check_in(client_record, safety_concern=True, client_uuid=key)
    alerts = Alert.objects.filter(client=client_record)
    assert alerts.count() == 1
    assert alerts.get().is_open
    assert alerts.get().kind == Alert.Kind.SAFETY_CONCERN


@pytest.mark.django_db
def test_assignment_needs_an_exercise_from_the_clients_clinic(
    therapist, client_record, other_clinic
):
    foreign = other_clinic.exercises.first()
    with pytest.raises(ValidationError) as error:
        assignment_create(
            therapist=therapist,
            client=client_record,
            exercise=foreign,
            schedule="daily",
            starts_on=dt.date(2026, 5, 1),
        )
    assert "exercise" in error.value.message_dict


@pytest.mark.django_db
def test_therapist_cannot_assign_to_another_clinics_client(other_clinic_therapist, client_record):
    with pytest.raises(ValidationError) as error:
        assignment_create(
            therapist=other_clinic_therapist,
            client=client_record,
            exercise=client_record.clinic.exercises.first(),
            schedule="once",
            starts_on=dt.date(2026, 5, 1),
        )
    assert "client" in error.value.message_dict


@pytest.mark.django_db
def test_weekly_assignment_needs_times_per_week(therapist, client_record):
    with pytest.raises(ValidationError):
        assignment_create(
            therapist=therapist,
            client=client_record,
            exercise=client_record.clinic.exercises.first(),
            schedule="weekly",
            starts_on=dt.date(2026, 5, 1),
        )


@pytest.mark.django_db
def test_retried_completion_is_stored_once():
    assignment = factories.AssignmentFactory()
    key = uuid.uuid4()
    for _ in range(2):
        completion_record(
            assignment=assignment,
            completed_at=timezone.now(),
            distress_before=7,
            distress_after=4,
            helpfulness=4,
            client_uuid=key,
        )
    assert Completion.objects.filter(assignment=assignment).count() == 1
