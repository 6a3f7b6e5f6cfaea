import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from clients.emdr import selectors, services
from clients.emdr.models import ProcessingRecord, Target, TicesEntry
from tests import factories


@pytest.fixture
def target(client_record):
    return services.target_create(
        client=client_record,
        by=client_record.primary_therapist.user,
        label="The kitchen, age 9",
        memory="Father shouting at the table.",
        negative_cognition="I am not safe.",
        positive_cognition="I am safe now.",
    )


def held_session(client, days_ago=2):
    from datetime import timedelta

    from django.utils import timezone

    return factories.SessionFactory(
        client=client, status="completed", starts_at=timezone.now() - timedelta(days=days_ago)
    )


def test_a_new_target_is_planned_last_in_the_plan_with_its_status_dated(target, client_record):
    second = services.target_create(client=client_record, by=None, label="The car park")
    assert (target.plan_order, second.plan_order) == (1, 2)
    assert [c.status for c in target.status_changes.all()] == ["planned"]


def test_working_a_planned_target_puts_it_in_progress(target):
    record, created = services.record_save(
        session=held_session(target.client),
        target=target,
        by=None,
        phases=[3, 4],
        sud_start=8,
        sud_end=5,
        closure="incomplete",
    )
    assert created and record.phases == [3, 4]
    target.refresh_from_db()
    assert target.status == Target.Status.IN_PROGRESS
    assert [c.status for c in target.status_changes.all()] == ["planned", "in_progress"]


def test_saving_the_same_session_and_target_again_corrects_the_record(target):
    session = held_session(target.client)
    services.record_save(session=session, target=target, by=None, phases=[4], closure="complete")
    record, created = services.record_save(
        session=session, target=target, by=None, phases=[4, 5], sud_end=2, closure="contained"
    )
    assert not created
    assert ProcessingRecord.objects.get().closure == "contained"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"phases": [9], "closure": "complete"}, "phases"),
        ({"phases": [], "closure": "complete"}, "phases"),
        ({"phases": [4], "sud_end": 11, "closure": "complete"}, "sud_end"),
        ({"phases": [4], "voc_installed": 0, "closure": "complete"}, "voc_installed"),
        ({"phases": [4], "closure": "maybe"}, "closure"),
    ],
)
def test_bad_numbers_are_refused_naming_the_field(target, fields, field):
    with pytest.raises(ValidationError) as refused:
        services.record_save(session=held_session(target.client), target=target, by=None, **fields)
    assert field in refused.value.message_dict
    assert not ProcessingRecord.objects.exists()


def test_a_target_of_another_client_is_refused(target, therapist):
    other = factories.ClientFactory(primary_therapist=therapist)
    with pytest.raises(ValidationError) as refused:
        services.record_save(
            session=held_session(other), target=target, by=None, phases=[4], closure="complete"
        )
    assert "target" in refused.value.message_dict


def test_a_session_not_held_is_refused(target):
    session = factories.SessionFactory(client=target.client)  # scheduled, ahead
    with pytest.raises(ValidationError) as refused:
        services.record_save(
            session=session, target=target, by=None, phases=[4], closure="complete"
        )
    assert "session" in refused.value.message_dict


def _finish(target, **numbers):
    services.record_save(
        session=held_session(target.client),
        target=target,
        by=None,
        phases=[4, 5, 6, 7],
        closure="complete",
        **numbers,
    )


def test_resolving_on_the_rule_records_its_grounds(target):
    _finish(target, sud_end=0, voc_installed=7, body_scan_clear=True)
    services.target_status_set(target=target, status="resolved", by=None)
    change = target.status_changes.last()
    assert (change.status, change.grounds) == ("resolved", "rule")


def test_voc_six_needs_a_reason_and_then_is_accepted(target):
    _finish(target, sud_end=0, voc_installed=6, body_scan_clear=True)
    with pytest.raises(ValidationError) as refused:
        services.target_status_set(target=target, status="resolved", by=None)
    assert list(refused.value.message_dict) == ["reason"]
    services.target_status_set(
        target=target, status="resolved", by=None, reason="Seven would not be true to life."
    )
    assert target.status_changes.last().grounds == "voc_accepted"


def test_sud_two_cannot_be_resolved_even_with_a_reason(target):
    _finish(target, sud_end=2, voc_installed=7, body_scan_clear=True)
    with pytest.raises(ValidationError) as refused:
        services.target_status_set(target=target, status="resolved", by=None, reason="Enough.")
    assert "sud_end" in refused.value.message_dict
    target.refresh_from_db()
    assert target.status == Target.Status.IN_PROGRESS


def test_tices_entry_with_the_same_client_uuid_is_stored_once(client_record):
    import uuid

    from django.utils import timezone

    key = uuid.uuid4()
    for _ in range(2):
        draft = services.tices_prepare(
            client=client_record,
            occurred_at=timezone.now(),
            trigger="His car outside.",
            disturbance=8,
            client_uuid=key,
        )
        services.tices_record(draft=draft)
    assert TicesEntry.objects.count() == 1


def test_a_target_hidden_from_the_client_cannot_be_named_in_the_log(target):
    from django.utils import timezone

    with pytest.raises(ValidationError) as refused:
        services.tices_prepare(
            client=target.client,
            occurred_at=timezone.now(),
            trigger="x",
            disturbance=3,
            target_id=target.pk,
        )
    assert "target" in refused.value.message_dict


def test_words_about_a_memory_are_unreadable_in_the_database(target):
    with connection.cursor() as cursor:
        cursor.execute("SELECT memory, negative_cognition, positive_cognition FROM emdr_target")
        row = cursor.fetchone()
    assert all(value.startswith("gAAAA") for value in row)
    assert "shouting" not in " ".join(row)


def test_a_session_with_processing_stays_held(target):
    from clinic.sessions import session_mark

    session = held_session(target.client)
    services.record_save(session=session, target=target, by=None, phases=[4], closure="complete")
    with pytest.raises(ValidationError) as refused:
        session_mark(session=session, status="scheduled")
    assert "status" in refused.value.message_dict
    session.refresh_from_db()
    assert session.status == "completed"


@pytest.mark.parametrize("status", ["resolved", "set_aside"])
def test_a_closed_target_is_reopened_before_processing_but_may_be_reevaluated(target, status):
    _finish(target, sud_end=0, voc_installed=7, body_scan_clear=True)
    services.target_status_set(target=target, status=status, by=None)
    later = held_session(target.client, days_ago=1)
    with pytest.raises(ValidationError) as refused:
        services.record_save(
            session=later, target=target, by=None, phases=[8, 4], closure="complete"
        )
    assert "target" in refused.value.message_dict
    record, _created = services.record_save(
        session=later, target=target, by=None, phases=[8], reevaluation_sud=0, closure="complete"
    )
    target.refresh_from_db()
    assert record.reevaluation_sud == 0 and target.status == status


def test_the_sud_one_judgement_is_kept_beside_an_accepted_voc(target):
    _finish(target, sud_end=1, voc_installed=6, body_scan_clear=True)
    services.target_status_set(
        target=target, status="resolved", by=None, sud_one_fitting=True, reason="True to life."
    )
    change = target.status_changes.last()
    assert (change.grounds, change.sud_one_fitting) == ("voc_accepted", True)


def test_a_repeated_trigger_made_a_target_takes_its_log_entries_with_it(target):
    from django.utils import timezone

    def log(trigger, **extra):
        return factories.TicesEntryFactory(
            client=target.client, trigger=trigger, occurred_at=timezone.now(), **extra
        )

    same = [
        log("His car, outside the gym."),
        log("his car outside the gym"),
        log("HIS CAR OUTSIDE THE GYM!"),
    ]
    other = log("A song in the shop.")
    linked_before = log("His car outside the gym", target=target)
    new = services.target_create(client=target.client, by=None, label="His car")
    loose = selectors.loose_entries_naming(target.client, "His car outside the gym")
    assert services.tices_link_to_target(target=new, entries=loose) == 3
    assert {e.target_id for e in TicesEntry.objects.filter(pk__in=[e.pk for e in same])} == {new.pk}
    other.refresh_from_db()
    linked_before.refresh_from_db()
    assert (other.target_id, linked_before.target_id) == (None, target.pk)


def test_a_tices_entry_of_long_ago_is_refused_as_by_the_api(client_record):
    from datetime import timedelta

    from django.utils import timezone

    with pytest.raises(ValidationError) as refused:
        services.tices_prepare(
            client=client_record,
            occurred_at=timezone.now() - timedelta(days=31),
            trigger="x",
            disturbance=3,
        )
    assert "occurred_at" in refused.value.message_dict


@pytest.mark.parametrize(
    ("model", "columns"),
    [
        (
            "emdr_target",
            [
                "memory",
                "worst_image",
                "negative_cognition",
                "positive_cognition",
                "body_location",
            ],
        ),
        ("emdr_targetstatuschange", ["reason"]),
        ("emdr_processingrecord", ["notes", "plan_next", "calming_technique"]),
        ("emdr_ticesentry", ["trigger", "image", "cognition", "sensation"]),
    ],
)
def test_every_emdr_text_is_unreadable_in_the_database(target, model, columns):
    from django.utils import timezone

    secret = "ZZ-SECRET-WORDS"
    target.body_location = target.worst_image = secret
    target.save()
    _finish(
        target,
        sud_end=0,
        voc_installed=6,
        body_scan_clear=True,
        notes=secret,
        plan_next=secret,
        calming_technique=secret,
    )
    services.target_status_set(target=target, status="resolved", by=None, reason=secret)
    factories.TicesEntryFactory(
        client=target.client,
        occurred_at=timezone.now(),
        trigger=secret,
        image=secret,
        cognition=secret,
        sensation=secret,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {model}")  # noqa: S608 (fixed names)
        rows = cursor.fetchall()
    values = [value for row in rows for value in row if value]
    assert values and all(value.startswith("gAAAA") for value in values)
    assert not any(secret in value for value in values)


# --- What the resolution rule reads ----------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "processing"),
    [
        ({"phases": [8], "reevaluation_sud": 0}, False),  # a reevaluation alone
        ({"phases": [1, 2]}, False),
        ({"phases": [7, 8], "sud_start": 3}, False),
        ({"phases": [3]}, True),
        ({"phases": [6, 7]}, True),
        ({"phases": [8], "sud_end": 0}, True),
        ({"phases": [8], "voc_installed": 7}, True),
    ],
)
def test_a_record_processes_its_target_with_phases_3_to_6_or_its_end_numbers(fields, processing):
    assert services.is_processing(ProcessingRecord(closure="complete", **fields)) is processing


def test_a_resolved_target_reevaluated_later_still_reads_by_its_last_processing_record(target):
    _finish(target, sud_end=0, voc_installed=7, body_scan_clear=True)
    processed = ProcessingRecord.objects.get()
    services.target_status_set(target=target, status="resolved", by=None)
    services.record_save(
        session=held_session(target.client, days_ago=1),
        target=target,
        by=None,
        phases=[8],
        reevaluation_sud=0,
        closure="complete",
    )
    assert services.last_record(target) == processed  # not the later reevaluation
    # Reopened and resolved again: the rule reads the session that processed it.
    services.target_status_set(target=target, status="in_progress", by=None)
    services.target_status_set(target=target, status="resolved", by=None)
    assert target.status_changes.last().grounds == "rule"


def test_a_target_only_reevaluated_has_nothing_for_the_rule_to_read(target):
    services.record_save(
        session=held_session(target.client),
        target=target,
        by=None,
        phases=[8],
        reevaluation_sud=1,
        closure="complete",
    )
    assert services.last_record(target) is None
    with pytest.raises(ValidationError) as refused:
        services.target_status_set(target=target, status="resolved", by=None)
    assert list(refused.value.message_dict) == ["status"]


# --- Removing a record made by mistake ---------------------------------------------------


def test_removing_a_record_leaves_the_targets_status_and_is_in_the_audit_trail(target):
    from clinic.models import AuditEvent

    session = held_session(target.client)
    record, _created = services.record_save(
        session=session, target=target, by=None, phases=[3, 4], closure="incomplete"
    )
    record_id = record.pk
    services.record_remove(record=record, by=target.client.primary_therapist.user)
    assert not ProcessingRecord.objects.exists()
    target.refresh_from_db()
    assert target.status == Target.Status.IN_PROGRESS  # the therapist's to change
    deleted = AuditEvent.objects.get(action="delete", object_type="processingrecord")
    assert (deleted.object_ids, deleted.client_id) == ([record_id], target.client_id)


def test_removing_a_record_is_refused_after_discharge(target):
    from django.core.exceptions import PermissionDenied

    record, _created = services.record_save(
        session=held_session(target.client), target=target, by=None, phases=[4], closure="complete"
    )
    client = target.client
    client.status = "discharged"
    client.discharged_on = client.started_on
    client.save(update_fields=["status", "discharged_on"])
    record.target.client = client
    with pytest.raises(PermissionDenied):
        services.record_remove(record=record, by=None)
    assert ProcessingRecord.objects.filter(pk=record.pk).exists()


def test_a_session_whose_records_are_removed_can_be_marked_not_held(target):
    from clinic.sessions import session_mark

    session = held_session(target.client)
    record, _created = services.record_save(
        session=session, target=target, by=None, phases=[4], closure="complete"
    )
    with pytest.raises(ValidationError) as refused:
        session_mark(session=session, status="cancelled")
    assert "session's EMDR page" in refused.value.message_dict["status"][0]
    services.record_remove(record=record, by=None)
    session_mark(session=session, status="cancelled")
    session.refresh_from_db()
    assert session.status == "cancelled"
