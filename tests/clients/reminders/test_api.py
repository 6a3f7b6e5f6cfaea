"""The reminders API: my own choices, and a therapist's changes for one client."""

from datetime import time, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from clients.reminders import people
from clients.reminders.models import (
    ClientReminderPlan,
    ClinicReminderSettings,
    ReminderPreference,
)
from tests import factories

PREFERENCES = "/api/v1/reminders/preferences/"


def plan_url(client) -> str:
    return f"/api/v1/clients/{client.pk}/reminders/"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def stored(user):
    """What is saved of a person's choices and of their therapist's, to compare before/after."""
    preference = ReminderPreference.objects.filter(user=user).values().first()
    plan = ClientReminderPlan.objects.filter(client__user=user).values().first()
    return preference, plan


def errors_of(response) -> dict:
    return {error["field"]: error["code"] for error in response.json()["errors"]}


def kinds_of(body) -> dict:
    return {kind["name"]: kind for kind in body["kinds"]}


def soon(**delta) -> str:
    return (timezone.now() + timedelta(**delta)).isoformat()


# --- my own choices ----------------------------------------------------------------------
@pytest.mark.django_db
def test_a_client_reads_the_clinic_defaults_before_choosing_anything(as_user, client_record):
    response = as_user(client_record.user).get(PREFERENCES)
    assert response.status_code == 200, response.json()
    body = response.json()
    kinds = kinds_of(body)
    assert {"exercises", "check_in", "session", "measures"} <= set(kinds)
    assert "morning" not in kinds  # a therapist's kind
    assert kinds["exercises"] == {
        "name": "exercises",
        "label": "Something planned for today",
        "help": kinds["exercises"]["help"],
        "on": True,
        "locked": False,
        "default": True,
    }
    assert (body["daily_hour"], body["daily_hour_own"]) == (9, None)
    assert body["quiet_hours"] == {"from": "21:00", "until": "08:00", "own": False}
    assert body["paused_until"] is None
    assert body["reminded"] is True
    assert body["clinic_defaults"] == {
        "daily_hour": 9,
        "quiet_from": "21:00",
        "quiet_until": "08:00",
    }
    assert not ReminderPreference.objects.exists()  # reading saves nothing


@pytest.mark.django_db
def test_a_client_changes_their_choices_and_reads_them_back(as_user, client_record):
    api = as_user(client_record.user)
    until = soon(days=7)
    response = api.patch(
        PREFERENCES,
        {
            "kinds": {"check_in": False},
            "daily_hour": 19,
            "quiet_hours": {"from": "22:30", "until": "07:00"},
            "paused_until": until,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert api.get(PREFERENCES).json() == response.json()
    body = response.json()
    assert kinds_of(body)["check_in"]["on"] is False
    assert kinds_of(body)["check_in"]["default"] is True
    assert (body["daily_hour"], body["daily_hour_own"]) == (19, 19)
    assert body["quiet_hours"] == {"from": "22:30", "until": "07:00", "own": True}
    assert body["paused_until"] is not None

    person = people.person_for(client_record.user)
    assert "check_in" not in person.kinds and "exercises" in person.kinds
    assert person.daily_hour == 19
    assert (person.quiet.start, person.quiet.end) == (time(22, 30), time(7, 0))
    assert person.paused(timezone.now())


@pytest.mark.django_db
def test_a_change_leaves_what_is_not_sent_and_null_returns_to_the_clinic(as_user, client_record):
    api = as_user(client_record.user)
    api.patch(
        PREFERENCES,
        {
            "kinds": {"check_in": False},
            "daily_hour": 7,
            "quiet_hours": {"from": "20:00", "until": "06:00"},
        },
        format="json",
    )
    body = api.patch(PREFERENCES, {"kinds": {"session": False}}, format="json").json()
    assert not kinds_of(body)["check_in"]["on"] and not kinds_of(body)["session"]["on"]
    assert body["daily_hour_own"] == 7

    body = api.patch(
        PREFERENCES,
        {
            "daily_hour": None,
            "quiet_hours": None,
            "paused_until": None,
            "kinds": {"check_in": True},
        },
        format="json",
    ).json()
    assert (body["daily_hour"], body["daily_hour_own"]) == (9, None)
    assert body["quiet_hours"] == {"from": "21:00", "until": "08:00", "own": False}
    assert kinds_of(body)["check_in"]["on"] is True
    person = people.person_for(client_record.user)
    assert person.daily_hour == 9 and "check_in" in person.kinds and "session" not in person.kinds


@pytest.mark.django_db
def test_an_empty_change_saves_nothing(as_user, client_record):
    response = as_user(client_record.user).patch(PREFERENCES, {}, format="json")
    assert response.status_code == 200
    assert not ReminderPreference.objects.exists()


@pytest.mark.django_db
def test_a_therapist_has_their_own_kinds_and_clinic_defaults(as_user, therapist):
    ClinicReminderSettings.objects.create(
        clinic=therapist.clinic, daily_hour=8, quiet_from=time(22), quiet_until=time(6)
    )
    api = as_user(therapist.user)
    body = api.get(PREFERENCES).json()
    assert set(kinds_of(body)) == {"morning"}
    assert kinds_of(body)["morning"]["on"] is False  # off unless chosen
    assert body["clinic_defaults"] == {
        "daily_hour": 8,
        "quiet_from": "22:00",
        "quiet_until": "06:00",
    }

    response = api.patch(PREFERENCES, {"kinds": {"morning": True}}, format="json")
    assert response.status_code == 200, response.json()
    assert kinds_of(response.json())["morning"]["on"] is True
    assert "morning" in people.person_for(therapist.user).kinds

    response = api.patch(PREFERENCES, {"kinds": {"exercises": True}}, format="json")
    assert response.status_code == 400
    assert errors_of(response) == {"kinds.exercises": "invalid"}


@pytest.mark.django_db
def test_a_kind_the_therapist_turned_off_cannot_be_turned_on(as_user, client_record, therapist):
    ClientReminderPlan.objects.create(client=client_record, kinds={"check_in": False})
    api = as_user(client_record.user)
    body = api.get(PREFERENCES).json()
    assert kinds_of(body)["check_in"] == {
        **kinds_of(body)["check_in"],
        "on": False,
        "locked": True,
        "default": False,
    }
    before = stored(client_record.user)
    response = api.patch(
        PREFERENCES, {"kinds": {"check_in": True}, "daily_hour": 10}, format="json"
    )
    assert response.status_code == 400
    assert errors_of(response) == {"kinds.check_in": "locked"}
    assert "therapist" in response.json()["errors"][0]["message"]
    assert stored(client_record.user) == before  # not even the hour
    # Choosing off, as it already is, is no harm.
    assert api.patch(PREFERENCES, {"kinds": {"check_in": False}}, format="json").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kinds": {"no_such_kind": True}}, "kinds.no_such_kind"),
        ({"kinds": {"x" * 500: True}}, "kinds"),
        ({"kinds": {"check_in": "yes"}}, "kinds.check_in"),
        ({"kinds": ["check_in"]}, "kinds"),
        ({"daily_hour": 24}, "daily_hour"),
        ({"daily_hour": -1}, "daily_hour"),
        ({"daily_hour": "9"}, "daily_hour"),
        ({"daily_hour": 9.5}, "daily_hour"),
        ({"quiet_hours": {"from": "22:00"}}, "quiet_hours.until"),
        ({"quiet_hours": {"until": "07:00"}}, "quiet_hours.from"),
        ({"quiet_hours": {"from": "22:00", "until": None}}, "quiet_hours.until"),
        ({"quiet_hours": {"from": "24:00", "until": "07:00"}}, "quiet_hours.from"),
        ({"quiet_hours": {"from": "22:00+02:00", "until": "07:00"}}, "quiet_hours.from"),
        ({"quiet_hours": {"from": 2200, "until": "07:00"}}, "quiet_hours.from"),
        ({"quiet_hours": {"from": "22:00", "until": "07:00", "x": 1}}, "quiet_hours.x"),
        ({"quiet_hours": "22:00-07:00"}, "quiet_hours"),
        ({"paused_until": "2020-01-01T00:00:00Z"}, "paused_until"),
        ({"paused_until": "far"}, "paused_until"),
        ({"paused_until": "2030-01-01T00:00:00"}, "paused_until"),  # no offset
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(as_user, client_record, body, field):
    api = as_user(client_record.user)
    api.patch(PREFERENCES, {"daily_hour": 6, "kinds": {"session": False}}, format="json")
    before = stored(client_record.user)
    response = api.patch(PREFERENCES, {**body}, format="json")
    assert response.status_code == 400, response.json()
    assert field in errors_of(response)
    assert stored(client_record.user) == before


@pytest.mark.django_db
def test_a_pause_lasts_at_most_90_days(as_user, client_record):
    api = as_user(client_record.user)
    response = api.patch(PREFERENCES, {"paused_until": soon(days=91)}, format="json")
    assert response.status_code == 400 and errors_of(response) == {"paused_until": "too_far"}
    assert api.patch(PREFERENCES, {"paused_until": soon(days=89)}, format="json").status_code == 200


@pytest.mark.django_db
def test_a_pause_that_is_over_reads_as_none(as_user, client_record):
    ReminderPreference.objects.create(
        user=client_record.user, paused_until=timezone.now() - timedelta(hours=1)
    )
    assert as_user(client_record.user).get(PREFERENCES).json()["paused_until"] is None


@pytest.mark.django_db
def test_a_discharged_client_still_sees_that_nothing_is_sent(as_user, therapist):
    discharged = factories.ClientFactory(primary_therapist=therapist, status="discharged")
    body = as_user(discharged.user).get(PREFERENCES).json()
    assert body["reminded"] is False


@pytest.mark.django_db
def test_who_has_preferences(as_user, client_record, other_clinic_therapist):
    admin = factories.ClinicAdminFactory(clinic=client_record.clinic)
    assert as_user(None).get(PREFERENCES).status_code == 401
    assert as_user(None).patch(PREFERENCES, {}, format="json").status_code == 401
    assert as_user(admin).get(PREFERENCES).status_code == 403
    assert as_user(admin).patch(PREFERENCES, {"daily_hour": 8}, format="json").status_code == 403
    assert as_user(other_clinic_therapist.user).get(PREFERENCES).status_code == 200
    assert not ReminderPreference.objects.exists()


@pytest.mark.django_db
def test_each_person_changes_only_their_own(as_user, client_record, other_client_user):
    as_user(client_record.user).patch(PREFERENCES, {"daily_hour": 20}, format="json")
    assert as_user(other_client_user).get(PREFERENCES).json()["daily_hour_own"] is None
    assert people.person_for(other_client_user).daily_hour == 9


@pytest.fixture
def other_client_user(therapist):
    return factories.ClientFactory(primary_therapist=therapist).user


# --- a therapist's changes for one client ------------------------------------------------
@pytest.mark.django_db
def test_the_therapist_reads_the_clinic_defaults_of_a_new_client(as_user, therapist, client_record):
    ClinicReminderSettings.objects.create(
        clinic=therapist.clinic, kinds_off=["measures"], silence_days=5
    )
    response = as_user(therapist.user).get(plan_url(client_record))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["client"] == client_record.pk
    assert body["kinds"] == {"exercises": None, "check_in": None, "session": None, "measures": None}
    assert body["silence_days"] is None and body["updated_at"] is None
    assert body["clinic_defaults"] == {
        "kinds": {"exercises": True, "check_in": True, "session": True, "measures": False},
        "silence_days": 5,
    }


@pytest.mark.django_db
def test_the_therapist_changes_the_plan_and_the_client_feels_it(as_user, therapist, client_record):
    api = as_user(therapist.user)
    response = api.patch(
        plan_url(client_record),
        {"kinds": {"check_in": False, "measures": True}, "silence_days": 0},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["kinds"]["check_in"] is False and body["kinds"]["measures"] is True
    assert body["kinds"]["exercises"] is None
    assert body["silence_days"] == 0 and body["updated_at"] is not None
    assert api.get(plan_url(client_record)).json() == body
    plan = ClientReminderPlan.objects.get(client=client_record)
    assert plan.updated_by == therapist.user

    person = people.person_for(client_record.user)
    assert "check_in" not in person.kinds and "measures" in person.kinds
    assert person.silence_days == 0
    mine = kinds_of(as_user(client_record.user).get(PREFERENCES).json())
    assert mine["check_in"]["locked"] is True and mine["measures"]["default"] is True

    # null returns a kind to the clinic's; silence_days null to the clinic's number.
    body = api.patch(
        plan_url(client_record), {"kinds": {"check_in": None}, "silence_days": None}, format="json"
    ).json()
    assert body["kinds"]["check_in"] is None and body["kinds"]["measures"] is True
    assert body["silence_days"] is None
    person = people.person_for(client_record.user)
    assert "check_in" in person.kinds and person.silence_days == 4


@pytest.mark.django_db
def test_the_clients_own_off_beats_the_therapists_on(as_user, therapist, client_record):
    as_user(client_record.user).patch(PREFERENCES, {"kinds": {"session": False}}, format="json")
    as_user(therapist.user).patch(
        plan_url(client_record), {"kinds": {"session": True}}, format="json"
    )
    assert "session" not in people.person_for(client_record.user).kinds


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kinds": {"morning": False}}, "kinds.morning"),  # a therapist's own kind
        ({"kinds": {"nope": None}}, "kinds.nope"),
        ({"kinds": {"check_in": "off"}}, "kinds.check_in"),
        ({"kinds": None}, "kinds"),
        ({"silence_days": 61}, "silence_days"),
        ({"silence_days": -1}, "silence_days"),
        ({"silence_days": "3"}, "silence_days"),
        ({"silence_days": True}, "silence_days"),
        ({"client": 5}, "client"),
    ],
)
def test_bad_plan_input_names_the_field_and_changes_nothing(
    as_user, therapist, client_record, body, field
):
    api = as_user(therapist.user)
    api.patch(
        plan_url(client_record), {"kinds": {"session": False}, "silence_days": 3}, format="json"
    )
    before = stored(client_record.user)
    response = api.patch(plan_url(client_record), body, format="json")
    assert response.status_code == 400, response.json()
    assert field in errors_of(response)
    assert stored(client_record.user) == before


@pytest.mark.django_db
def test_a_discharged_clients_plan_is_read_only(as_user, therapist):
    discharged = factories.ClientFactory(primary_therapist=therapist, status="discharged")
    api = as_user(therapist.user)
    assert api.get(plan_url(discharged)).status_code == 200
    response = api.patch(plan_url(discharged), {"silence_days": 2}, format="json")
    assert response.status_code == 403
    assert "discharged" in response.json()["errors"][0]["message"]
    assert not ClientReminderPlan.objects.exists()


@pytest.mark.django_db
def test_only_the_treating_therapist_reaches_the_plan(
    as_user, client_record, other_therapist, other_clinic_therapist, other_client_user
):
    admin = factories.ClinicAdminFactory(clinic=client_record.clinic)
    url = plan_url(client_record)
    change = {"silence_days": 1}
    for user, expected in [
        (None, 401),
        (client_record.user, 403),
        (other_client_user, 403),
        (admin, 403),
        (other_therapist.user, 404),
        (other_clinic_therapist.user, 404),
    ]:
        api = as_user(user)
        assert api.get(url).status_code == expected, user
        assert api.patch(url, change, format="json").status_code == expected, user
    assert as_user(other_therapist.user).get("/api/v1/clients/999999/reminders/").status_code == 404
    assert not ClientReminderPlan.objects.exists()


@pytest.mark.django_db
def test_a_therapists_read_of_the_plan_is_audited(as_user, therapist, client_record):
    from clinic.models import AuditEvent

    as_user(therapist.user).get(plan_url(client_record))
    assert AuditEvent.objects.filter(
        object_type="clientreminderplan", client_id=client_record.pk, action="view"
    ).exists()


@pytest.mark.django_db
def test_null_returns_a_kind_to_its_default(as_user, client_record):
    api = as_user(client_record.user)
    api.patch(PREFERENCES, {"kinds": {"check_in": False}}, format="json")
    body = api.patch(PREFERENCES, {"kinds": {"check_in": None}}, format="json").json()
    assert kinds_of(body)["check_in"]["on"] is True
    assert ReminderPreference.objects.get(user=client_record.user).kinds == {}


@pytest.mark.django_db
def test_the_reminder_routes_read_a_fixed_number_of_queries(
    as_user, client_record, django_assert_max_num_queries
):
    # Token and throttle look-ups included; a write adds the audit row and the model's checks.
    client_api = as_user(client_record.user)
    therapist_api = as_user(client_record.primary_therapist.user)
    with django_assert_max_num_queries(8):
        assert client_api.get(PREFERENCES).status_code == 200
    with django_assert_max_num_queries(25):
        client_api.patch(PREFERENCES, {"daily_hour": 10}, format="json")
    with django_assert_max_num_queries(5):
        assert therapist_api.get(plan_url(client_record)).status_code == 200
    with django_assert_max_num_queries(20):
        therapist_api.patch(plan_url(client_record), {"silence_days": 5}, format="json")
