import datetime as dt
import uuid

import pytest
import time_machine
from django.utils import timezone

from clients.models import Assignment, Completion
from tests import factories

URL = "/api/v1/assignments/"


def _exercise(clinic):
    return clinic.exercises.get(title="Let the wave pass")


@pytest.fixture
def treating(therapist, as_user):
    return as_user(therapist.user)


def assign(api, client_record, **overrides):
    data = {
        "client": client_record.pk,
        "exercise": _exercise(client_record.clinic).pk,
        "schedule": "weekly",
        "times_per_week": 3,
        "starts_on": timezone.localdate().isoformat(),
        "note": "Try it after work.",
    }
    data.update(overrides)
    return api.post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))


NOON_IN_BERLIN = dt.datetime(2026, 3, 11, 11, 0, tzinfo=dt.UTC)  # a Wednesday


@pytest.mark.django_db
@time_machine.travel(NOON_IN_BERLIN, tick=False)
def test_therapist_assigns_an_exercise_and_the_client_sees_it_due_today(
    treating, client_record, as_user
):
    response = assign(treating, client_record)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["exercise"]["title"] == "Let the wave pass"
    assert created["exercise"]["instructions"]
    assert created["note"] == "Try it after work."
    mine = as_user(client_record.user).get(URL).json()["results"]
    assert [a["id"] for a in mine] == [created["id"]]
    assert mine[0]["due_next"] == "2026-03-11"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"schedule": "weekly", "times_per_week": None}, "times_per_week"),
        ({"schedule": "weekly", "times_per_week": 8}, "times_per_week"),
        ({"schedule": "daily", "times_per_week": 3}, "times_per_week"),
        ({"schedule": "hourly"}, "schedule"),
        ({"ends_on": "2000-01-01"}, "ends_on"),
        ({"client": 999999}, "client"),
        ({"exercise": "x"}, "exercise"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_assignment_is_400_naming_the_field(treating, client_record, overrides, field):
    response = assign(treating, client_record, **overrides)
    assert response.status_code == 400
    assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_cannot_assign_to_a_client_one_does_not_treat_or_from_another_library(
    treating, other_therapist, other_clinic, client_record
):
    colleagues_client = factories.ClientFactory(primary_therapist=other_therapist)
    response = assign(treating, colleagues_client)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "client"
    response = assign(treating, client_record, exercise=_exercise(other_clinic).pk)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "exercise"
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_pause_resume_reschedule_and_end(treating, client_record, as_user):
    created = assign(treating, client_record).json()
    url = f"{URL}{created['id']}/"
    assert treating.patch(url, {"status": "paused"}, format="json").json()["due_next"] is None
    # a paused exercise is not on the client's list of what to do
    assert as_user(client_record.user).get(URL).json()["results"] == []
    resumed = treating.patch(url, {"status": "active", "schedule": "daily"}, format="json").json()
    assert resumed["schedule"] == "daily" and resumed["times_per_week"] is None
    ended = treating.patch(url, {"status": "ended"}, format="json")
    assert ended.json()["status"] == "ended"
    again = treating.patch(url, {"status": "active"}, format="json")
    assert again.status_code == 400
    assert again.json()["errors"][0]["field"] == "status"
    unchanged = treating.patch(url, {}, format="json")  # an empty patch changes nothing
    assert unchanged.status_code == 200
    assert unchanged.json()["status"] == "ended"
    assert treating.put(url, {"status": "active"}, format="json").status_code == 405


@pytest.mark.django_db
def test_other_therapist_cannot_see_or_change_the_assignment(
    treating, client_record, other_therapist, other_clinic_therapist, as_user
):
    created = assign(treating, client_record).json()
    url = f"{URL}{created['id']}/"
    for outsider in (other_therapist, other_clinic_therapist):
        api = as_user(outsider.user)
        assert api.get(url).status_code == 404
        assert api.patch(url, {"status": "ended"}, format="json").status_code == 404
        assert api.get(URL, {"client": client_record.pk}).status_code == 404
        assert api.get(URL).json()["results"] == []
    assert Assignment.objects.get().status == "active"


def completion(**overrides):
    data = {
        "completed_at": (timezone.now() - dt.timedelta(minutes=10)).isoformat(),
        "distress_before": 7,
        "distress_after": 4,
        "helpfulness": 4,
        "reflection": "It eased after a few minutes.",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
@time_machine.travel(NOON_IN_BERLIN, tick=False)
def test_client_records_a_completion_once_even_when_retried(client_record, as_user, key):
    assignment = factories.AssignmentFactory(client=client_record, schedule="daily")
    api = as_user(client_record.user)
    url = f"{URL}{assignment.pk}/completions/"
    data = completion()
    first = api.post(url, data, format="json", **key)
    again = api.post(url, data, format="json", **key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["distress_after"] == 4
    assert Completion.objects.count() == 1
    # daily and done today: next due tomorrow
    assert api.get(f"{URL}{assignment.pk}/").json()["due_next"] == "2026-03-12"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"helpfulness": 0}, "helpfulness"),
        ({"helpfulness": 6}, "helpfulness"),
        ({"distress_before": 11}, "distress_before"),
        ({"distress_after": -1}, "distress_after"),
        ({"reflection": "x" * 4001}, "reflection"),
        ({"completed_at": "soon"}, "completed_at"),
    ],
)
def test_bad_completion_is_400(client_record, as_user, key, overrides, field):
    assignment = factories.AssignmentFactory(client=client_record)
    response = as_user(client_record.user).post(
        f"{URL}{assignment.pk}/completions/", completion(**overrides), format="json", **key
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
    assert not Completion.objects.exists()


@pytest.mark.django_db
def test_completion_on_someone_elses_assignment_is_404(
    client_record, other_client_record, as_user, key
):
    theirs = factories.AssignmentFactory(client=other_client_record)
    response = as_user(client_record.user).post(
        f"{URL}{theirs.pk}/completions/", completion(), format="json", **key
    )
    assert response.status_code == 404
    assert not Completion.objects.exists()


@pytest.mark.django_db
def test_assignment_list_query_count_does_not_grow(
    client_record, as_user, django_assert_max_num_queries
):
    for _ in range(12):
        assignment = factories.AssignmentFactory(client=client_record)
        factories.CompletionFactory(assignment=assignment)
    with django_assert_max_num_queries(9):
        response = as_user(client_record.user).get(URL)
    assert len(response.json()["results"]) == 12


@pytest.mark.django_db
def test_not_found_says_only_not_found(client_record, other_client_record, as_user, key):
    theirs = factories.AssignmentFactory(client=other_client_record)
    response = as_user(client_record.user).get(f"{URL}{theirs.pk}/")
    assert response.json() == {
        "errors": [{"field": None, "code": "not_found", "message": "Not found."}]
    }


@pytest.mark.django_db
def test_retried_assignment_is_stored_once(treating, client_record):
    data = {
        "client": client_record.pk,
        "exercise": _exercise(client_record.clinic).pk,
        "schedule": "daily",
        "starts_on": timezone.localdate().isoformat(),
    }
    responses = [
        treating.post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY="assign-once-1")
        for _ in range(3)
    ]
    assert [r.status_code for r in responses] == [201, 201, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert Assignment.objects.count() == 1


@pytest.mark.django_db
@time_machine.travel(NOON_IN_BERLIN, tick=False)
def test_completion_outside_the_assignments_days_is_refused(client_record, as_user, key):
    api = as_user(client_record.user)
    later = factories.AssignmentFactory(client=client_record, starts_on=dt.date(2026, 3, 12))
    response = api.post(f"{URL}{later.pk}/completions/", completion(), format="json", **key)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "completed_at"
    ended = factories.AssignmentFactory(
        client=client_record,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 10),
        status="ended",
    )
    response = api.post(f"{URL}{ended.pk}/completions/", completion(), format="json", **key)
    assert response.status_code == 400
    # done while it was still running, sent late: kept
    on_time = completion(completed_at="2026-03-09T18:00:00+01:00")
    response = api.post(f"{URL}{ended.pk}/completions/", on_time, format="json", **key)
    assert response.status_code == 201
    paused = factories.AssignmentFactory(
        client=client_record, starts_on=dt.date(2026, 3, 1), status="paused"
    )
    response = api.post(
        f"{URL}{paused.pk}/completions/",
        completion(),
        format="json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == 201


@pytest.mark.django_db
def test_the_same_exercise_is_not_assigned_twice_while_it_runs(treating, client_record):
    assert assign(treating, client_record).status_code == 201
    again = assign(treating, client_record)
    assert again.status_code == 400
    assert again.json()["errors"][0]["field"] == "exercise"
    assert Assignment.objects.count() == 1


@pytest.mark.django_db
def test_the_client_undoes_a_completion_just_recorded_and_a_retry_does_not_bring_it_back(
    client_record, as_user, key
):
    assignment = factories.AssignmentFactory(client=client_record, schedule="daily")
    api = as_user(client_record.user)
    url = f"{URL}{assignment.pk}/completions/"
    data = completion()
    stored = api.post(url, data, format="json", **key).json()
    assert api.delete(f"{url}{stored['id']}/").status_code == 204
    assert not Completion.objects.exists()
    # The app retries the original request (its answer was lost): nothing comes back.
    retried = api.post(url, data, format="json", **key)
    assert retried.status_code == 410
    assert retried.json()["errors"][0]["code"] == "undone"
    assert not Completion.objects.exists()
    assert api.delete(f"{url}{stored['id']}/").status_code == 404


@pytest.mark.django_db
def test_an_undo_comes_too_late_after_ten_minutes(client_record, as_user):
    assignment = factories.AssignmentFactory(client=client_record)
    done = factories.CompletionFactory(
        assignment=assignment, received_at=timezone.now() - dt.timedelta(minutes=11)
    )
    response = as_user(client_record.user).delete(f"{URL}{assignment.pk}/completions/{done.pk}/")
    assert response.status_code == 409
    assert "too late" in response.json()["errors"][0]["message"]
    assert Completion.objects.filter(pk=done.pk).exists()


@pytest.mark.django_db
def test_nobody_else_undoes_a_clients_completion(
    client_record, other_client_record, therapist, as_user
):
    assignment = factories.AssignmentFactory(client=client_record)
    done = factories.CompletionFactory(assignment=assignment)
    url = f"{URL}{assignment.pk}/completions/{done.pk}/"
    assert as_user(other_client_record.user).delete(url).status_code == 404
    assert as_user(therapist.user).delete(url).status_code == 403
    theirs = factories.AssignmentFactory(client=other_client_record)
    # A completion id under an assignment it does not belong to is not found.
    assert (
        as_user(client_record.user).delete(f"{URL}{theirs.pk}/completions/{done.pk}/").status_code
        == 404
    )
    assert Completion.objects.filter(pk=done.pk).exists()
