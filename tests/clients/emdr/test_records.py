"""EMDR in the client's whole record: exported (JSON, CSV, the readable page) and erased."""

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from django.utils.html import escape

from clients import records
from clients.emdr import services
from clients.emdr.models import ProcessingRecord, Target, TargetStatusChange, TicesEntry
from clinic import audit_words
from clinic.models import AuditEvent
from tests import factories

MEMORY = "The hallway at night, the door locked from outside"
IMAGE = "The thin line of light under the door"
NC = "I am powerless"
PC = "I can protect myself now"
NOTES = "Strong shaking in sets 4-6, settled with the container"
PLAN = "Reevaluate the hallway; then the present trigger"
REASON = "Dropped: no longer what she wants to work on"
TRIGGER = "The neighbour's door banged at midnight"
TICES_IMAGE = "Light under my own door"
TICES_COGNITION = "Nobody will come"
SENSATION = "Cold hands, chest tight"
FREE_TEXT = (MEMORY, IMAGE, NC, PC, NOTES, PLAN, REASON, TRIGGER, TICES_IMAGE, TICES_COGNITION)


@pytest.fixture
def clinic_admin(clinic):
    return factories.ClinicAdminFactory(clinic=clinic)


@pytest.fixture
def emdr_record(client_record):
    """A target worked in one held session, a second one set aside with a reason, and a log
    entry that touches the first."""
    therapist = client_record.primary_therapist.user
    target = services.target_create(
        client=client_record,
        by=therapist,
        emotions=["afraid", "ashamed"],
        label="The hallway",
        shown_to_client=True,
        memory=MEMORY,
        worst_image=IMAGE,
        negative_cognition=NC,
        positive_cognition=PC,
        body_location="Throat",
    )
    session = factories.SessionFactory(
        client=client_record,
        status="completed",
        starts_at=timezone.now() - dt.timedelta(days=3),
    )
    services.record_save(
        session=session,
        target=target,
        by=therapist,
        phases=[3, 4, 7],
        sud_start=8,
        sud_end=5,
        voc_setup=2,
        sets_count=14,
        sets_kind="tapping",
        closure="contained",
        calming_technique="Container",
        notes=NOTES,
        plan_next=PLAN,
    )
    other = services.target_create(client=client_record, by=therapist, label="The car")
    services.target_status_set(target=other, status="set_aside", by=therapist, reason=REASON)
    draft = services.tices_prepare(
        client=client_record,
        occurred_at=timezone.now() - dt.timedelta(days=1),
        trigger=TRIGGER,
        image=TICES_IMAGE,
        cognition=TICES_COGNITION,
        sensation=SENSATION,
        emotions=["afraid"],
        disturbance=7,
        target_id=target.pk,
    )
    services.tices_record(draft=draft)
    return client_record


def _export(client, record, file_format):
    return client.get(f"/admin/clients/client/{record.pk}/export.{file_format}")


# --- export ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_json_export_holds_the_emdr_tables_decrypted(client, clinic_admin, emdr_record):
    client.force_login(clinic_admin)
    body = json.loads(_export(client, emdr_record, "json").content)

    targets = {row["label"]: row for row in body["emdr_targets"]}
    hallway = targets["The hallway"]
    assert (hallway["memory"], hallway["worst_image"]) == (MEMORY, IMAGE)
    assert (hallway["negative_cognition"], hallway["positive_cognition"]) == (NC, PC)
    assert (hallway["status"], hallway["shown_to_client"]) == ("in_progress", True)
    assert sorted(
        row["emotionlabel__code"]
        for row in body["emdr_target_emotions"]
        if row["target_id"] == hallway["id"]
    ) == ["afraid", "ashamed"]
    changes = [
        (row["target_id"], row["status"], row["reason"])
        for row in body["emdr_target_status_changes"]
    ]
    assert (targets["The car"]["id"], "set_aside", REASON) in changes
    assert (hallway["id"], "in_progress", "") in changes
    [record] = body["emdr_processing_records"]
    assert (record["notes"], record["plan_next"], record["phases"]) == (NOTES, PLAN, [3, 4, 7])
    assert (record["sud_start"], record["sud_end"], record["closure"]) == (8, 5, "contained")
    [entry] = body["tices_entries"]
    assert (entry["trigger"], entry["image"], entry["cognition"], entry["sensation"]) == (
        TRIGGER,
        TICES_IMAGE,
        TICES_COGNITION,
        SENSATION,
    )
    assert (entry["disturbance"], entry["target_id"]) == (7, hallway["id"])
    assert [row["emotionlabel__code"] for row in body["tices_entry_emotions"]] == ["afraid"]
    assert AuditEvent.objects.filter(action="export", object_type="client").count() == 1


@pytest.mark.django_db
def test_the_zip_export_has_a_csv_for_each_emdr_table(client, clinic_admin, emdr_record):
    client.force_login(clinic_admin)
    archive = zipfile.ZipFile(io.BytesIO(_export(client, emdr_record, "zip").content))

    def table(name):
        return list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode())))

    assert {row["memory"] for row in table("emdr_targets")} == {MEMORY, ""}
    assert table("emdr_processing_records")[0]["notes"] == NOTES
    assert table("tices_entries")[0]["trigger"] == TRIGGER
    assert len(table("emdr_target_status_changes")) == 4  # planned, in progress; planned, aside
    assert len(table("emdr_target_emotions")) == 2 and len(table("tices_entry_emotions")) == 1


@pytest.mark.django_db
def test_a_client_without_emdr_exports_empty_emdr_tables(clinic_admin, client_record):
    record = records.client_record(client=client_record)
    for name in ("emdr_targets", "emdr_processing_records", "tices_entries"):
        assert record[name] == []


# --- the readable record -------------------------------------------------------------


def _page(client, record):
    return client.get(f"/admin/clients/client/{record.pk}/record/")


@pytest.mark.django_db
def test_the_readable_record_holds_the_emdr_work_in_words(client, clinic_admin, emdr_record):
    client.force_login(clinic_admin)
    response = _page(client, emdr_record)
    assert response.status_code == 200
    page = response.content.decode()
    emdr = page[page.index('id="emdr"') : page.index('id="tices"')]
    for text in (MEMORY, IMAGE, NC, PC, NOTES, PLAN, REASON):
        assert escape(text) in emdr, text
    assert "The hallway" in emdr and "In progress" in emdr and "Set aside" in emdr
    assert "Afraid, Ashamed" in emdr and "3, 4, 7" in emdr and "8 → 5" in emdr
    assert "Contained" in emdr and "14 Tapping" in emdr
    tices = page[page.index('id="tices"') :]
    for text in (TRIGGER, TICES_IMAGE, TICES_COGNITION, SENSATION):
        assert escape(text) in tices, text
    assert "7 of 10" in tices and "The hallway" in tices
    assert "It also holds the EMDR work" in page


@pytest.mark.django_db
def test_the_readable_record_of_a_client_without_emdr_has_no_emdr_part(
    client, clinic_admin, client_record
):
    client.force_login(clinic_admin)
    page = _page(client, client_record).content.decode()
    assert 'id="emdr"' not in page and 'id="tices"' not in page
    assert "EMDR" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("targets", [1, 10])
def test_the_readable_record_reads_a_fixed_number_of_queries(
    client, clinic_admin, client_record, targets, django_assert_max_num_queries
):
    sessions = [
        factories.SessionFactory(
            client=client_record,
            status="completed",
            starts_at=timezone.now() - dt.timedelta(days=7 * n + 1),
        )
        for n in range(3)
    ]
    for _ in range(targets):
        target = factories.TargetFactory(client=client_record)
        TargetStatusChange.objects.create(target=target, status="planned")
        for session in sessions:
            factories.ProcessingRecordFactory(target=target, session=session)
        factories.TicesEntryFactory(client=client_record, target=target)
    client.force_login(clinic_admin)
    client.get("/admin/")
    # The record's own (test_records_document; here without check-ins or exercises), and
    # the EMDR part: targets, their feelings, status changes and records; the log and its
    # feelings.
    with django_assert_max_num_queries(19):
        response = _page(client, client_record)
    assert response.content.decode().count('class="entry emdr-record"') == 3 * targets


# --- erasure -------------------------------------------------------------------------


@pytest.mark.django_db
def test_erasure_takes_every_emdr_row_and_names_each_kind_in_the_trail(
    client, clinic_admin, emdr_record
):
    target_ids = sorted(Target.objects.values_list("pk", flat=True))
    change_ids = sorted(TargetStatusChange.objects.values_list("pk", flat=True))
    record_ids = list(ProcessingRecord.objects.values_list("pk", flat=True))
    entry_ids = list(TicesEntry.objects.values_list("pk", flat=True))
    target = Target.objects.get(label="The hallway")
    LogEntry.objects.create(
        user=clinic_admin,
        content_type=ContentType.objects.get_for_model(Target),
        object_id=str(target.pk),
        object_repr=str(target),  # the label
        action_flag=CHANGE,
    )
    client.force_login(clinic_admin)

    response = client.post(
        f"/admin/clients/client/{emdr_record.pk}/erase/", {"confirm_label": emdr_record.label}
    )

    assert response.status_code == 302
    for model in (Target, TargetStatusChange, ProcessingRecord, TicesEntry):
        assert not model.objects.exists(), model
    with connection.cursor() as cursor:
        for table in ("emdr_target_emotions", "emdr_ticesentry_emotions"):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed names
            assert cursor.fetchone()[0] == 0, table
    assert not LogEntry.objects.filter(object_repr="The hallway").exists()
    deletes = AuditEvent.objects.filter(action="delete", client_id=emdr_record.pk)
    by_kind = {event.object_type: sorted(event.object_ids) for event in deletes}
    assert by_kind["target"] == target_ids
    assert by_kind["targetstatuschange"] == change_ids
    assert by_kind["processingrecord"] == record_ids
    assert by_kind["ticesentry"] == entry_ids
    assert AuditEvent.objects.filter(action="erase", client_id=emdr_record.pk).count() == 1
    trail = json.dumps(list(AuditEvent.objects.values()), default=str)
    for text in (*FREE_TEXT, "The hallway"):
        assert text not in trail, text


@pytest.mark.django_db
def test_the_trail_words_every_emdr_kind(clinic_admin, emdr_record):
    for kind in ("target", "targetstatuschange", "processingrecord", "ticesentry", "emdrsettings"):
        assert kind in audit_words.RECORDS and kind in audit_words.KINDS, kind
    event = AuditEvent.objects.create(
        actor=clinic_admin,
        actor_role="clinic_admin",
        action="delete",
        object_type="target",
        object_ids=[1, 2],
        client_id=emdr_record.pk,
        view="admin:clients_client_erase",
    )
    assert audit_words.sentence(event) == (
        f"{clinic_admin.display_name} deleted 2 EMDR targets of {emdr_record.label} in the admin"
    )
    logged = AuditEvent.objects.filter(object_type="ticesentry", action="create").first()
    assert logged is not None  # the entry the fixture stored, by the system here
    logged.view = "client-tices"
    assert audit_words.sentence(logged).endswith("on their own page (the TICES log)")
