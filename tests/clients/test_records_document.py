"""The record a client asks for, as a page to read and print: everything in plain words,
the free text decrypted, times in the client's zone; for the clinic's admins only, audited."""

import datetime as dt

import pytest

from clients.safety.models import FollowUp
from clients.safety.plans import safety_plan_save
from clinic.models import AuditEvent
from reports.models import WeeklySummary
from tests import factories

NOTE = "the night I found the other phone"
REFLECTION = "writing the unsent letter helped a little"
FOLLOW_UP = "spoke by phone, agreed to use the plan tonight"
PLAN = "call my brother before midnight"
# 23:04 UTC on 30 November is 15:04 in Los Angeles, the client's zone.
CHECKED_IN = dt.datetime(2026, 11, 30, 23, 4, tzinfo=dt.UTC)


@pytest.fixture
def clinic_admin(clinic):
    return factories.ClinicAdminFactory(clinic=clinic)


@pytest.fixture
def full_record(client_record):
    client_record.time_zone = "America/Los_Angeles"
    client_record.save(update_fields=["time_zone"])
    check_in = factories.CheckInFactory(
        client=client_record,
        occurred_at=CHECKED_IN,
        note=NOTE,
        safety_concern=True,
        wants_to_discuss=True,
        charge=-3,
    )
    factories.CheckInEmotionFactory(check_in=check_in, intensity=7)
    assignment = factories.AssignmentFactory(
        client=client_record, schedule="weekly", times_per_week=3
    )
    factories.CompletionFactory(assignment=assignment, reflection=REFLECTION)
    alert = factories.AlertFactory(client=client_record, check_in=check_in, created_at=CHECKED_IN)
    therapist_user = client_record.primary_therapist.user
    FollowUp.objects.create(alert=alert, by=therapist_user, action="contacted", note=FOLLOW_UP)
    safety_plan_save(client=client_record, by=therapist_user, people_to_ask=PLAN)
    factories.SessionFactory(client=client_record, therapist=client_record.primary_therapist)
    WeeklySummary.objects.create(
        client=client_record, week_start="2026-11-23", digest="A heavier week.", flags=["stuck"]
    )
    return client_record


def record_page(client, record):
    return client.get(f"/admin/clients/client/{record.pk}/record/")


@pytest.mark.django_db
def test_the_record_holds_everything_in_words_with_the_free_text_decrypted(
    client, clinic_admin, full_record
):
    client.force_login(clinic_admin)
    response = record_page(client, full_record)
    assert response.status_code == 200
    page = response.content.decode()
    for text in (NOTE, REFLECTION, FOLLOW_UP, PLAN, "A heavier week."):
        assert text in page, text
    assert full_record.label in page
    assert full_record.clinic.name in page
    assert full_record.primary_therapist.display_name in page
    assert "Breakup or divorce" in page  # focus areas by name
    label = full_record.clinic.emotion_labels.first().name
    assert f"{label}, 7 of 10" in page  # a feeling with its intensity
    assert "5 of 10" in page and "0 is none, 10 the most imaginable" in page  # distress
    assert "−3" in page and "−5 is anger or resentment" in page  # charge, with its scale
    assert '<span class="warning">yes</span>' in page  # the safety answer
    assert "3 times a week" in page
    assert "Contacted the client" in page
    assert "Marked for attention: stuck" in page


@pytest.mark.django_db
def test_times_are_in_the_clients_zone(client, clinic_admin, full_record):
    client.force_login(clinic_admin)
    page = record_page(client, full_record).content.decode()
    assert "<h3>Mon 30 Nov 2026, 15:04</h3>" in page  # the check-in, in Los Angeles
    assert "Safety concern: Mon 30 Nov 2026, 15:04" in page  # the alert raised with it
    assert "Mon 30 Nov 2026, 23:04" not in page
    assert "Los Angeles (Pacific)" in page


@pytest.mark.django_db
def test_the_record_prints_each_part_on_its_own_page(client, clinic_admin, full_record):
    client.force_login(clinic_admin)
    page = record_page(client, full_record).content.decode()
    assert "@media print" in page and "break-before: page" in page
    assert page.count('<section class="part') == 7


@pytest.mark.django_db
def test_producing_the_record_is_audited_as_an_export(client, clinic_admin, full_record):
    client.force_login(clinic_admin)
    record_page(client, full_record)
    event = AuditEvent.objects.get(action="export")
    assert (event.actor_id, event.object_type, event.client_id, event.clinic_id) == (
        clinic_admin.pk,
        "client",
        full_record.pk,
        full_record.clinic_id,
    )
    assert event.view == "admin:clients_client_record"


@pytest.mark.django_db
def test_other_clinic_admin_gets_404_and_therapists_cannot_reach_it(
    client, full_record, other_clinic
):
    client.force_login(factories.ClinicAdminFactory(clinic=other_clinic))
    assert record_page(client, full_record).status_code == 404
    client.force_login(full_record.primary_therapist.user)
    response = record_page(client, full_record)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.django_db
def test_the_client_page_in_the_admin_offers_the_readable_record(client, clinic_admin, full_record):
    client.force_login(clinic_admin)
    page = client.get(f"/admin/clients/client/{full_record.pk}/change/").content.decode()
    assert f'href="/admin/clients/client/{full_record.pk}/record/"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("check_ins", [2, 30])
def test_the_record_reads_a_fixed_number_of_queries(
    client, clinic_admin, client_record, check_ins, django_assert_max_num_queries
):
    therapist_user = client_record.primary_therapist.user
    assignment = factories.AssignmentFactory(client=client_record)
    for check_in in factories.CheckInFactory.create_batch(check_ins, client=client_record):
        factories.CheckInEmotionFactory(check_in=check_in)
        factories.CompletionFactory(assignment=assignment)
        alert = factories.AlertFactory(client=client_record, check_in=check_in)
        FollowUp.objects.create(alert=alert, by=therapist_user, action="contacted")
    client.force_login(clinic_admin)
    client.get("/admin/")  # the session's first request stamps its expiry
    # The session, the person, their second factor, their clinic; the client found in scope
    # (2); the record: client, plan, sessions, exercises and their completions, check-ins and
    # their feelings, alerts and their follow-ups, summaries; the audit row.
    with django_assert_max_num_queries(17):
        response = record_page(client, client_record)
    assert response.content.decode().count('class="entry check-in"') == check_ins


@pytest.mark.django_db
def test_the_record_names_the_other_person_as_the_clients_questions_do(
    client, clinic_admin, full_record
):
    full_record.focus_areas = ["childhood"]
    full_record.other_person = "father"
    full_record.save(update_fields=["focus_areas", "other_person"])
    client.force_login(clinic_admin)
    page = record_page(client, full_record).content.decode()
    assert "Feelings toward your father" in page
    assert "+5 longing for closeness" in page
    assert "Feelings toward the other person" not in page
