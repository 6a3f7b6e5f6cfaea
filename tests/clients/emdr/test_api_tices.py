"""The EMDR API: the client's TICES log, and bodies that are not an object."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from clients.emdr.models import EmdrSettings, TicesEntry
from clients.safety.plans import safety_plan_save
from clinic.models import CrisisLine
from tests import factories
from tests.clients.emdr.helpers import RECORDS, TARGETS, TICES, fields, new_key, tices_body

pytestmark = pytest.mark.usefixtures("_fresh_throttle_counters")


@pytest.fixture
def other_client_record(therapist):
    """Another client of the same therapist and clinic."""
    return factories.ClientFactory(primary_therapist=therapist)


@pytest.fixture
def target(client_record):
    return factories.TargetFactory(client=client_record, label="The car park", shown_to_client=True)


# --- the TICES log ------------------------------------------------------------------
@pytest.fixture
def calming(client_record, clinic):
    exercise = clinic.exercises.filter(category="grounding").first()
    factories.AssignmentFactory(client=client_record, exercise=exercise, status="ended")
    return factories.AssignmentFactory(client=client_record, exercise=exercise)


@pytest.mark.django_db
def test_a_hard_moment_logged_shows_the_calming_exercises_at_once(
    me, client_record, calming, target
):
    response = me.post(TICES, tices_body(target=target.pk), format="json", **new_key())
    assert response.status_code == 201, response.json()
    logged = response.json()
    assert logged["calming_exercises"] == [
        {
            "assignment": calming.pk,
            "title": calming.exercise.title,
            "minutes": calming.exercise.minutes,
        }
    ]
    assert (logged["trigger"], logged["disturbance"]) == ("His car outside the shop.", 8)
    assert (logged["target"], logged["target_label"]) == (target.pk, "The car park")
    assert [e["code"] for e in logged["emotions"]] == ["grief"]
    assert logged["crisis"]["when_read"]  # and whom to call, beside the exercises
    assert TicesEntry.objects.get().client == client_record


@pytest.mark.django_db
def test_below_the_clinics_level_no_exercises_are_shown(me, clinic, calming):
    below = me.post(TICES, tices_body(disturbance=6), format="json", **new_key())
    assert below.json()["calming_exercises"] == []
    EmdrSettings.objects.create(clinic=clinic, calming_at=5)
    at = me.post(TICES, tices_body(disturbance=5), format="json", **new_key())
    assert [c["assignment"] for c in at.json()["calming_exercises"]] == [calming.pk]


@pytest.mark.django_db
def test_a_hard_moment_without_calming_exercises_answers_with_the_crisis_box(
    me, client_record, clinic
):
    CrisisLine.objects.create(clinic=clinic, name="Samaritans", call="116 123", hours="24/7")
    safety_plan_save(
        client=client_record,
        by=client_record.primary_therapist.user,
        warning_signs="Lying awake rereading old messages.",
    )
    key, body = new_key(), tices_body(disturbance=7)  # the default level, no exercise given
    response = me.post(TICES, body, format="json", **key)
    assert response.status_code == 201, response.json()
    logged = response.json()
    assert logged["calming_exercises"] == []
    crisis = logged["crisis"]
    assert [(line["name"], line["call_href"]) for line in crisis["lines"]] == [
        ("Samaritans", "tel:116123")
    ]
    assert crisis["when_read"].startswith("Your therapist reads your log with you")
    assert crisis["safety_plan"] == [
        {"heading": "My warning signs", "text": "Lying awake rereading old messages."}
    ]
    assert me.post(TICES, body, format="json", **key).json() == logged  # a retry says the same

    below = me.post(TICES, tices_body(disturbance=6), format="json", **new_key())
    assert (below.status_code, below.json()["crisis"]) == (201, None)
    EmdrSettings.objects.create(clinic=clinic, calming_at=5)
    at = me.post(TICES, tices_body(disturbance=5), format="json", **new_key())
    assert at.json()["crisis"]["lines"][0]["name"] == "Samaritans"


def test_the_crisis_box_of_a_log_entry_is_nullable_in_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    created = schemas["TicesCreatedOutput"]
    assert "crisis" in created["required"]
    assert created["properties"]["crisis"]["allOf"] == [
        {"$ref": "#/components/schemas/CrisisOutput"}
    ]
    assert created["properties"]["crisis"]["nullable"] is True


@pytest.mark.django_db
def test_a_retried_log_entry_is_stored_once(me):
    key, body = new_key(), tices_body()
    first = me.post(TICES, body, format="json", **key)
    again = me.post(TICES, body, format="json", **key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    changed = me.post(TICES, {**body, "disturbance": 2}, format="json", **key)
    assert changed.status_code == 422
    assert TicesEntry.objects.count() == 1


@pytest.mark.django_db
def test_the_same_client_uuid_with_a_new_key_is_the_stored_entry(me):
    body = tices_body(client_uuid=str(uuid.uuid4()))
    first = me.post(TICES, body, format="json", **new_key())
    later = me.post(TICES, body, format="json", **new_key())
    assert (first.status_code, later.status_code) == (201, 200)
    assert later.json()["id"] == first.json()["id"]
    assert TicesEntry.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("header", [None, "short", "has spaces in it"])
def test_a_log_entry_without_a_good_key_is_400(me, header):
    extra = {} if header is None else {"HTTP_IDEMPOTENCY_KEY": header}
    response = me.post(TICES, tices_body(), format="json", **extra)
    assert fields(response) == {"Idempotency-Key"}
    assert not TicesEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"disturbance": 11}, "disturbance"),
        ({"disturbance": "8"}, "disturbance"),
        ({"disturbance": None}, "disturbance"),
        ({"emotions": ["no-such-word"]}, "emotions"),
        ({"emotions": ["grief", "grief"]}, "emotions"),
        ({"emotions": ["grief"] * 500}, "emotions"),
        ({"trigger": ""}, "trigger"),
        ({"trigger": None}, "trigger"),
        ({"trigger": "x" * 4001}, "trigger"),
        ({"occurred_at": (timezone.now() - dt.timedelta(days=40)).isoformat()}, "occurred_at"),
        ({"occurred_at": (timezone.now() + dt.timedelta(hours=1)).isoformat()}, "occurred_at"),
        ({"occurred_at": "2026-03-01T09:30:00"}, "occurred_at"),
        ({"target": "1"}, "target"),
        ({"target": 10**40}, "target"),
        ({"client_uuid": "not-a-uuid"}, "client_uuid"),
        ({"client": 1}, "client"),
    ],
)
def test_a_wrong_log_entry_is_400_naming_the_field_and_stores_nothing(me, overrides, field):
    response = me.post(TICES, tices_body(**overrides), format="json", **new_key())
    assert response.status_code == 400
    assert field in fields(response)
    assert not TicesEntry.objects.exists()


@pytest.mark.django_db
def test_a_log_entry_touches_only_a_target_shown_to_its_client(me, therapist, hidden):
    someone_else = factories.TargetFactory(
        client=factories.ClientFactory(primary_therapist=therapist), shown_to_client=True
    )
    for target in (hidden, someone_else):
        response = me.post(TICES, tices_body(target=target.pk), format="json", **new_key())
        assert (response.status_code, fields(response)) == (400, {"target"})
    assert not TicesEntry.objects.exists()


@pytest.mark.django_db
def test_the_log_is_the_clients_own_and_their_therapists(
    me, staff, as_user, client_record, other_client_record, hidden
):
    mine = factories.TicesEntryFactory(client=client_record, target=hidden, sensation="Cold.")
    factories.TicesEntryFactory(client=other_client_record)
    own = me.get(TICES).json()["results"]
    assert [e["id"] for e in own] == [mine.pk]
    assert own[0]["target"] is None and own[0]["target_label"] is None  # hidden since
    theirs = staff.get(TICES, {"client": client_record.pk}).json()["results"]
    assert [(e["id"], e["sensation"], e["target_label"]) for e in theirs] == [
        (mine.pk, "Cold.", "The cellar")
    ]
    assert me.get(TICES, {"client": other_client_record.pk}).status_code == 404
    assert as_user(other_client_record.user).get(TICES).json()["results"][0]["id"] != mine.pk
    assert staff.post(TICES, tices_body(), format="json", **new_key()).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("raw", [b"[]", b'"x"', b"null", b"[" * 5000, b"{"])
def test_a_body_that_is_not_an_object_is_400(staff, me, target, raw):
    for api, url in ((me, TICES), (staff, TARGETS), (staff, RECORDS)):
        response = api.generic("POST", url, raw, content_type="application/json", **new_key())
        assert response.status_code == 400, (url, response.content)
    status_url = f"{TARGETS}{target.pk}/status/"
    assert (
        staff.generic("POST", status_url, raw, content_type="application/json").status_code == 400
    )
    patch = staff.generic("PATCH", f"{TARGETS}{target.pk}/", raw, content_type="application/json")
    assert patch.status_code == 400
