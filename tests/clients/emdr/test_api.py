"""The EMDR API: targets and their status, processing records, the client's TICES log."""

import datetime as dt
import uuid

import pytest
from django.core.cache import cache
from django.utils import timezone

from clients.emdr.models import EmdrSettings, ProcessingRecord, Target, TicesEntry
from clients.safety.plans import safety_plan_save
from clinic.models import CrisisLine
from tests import factories

TARGETS = "/api/v1/emdr/targets/"
RECORDS = "/api/v1/emdr/records/"
TICES = "/api/v1/emdr/tices/"


def new_key() -> dict:
    return {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}


def fields(response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def held_session(client, days_ago=2):
    return factories.SessionFactory(
        client=client, status="completed", starts_at=timezone.now() - dt.timedelta(days=days_ago)
    )


def target_body(who, **overrides) -> dict:
    return {
        "client": who.pk,
        "label": "The kitchen, age 9",
        "shown_to_client": True,
        "memory": "Father shouting at the table.",
        "worst_image": "His hand on the table.",
        "negative_cognition": "I am not safe.",
        "positive_cognition": "I am safe now.",
        "emotions": ["grief", "longing"],
        "body_location": "Chest",
        "sequence": "past",
        "focus_area": "childhood",
        **overrides,
    }


def record_body(held, worked, **overrides) -> dict:
    return {
        "session": held.pk,
        "target": worked.pk,
        "phases": [3, 4, 7],
        "sud_start": 8,
        "sud_end": 3,
        "voc_setup": 2,
        "voc_installed": 4,
        "sets_count": 14,
        "sets_kind": "eye_movements",
        "body_scan_clear": False,
        "closure": "contained",
        "calming_technique": "Container",
        "notes": "Stayed with the image.",
        "plan_next": "Reevaluate, then continue.",
        **overrides,
    }


def tices_body(**overrides) -> dict:
    return {
        "occurred_at": (timezone.now() - dt.timedelta(hours=3)).isoformat(),
        "trigger": "His car outside the shop.",
        "image": "The car door.",
        "cognition": "I am alone.",
        "sensation": "Tight throat.",
        "emotions": ["grief"],
        "disturbance": 8,
        **overrides,
    }


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


@pytest.fixture
def staff(therapist, as_user):
    return as_user(therapist.user)


@pytest.fixture
def me(client_record, as_user):
    return as_user(client_record.user)


@pytest.fixture
def other_client_record(therapist):
    """Another client of the same therapist and clinic."""
    return factories.ClientFactory(primary_therapist=therapist)


@pytest.fixture
def target(client_record):
    return factories.TargetFactory(client=client_record, label="The car park", shown_to_client=True)


@pytest.fixture
def hidden(client_record):
    return factories.TargetFactory(client=client_record, label="The cellar")


@pytest.fixture
def outsiders(as_user, other_therapist, other_clinic_therapist):
    return [as_user(other_therapist.user), as_user(other_clinic_therapist.user)]


# --- targets ------------------------------------------------------------------------
@pytest.mark.django_db
def test_therapist_sets_up_a_target_stored_once_per_key(staff, client_record):
    key = new_key()
    first = staff.post(TARGETS, target_body(client_record), format="json", **key)
    again = staff.post(TARGETS, target_body(client_record), format="json", **key)
    assert first.status_code == again.status_code == 201, first.json()
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    made = first.json()
    assert made["memory"] == "Father shouting at the table."
    assert {e["code"] for e in made["emotions"]} == {"grief", "longing"}
    assert (made["status"], made["plan_order"], made["resolution"]) == ("planned", 1, None)
    assert [c["status"] for c in made["status_changes"]] == ["planned"]
    assert Target.objects.count() == 1
    assert staff.get(f"{TARGETS}{made['id']}/").json() == made


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"emotions": ["grief", "no-such-word"]}, "emotions"),
        ({"label": ""}, "label"),
        ({"label": "x" * 61}, "label"),
        ({"sequence": "someday"}, "sequence"),
        ({"plan_order": 0}, "plan_order"),
        ({"plan_order": 1000}, "plan_order"),  # the model's limit, as on the page
        ({"plan_order": "2"}, "plan_order"),
        ({"shown_to_client": "yes"}, "shown_to_client"),
        ({"memory": 5}, "memory"),
        ({"emotions": "grief"}, "emotions"),
        ({"emotions": ["grief"] * 21}, "emotions"),
        ({"client": None}, "client"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_wrong_target_is_400_naming_the_field_and_stores_nothing(
    staff, client_record, overrides, field
):
    response = staff.post(
        TARGETS, target_body(client_record, **overrides), format="json", **new_key()
    )
    assert response.status_code == 400
    assert field in fields(response)
    assert not Target.objects.exists()


@pytest.mark.django_db
def test_a_target_names_a_client_i_treat_and_a_label_new_for_them(
    staff, client_record, target, other_clinic_therapist
):
    for outsider in (
        factories.ClientFactory(
            primary_therapist=factories.TherapistFactory(clinic=client_record.clinic)
        ),
        factories.ClientFactory(primary_therapist=other_clinic_therapist),
    ):
        response = staff.post(TARGETS, target_body(outsider), format="json", **new_key())
        assert (response.status_code, fields(response)) == (400, {"client"})
    taken = staff.post(TARGETS, target_body(client_record, label="The car park"), **new_key())
    assert (taken.status_code, fields(taken)) == (400, {"label"})
    assert Target.objects.count() == 1


@pytest.mark.django_db
def test_therapist_changes_what_a_target_says(staff, target):
    url = f"{TARGETS}{target.pk}/"
    changed = staff.patch(url, {"label": "Car park, at night", "emotions": ["hopeful"]})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["label"] == "Car park, at night"
    assert [e["code"] for e in changed.json()["emotions"]] == ["hopeful"]
    assert changed.json()["memory"] == target.memory  # left alone
    assert fields(staff.patch(url, {"sud_end": 0})) == {"sud_end"}
    assert fields(staff.patch(url, {"plan_order": None})) == {"plan_order"}


@pytest.mark.django_db
def test_a_client_sees_only_the_labels_shown_and_never_the_memory(me, target, hidden):
    listed = me.get(TARGETS).json()["results"]
    assert listed == [{"id": target.pk, "label": "The car park"}]
    assert me.get(f"{TARGETS}{target.pk}/").json() == {"id": target.pk, "label": "The car park"}
    assert me.get(f"{TARGETS}{hidden.pk}/").status_code == 404
    assert me.patch(f"{TARGETS}{target.pk}/", {"label": "Mine"}).status_code == 403
    assert me.post(TARGETS, target_body(target.client), **new_key()).status_code == 403


@pytest.mark.django_db
def test_other_therapist_and_other_clinic_get_404(outsiders, client_record, target):
    record = factories.ProcessingRecordFactory(target=target)
    factories.TicesEntryFactory(client=client_record)
    for api in outsiders:
        assert api.get(f"{TARGETS}{target.pk}/").status_code == 404
        assert api.patch(f"{TARGETS}{target.pk}/", {"label": "x"}).status_code == 404
        assert api.post(f"{TARGETS}{target.pk}/status/", {"status": "set_aside"}).status_code == 404
        assert api.get(f"{RECORDS}{record.pk}/").status_code == 404
        assert api.patch(f"{RECORDS}{record.pk}/", {"sud_end": 0}).status_code == 404
        for url in (TARGETS, RECORDS, TICES):
            assert api.get(url, {"client": client_record.pk}).status_code == 404
            assert api.get(url).json()["results"] == []
        assert api.get(RECORDS, {"target": target.pk}).status_code == 404
    target.refresh_from_db()
    assert target.label == "The car park" and target.status == "planned"


@pytest.mark.django_db
def test_a_discharged_clients_new_target_and_log_entry_are_403(staff, me, client_record):
    client_record.status = "discharged"
    client_record.discharged_on = client_record.started_on
    client_record.save(update_fields=["status", "discharged_on"])
    response = staff.post(TARGETS, target_body(client_record), format="json", **new_key())
    assert response.status_code == 403 and "ended" in response.json()["errors"][0]["message"]
    assert me.post(TICES, tices_body(), format="json", **new_key()).status_code == 403
    assert not Target.objects.exists() and not TicesEntry.objects.exists()


@pytest.mark.django_db
def test_target_list_query_count_does_not_grow(staff, client_record, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            factories.ProcessingRecordFactory(target=factories.TargetFactory(client=client_record))

    add(2)
    with django_assert_num_queries(8) as few:
        staff.get(TARGETS)
    add(15)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(staff.get(TARGETS).json()["results"]) == 17


# --- status and the resolution rule -------------------------------------------------
def _worked(target, **numbers):
    return factories.ProcessingRecordFactory(
        target=target, phases=[4, 5, 6, 7], closure="complete", **numbers
    )


@pytest.mark.django_db
def test_a_resolution_with_voc_6_needs_a_reason_then_is_accepted(staff, target):
    _worked(target, sud_end=0, voc_installed=6, body_scan_clear=True)
    url = f"{TARGETS}{target.pk}/status/"
    refused = staff.post(url, {"status": "resolved"})
    assert (refused.status_code, fields(refused)) == (400, {"reason"})
    target.refresh_from_db()
    assert target.status == "planned"
    accepted = staff.post(url, {"status": "resolved", "reason": "Seven would not be true."})
    assert accepted.status_code == 200, accepted.json()
    body = accepted.json()
    assert body["status"] == "resolved"
    assert body["resolution"]["meets_rule"] is False
    assert body["resolution"]["needs_judgement"] is True
    assert body["status_changes"][-1]["grounds"] == "voc_accepted"
    assert body["status_changes"][-1]["reason"] == "Seven would not be true."


@pytest.mark.django_db
def test_the_answer_says_what_the_rule_reads_for_the_app_to_suggest(staff, target):
    _worked(target, sud_end=0, voc_installed=7, body_scan_clear=True)
    shown = staff.get(f"{TARGETS}{target.pk}/").json()["resolution"]
    assert (shown["meets_rule"], shown["problems"]) == (True, {})
    resolved = staff.post(f"{TARGETS}{target.pk}/status/", {"status": "resolved"})
    assert resolved.json()["status_changes"][-1]["grounds"] == "rule"


@pytest.mark.django_db
def test_sud_one_asks_for_the_therapists_judgement(staff, target):
    _worked(target, sud_end=1, voc_installed=7, body_scan_clear=True)
    url = f"{TARGETS}{target.pk}/status/"
    assert fields(staff.post(url, {"status": "resolved"})) == {"sud_one_fitting"}
    done = staff.post(url, {"status": "resolved", "sud_one_fitting": True})
    assert done.json()["status_changes"][-1]["grounds"] == "sud_one"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "resolved"}, "status"),  # no session has worked it yet
        ({"status": "done"}, "status"),
        ({}, "status"),
        ({"status": "set_aside", "sud_one_fitting": "true"}, "sud_one_fitting"),
        ({"status": "set_aside", "reason": ["x"]}, "reason"),
    ],
)
def test_a_wrong_status_change_is_400_naming_the_field(staff, target, body, field):
    response = staff.post(f"{TARGETS}{target.pk}/status/", body, format="json")
    assert (response.status_code, fields(response)) == (400, {field})
    assert target.status_changes.count() == 0


@pytest.mark.django_db
def test_sud_two_cannot_be_resolved_and_the_answer_names_it(staff, target):
    _worked(target, sud_end=2, voc_installed=7, body_scan_clear=True)
    response = staff.post(f"{TARGETS}{target.pk}/status/", {"status": "resolved", "reason": "x"})
    assert fields(response) == {"sud_end"}
    assert staff.get(f"{TARGETS}{target.pk}/").json()["resolution"]["problems"].keys() == {
        "sud_end"
    }


# --- processing records -------------------------------------------------------------
@pytest.mark.django_db
def test_therapist_records_a_sessions_processing_once_per_key(staff, target):
    session = held_session(target.client)
    key = new_key()
    first = staff.post(RECORDS, record_body(session, target), format="json", **key)
    again = staff.post(RECORDS, record_body(session, target), format="json", **key)
    assert first.status_code == again.status_code == 201, first.json()
    assert again.json() == first.json()
    made = first.json()
    assert (made["client"], made["session"], made["target"]) == (
        target.client_id,
        session.pk,
        target.pk,
    )
    assert made["notes"] == "Stayed with the image."
    assert made["plan_next"] == "Reevaluate, then continue."
    assert made["resolution"]["meets_rule"] is False
    assert set(made["resolution"]["problems"]) == {"sud_end", "voc_installed", "body_scan_clear"}
    assert ProcessingRecord.objects.count() == 1
    target.refresh_from_db()
    assert target.status == "in_progress"
    assert staff.get(f"{RECORDS}{made['id']}/").json() == made


@pytest.mark.django_db
def test_sending_a_sessions_record_again_corrects_it(staff, target):
    session = held_session(target.client)
    staff.post(RECORDS, record_body(session, target), format="json", **new_key())
    corrected = staff.post(
        RECORDS, record_body(session, target, sud_end=0), format="json", **new_key()
    )
    assert corrected.status_code == 200
    assert ProcessingRecord.objects.get().sud_end == 0


@pytest.mark.django_db
def test_a_record_is_corrected_by_sending_only_what_changes(staff, target):
    record = factories.ProcessingRecordFactory(target=target, notes="First words.")
    response = staff.patch(
        f"{RECORDS}{record.pk}/", {"sud_end": 0, "voc_installed": 7, "body_scan_clear": True}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["phases"], body["notes"], body["sud_start"]) == ([3, 4, 7], "First words.", 7)
    assert body["resolution"] == {"meets_rule": True, "needs_judgement": False, "problems": {}}
    assert fields(staff.patch(f"{RECORDS}{record.pk}/", {"phases": [0]})) == {"phases"}
    assert fields(staff.patch(f"{RECORDS}{record.pk}/", {"closure": None})) == {"closure"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sud_end": 11}, "sud_end"),
        ({"sud_start": -1}, "sud_start"),
        ({"voc_installed": 0}, "voc_installed"),
        ({"voc_setup": 8}, "voc_setup"),
        ({"phases": [9]}, "phases"),
        ({"phases": [4, True]}, "phases"),
        ({"phases": []}, "phases"),
        ({"phases": "3,4"}, "phases"),
        ({"phases": list(range(1, 9)) * 50}, "phases"),
        ({"phases": None}, "phases"),
        ({"sud_end": "0"}, "sud_end"),
        ({"sud_end": 1.5}, "sud_end"),
        ({"sets_count": 10**40}, "sets_count"),
        ({"sets_kind": "humming"}, "sets_kind"),
        ({"closure": None}, "closure"),
        ({"body_scan_clear": "no"}, "body_scan_clear"),
        ({"notes": {"a": 1}}, "notes"),
        ({"calming_exercise": "abc"}, "calming_exercise"),
        ({"session": None}, "session"),
        ({"target": [1]}, "target"),
    ],
)
def test_a_wrong_record_is_400_naming_the_field_and_stores_nothing(staff, target, overrides, field):
    body = record_body(held_session(target.client), target, **overrides)
    response = staff.post(RECORDS, body, format="json", **new_key())
    assert response.status_code == 400
    assert field in fields(response)
    assert not ProcessingRecord.objects.exists()


@pytest.mark.django_db
def test_a_record_names_a_held_session_and_a_target_of_its_client(
    staff, therapist, client_record, target, other_clinic_therapist
):
    session = held_session(client_record)
    other_client = factories.ClientFactory(primary_therapist=therapist)
    colleague = factories.ClientFactory(
        primary_therapist=factories.TherapistFactory(clinic=therapist.clinic)
    )
    elsewhere = factories.ClientFactory(primary_therapist=other_clinic_therapist)
    foreign_exercise = other_clinic_therapist.clinic.exercises.first()
    cases = [
        (record_body(session, factories.TargetFactory(client=other_client)), "target"),
        (record_body(session, factories.TargetFactory(client=colleague)), "target"),
        (record_body(held_session(colleague), target), "session"),
        (record_body(held_session(elsewhere), target), "session"),
        (record_body(factories.SessionFactory(client=client_record), target), "session"),
        (record_body(session, target, calming_exercise=foreign_exercise.pk), "calming_exercise"),
    ]
    for body, field in cases:
        response = staff.post(RECORDS, body, format="json", **new_key())
        assert (response.status_code, fields(response)) == (400, {field}), body
    assert not ProcessingRecord.objects.exists()


@pytest.mark.django_db
def test_a_calming_exercise_of_the_library_is_linked(staff, target, clinic):
    exercise = clinic.exercises.filter(category="grounding").first()
    body = record_body(held_session(target.client), target, calming_exercise=exercise.pk)
    made = staff.post(RECORDS, body, format="json", **new_key()).json()
    assert made["calming_exercise"] == exercise.pk


@pytest.mark.django_db
def test_records_are_the_therapists_alone_and_narrowed_by_target(
    staff, me, client_record, target, hidden
):
    record = factories.ProcessingRecordFactory(target=target)
    factories.ProcessingRecordFactory(target=hidden)
    assert me.get(RECORDS).status_code == 403
    assert me.get(f"{RECORDS}{record.pk}/").status_code == 403
    session = held_session(client_record, days_ago=1)
    assert me.post(RECORDS, record_body(session, target), **new_key()).status_code == 403
    listed = staff.get(RECORDS, {"target": target.pk}).json()["results"]
    assert [r["id"] for r in listed] == [record.pk]
    assert len(staff.get(RECORDS, {"client": client_record.pk}).json()["results"]) == 2
    for value in ("abc", "1.0", "-1", "9" * 30, ""):
        assert fields(staff.get(RECORDS, {"target": value})) == {"target"}


@pytest.mark.django_db
def test_a_therapists_reads_are_in_the_audit_trail_without_their_words(
    staff, me, client_record, target
):
    from clinic.models import AuditEvent

    record = factories.ProcessingRecordFactory(target=target, notes="Sentinel words.")
    entry = factories.TicesEntryFactory(client=client_record)
    staff.get(f"{RECORDS}{record.pk}/")
    staff.get(TICES, {"client": client_record.pk})
    me.get(TICES)  # a client reading their own log is not an event
    reads = AuditEvent.objects.filter(action="view").order_by("id")
    assert [(e.object_type, e.object_ids, e.client_id) for e in reads] == [
        ("processingrecord", [record.pk], client_record.pk),
        ("ticesentry", [entry.pk], client_record.pk),
    ]
    assert "Sentinel" not in str(list(reads.values()))


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
    assert crisis["when_read"].startswith("Your therapist will read this")
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
