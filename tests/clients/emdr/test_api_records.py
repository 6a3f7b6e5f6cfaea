"""The EMDR API: a session's processing records."""

import datetime as dt

import pytest
from django.utils import timezone

from clients.emdr.models import ProcessingRecord
from tests import factories
from tests.clients.emdr.helpers import RECORDS, TICES, fields, new_key

pytestmark = pytest.mark.usefixtures("_fresh_throttle_counters")


def held_session(client, days_ago=2):
    return factories.SessionFactory(
        client=client, status="completed", starts_at=timezone.now() - dt.timedelta(days=days_ago)
    )


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


@pytest.fixture
def target(client_record):
    return factories.TargetFactory(client=client_record, label="The car park", shown_to_client=True)


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


# --- a reevaluation alone and the resolution rule -----------------------------------
def _reevaluation_after_processing(staff, target):
    done = {"sud_end": 0, "voc_installed": 7, "body_scan_clear": True, "closure": "complete"}
    processed = record_body(held_session(target.client, days_ago=9), target, **done)
    assert staff.post(RECORDS, processed, format="json", **new_key()).status_code == 201
    reevaluation = {
        "session": held_session(target.client).pk,
        "target": target.pk,
        "phases": [8],
        "reevaluation_sud": 1,
        "closure": "complete",
    }
    assert staff.post(RECORDS, reevaluation, format="json", **new_key()).status_code == 201


@pytest.mark.django_db
def test_a_status_change_reads_the_last_processing_record_not_a_later_reevaluation(staff, target):
    _reevaluation_after_processing(staff, target)
    resolved = staff.post(f"/api/v1/emdr/targets/{target.pk}/status/", {"status": "resolved"})
    assert resolved.status_code == 200, resolved.json()
    assert resolved.json()["status_changes"][-1]["grounds"] == "rule"


@pytest.mark.django_db
def test_the_answers_resolution_reads_the_last_processing_record(staff, target):
    _reevaluation_after_processing(staff, target)
    shown = staff.get(f"/api/v1/emdr/targets/{target.pk}/").json()["resolution"]
    assert (shown["meets_rule"], shown["problems"]) == (True, {})
