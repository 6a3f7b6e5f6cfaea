"""Every range the design brief names is enforced by the database itself,
so no code path (admin, API, a script) can store an impossible value."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from clients.models import Exercise
from tests import factories


def _exercise(clinic=None):
    clinic = clinic or factories.ClinicFactory()
    return Exercise.objects.filter(clinic=clinic).first()


ROW_MAKERS = {
    "check_in": factories.CheckInFactory,
    "check_in_emotion": factories.CheckInEmotionFactory,
    "completion": factories.CompletionFactory,
    "assignment": factories.AssignmentFactory,
    "session": factories.SessionFactory,
    "exercise": _exercise,
    "user": factories.UserFactory,
    "client": factories.ClientFactory,
}

OUT_OF_RANGE = [
    ("check_in", {"distress": 11}),
    ("check_in", {"distress": -1}),
    ("check_in", {"charge": -6}),
    ("check_in", {"charge": 6}),
    ("check_in", {"mind_space": 101}),
    ("check_in", {"self_compassion": 11}),
    ("check_in", {"resistance": 11}),
    ("check_in_emotion", {"intensity": 11}),
    ("completion", {"distress_before": 11}),
    ("completion", {"distress_after": 11}),
    ("completion", {"helpfulness": 0}),
    ("completion", {"helpfulness": 6}),
    ("assignment", {"schedule": "weekly", "times_per_week": 0}),
    ("assignment", {"schedule": "weekly", "times_per_week": 8}),
    ("assignment", {"schedule": "weekly", "times_per_week": None}),
    ("assignment", {"schedule": "daily", "times_per_week": 3}),
    ("assignment", {"schedule": "hourly"}),
    ("assignment", {"status": "lost"}),
    ("session", {"duration_minutes": 4}),
    ("session", {"duration_minutes": 481}),
    ("session", {"mode": "phone"}),
    ("exercise", {"minutes": 0}),
    ("exercise", {"minutes": 181}),
    ("exercise", {"category": "unknown"}),
    ("user", {"role": "superhero"}),
    ("user", {"role": "therapist", "clinic": None}),
    ("client", {"status": "lost"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "values"), OUT_OF_RANGE, ids=lambda v: str(v))
def test_database_rejects_out_of_range_value(row, values):
    obj = ROW_MAKERS[row]()
    model = type(obj)
    before = model.objects.filter(pk=obj.pk).values(*values).get()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=obj.pk).update(**values)
    assert model.objects.filter(pk=obj.pk).values(*values).get() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "values"),
    [
        ("check_in", {"distress": 0, "charge": -5, "mind_space": 0}),
        ("check_in", {"distress": 10, "charge": 5, "mind_space": 100}),
        ("check_in", {"charge": None, "mind_space": None, "self_compassion": None}),
        ("completion", {"helpfulness": 1, "distress_before": 0, "distress_after": 10}),
        ("assignment", {"schedule": "weekly", "times_per_week": 7}),
    ],
    ids=lambda v: str(v),
)
def test_database_accepts_the_edges_of_each_range(row, values):
    obj = ROW_MAKERS[row]()
    type(obj).objects.filter(pk=obj.pk).update(**values)
    stored = type(obj).objects.get(pk=obj.pk)
    assert {field: getattr(stored, field) for field in values} == values


@pytest.mark.django_db
def test_assignment_cannot_end_before_it_starts():
    assignment = factories.AssignmentFactory(starts_on=dt.date(2026, 3, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        type(assignment).objects.filter(pk=assignment.pk).update(ends_on=dt.date(2026, 3, 9))


@pytest.mark.django_db
def test_check_in_client_uuid_is_unique_per_client():
    first = factories.CheckInFactory()
    other_client = factories.ClientFactory()
    # another client may happen to send the same uuid
    factories.CheckInFactory(client=other_client, client_uuid=first.client_uuid)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.CheckInFactory(client=first.client, client_uuid=first.client_uuid)


@pytest.mark.django_db
def test_alert_acknowledgement_needs_both_who_and_when():
    alert = factories.AlertFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(alert).objects.filter(pk=alert.pk).update(acknowledged_by=alert.client.user)


@pytest.mark.django_db
def test_client_user_cannot_be_staff():
    client = factories.ClientFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(client.user).objects.filter(pk=client.user.pk).update(is_staff=True)
