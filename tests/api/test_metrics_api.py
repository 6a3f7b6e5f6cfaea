import datetime as dt

import pytest
from django.utils import timezone

from clinic.models import Session
from tests import factories

T0 = dt.datetime(2026, 3, 2, 18, 0, tzinfo=dt.UTC)


def _check_in(client, days, distress, charge, label="resentful", intensity=8, **signals):
    check_in = factories.CheckInFactory(
        client=client,
        occurred_at=T0 + dt.timedelta(days=days),
        distress=distress,
        charge=charge,
        **signals,
    )
    code = client.clinic.emotion_labels.get(code=label)
    factories.CheckInEmotionFactory(check_in=check_in, label=code, intensity=intensity)
    return check_in


@pytest.mark.django_db
def test_metrics_of_a_window_match_the_brief(therapist, client_record, as_user):
    for n, (distress, charge) in enumerate([(8, -4), (7, -3), (7, -3), (6, -2)]):
        _check_in(client_record, 7 * n, distress, charge, mind_space=80 - 10 * n)
    url = f"/api/v1/clients/{client_record.pk}/metrics/"
    params = {"since": T0.isoformat(), "until": (T0 + dt.timedelta(days=22)).isoformat()}
    body = as_user(therapist.user).get(url, params).json()
    assert body["check_ins"] == 4
    # distress 8, 7, 7, 6 over weeks 0..3: mean 7, slope -0.6 per week
    assert body["distress"]["mean"] == pytest.approx(7.0)
    assert body["distress"]["slope_per_week"] == pytest.approx(-0.6)
    assert body["neutrality"]["mean"] == pytest.approx(3.0)  # |−4|, 3, 3, 2
    assert body["mind_space"]["slope_per_week"] == pytest.approx(-10.0)
    # "resentful" at 8 leads four check-ins running: stuck
    assert body["flow"]["stuck"] is True
    assert body["flow"]["stretches"][0]["label"] == "resentful"
    assert body["flow"]["stretches"][0]["check_ins"] == 4
    assert body["self_compassion"]["mean"] == pytest.approx(5.0)  # the factory's 5


@pytest.mark.django_db
def test_empty_window_is_null_not_zero(therapist, client_record, as_user):
    body = as_user(therapist.user).get(f"/api/v1/clients/{client_record.pk}/metrics/").json()
    assert body["check_ins"] == 0
    for name in ("distress", "neutrality", "mind_space", "self_compassion", "flow"):
        assert body[name] is None
    assert body["adherence_overall"] is None


@pytest.mark.django_db
def test_default_window_starts_at_the_last_held_session(therapist, client_record, as_user):
    held = timezone.now() - dt.timedelta(days=5)
    factories.SessionFactory(client=client_record, starts_at=held, status=Session.Status.COMPLETED)
    factories.SessionFactory(client=client_record, starts_at=timezone.now() + dt.timedelta(days=2))
    body = as_user(therapist.user).get(f"/api/v1/clients/{client_record.pk}/metrics/").json()
    assert dt.datetime.fromisoformat(body["since"]) == held


@pytest.mark.django_db
def test_bad_window_is_400(therapist, client_record, as_user):
    api = as_user(therapist.user)
    url = f"/api/v1/clients/{client_record.pk}/metrics/"
    assert api.get(url, {"since": "soon"}).json()["errors"][0]["field"] == "since"
    reversed_window = {"since": T0.isoformat(), "until": (T0 - dt.timedelta(days=1)).isoformat()}
    assert api.get(url, reversed_window).json()["errors"][0]["field"] == "until"


@pytest.mark.django_db
@pytest.mark.parametrize("days", [10, 365])
def test_query_count_does_not_grow_with_the_window(
    therapist, client_record, as_user, django_assert_max_num_queries, days
):
    assignment = factories.AssignmentFactory(client=client_record)
    for n in range(days):
        _check_in(client_record, n, 5, 1, label="sad", intensity=4)
        factories.CompletionFactory(assignment=assignment, completed_at=T0 + dt.timedelta(days=n))
    params = {"since": T0.isoformat(), "until": (T0 + dt.timedelta(days=days)).isoformat()}
    api = as_user(therapist.user)
    with django_assert_max_num_queries(11):
        body = api.get(f"/api/v1/clients/{client_record.pk}/metrics/", params).json()
    assert body["check_ins"] == days
