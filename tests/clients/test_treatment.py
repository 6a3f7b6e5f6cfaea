"""The therapist manages a client: details and wording, pause, discharge, reactivate."""

import datetime as dt

import pytest
from django.utils import timezone

from clients.models import Assignment, Client
from clinic.models import AuditEvent, Session
from tests import factories


@pytest.fixture
def page(client, therapist):
    client.force_login(therapist.user)
    return client


def _url(client_record, action=""):
    return f"/clients/{client_record.pk}/{action}"


@pytest.mark.django_db
def test_the_therapist_edits_label_zone_focus_and_words(page, client_record):
    form = page.get(_url(client_record, "edit/")).content.decode()
    assert 'placeholder="ex"' in form  # the breakup's default word, offered
    answer = page.post(
        _url(client_record, "edit/"),
        {
            "label": "Maya A.",
            "time_zone": "America/Los_Angeles",
            "focus_areas": ["betrayal", "attachment"],
            "other_person": "your husband",
        },
        follow=True,
    )
    assert "Saved the details of Maya A." in answer.content.decode()
    client_record.refresh_from_db()
    assert client_record.label == "Maya A."
    assert client_record.time_zone == "America/Los_Angeles"
    assert client_record.focus_areas == ["betrayal", "attachment"]
    assert client_record.other_person == "husband"  # pages add "your" themselves
    assert AuditEvent.objects.filter(
        object_type="client", action="update", client_id=client_record.pk
    ).exists()


@pytest.mark.django_db
def test_bad_details_are_named_and_change_nothing(page, client_record):
    other = factories.ClientFactory(primary_therapist=client_record.primary_therapist)
    answer = page.post(
        _url(client_record, "edit/"),
        {"label": other.label, "time_zone": "Mars/Olympus", "focus_areas": ["astrology"]},
    )
    assert answer.status_code == 200
    errors = answer.context["form"].errors
    assert set(errors) >= {"time_zone", "focus_areas"}
    client_record.refresh_from_db()
    assert client_record.label != other.label and client_record.time_zone == "Europe/Berlin"


@pytest.mark.django_db
def test_pause_and_reactivate(page, client_record):
    answer = page.post(_url(client_record, "pause/"), follow=True).content.decode()
    assert "is paused" in answer and "Treatment is paused" in answer
    client_record.refresh_from_db()
    assert client_record.status == "paused"
    page.post(_url(client_record, "reactivate/"))
    client_record.refresh_from_db()
    assert client_record.status == "active"


@pytest.mark.django_db
def test_discharge_makes_the_clients_page_read_only(page, client, client_record, as_user):
    assignment = factories.AssignmentFactory(client=client_record)
    future = factories.SessionFactory(client=client_record)
    today = timezone.localdate()
    answer = page.post(
        _url(client_record, "discharge/"),
        {"discharged_on": today.isoformat(), "reason": "goals_met"},
        follow=True,
    ).content.decode()
    assert "is discharged" in answer and "read-only" in answer
    assert "Book a session" not in answer and "Assign an exercise" not in answer
    client_record.refresh_from_db()
    assert client_record.status == Client.Status.DISCHARGED
    assert client_record.discharged_on == today and client_record.discharge_reason == "goals_met"
    assignment.refresh_from_db()
    future.refresh_from_db()
    assert assignment.status == Assignment.Status.ENDED
    assert future.status == Session.Status.CANCELLED

    client.force_login(client_record.user)
    own = client.get("/me/").content.decode()
    assert "Your treatment has ended" in own and "read-only" in own
    assert 'id="check-in"' not in own
    sent = as_user(client_record.user).post("/api/v1/check-ins/", {}, format="json")
    assert sent.status_code in (400, 403)
    mine = as_user(client_record.user).get("/api/v1/me/").json()["client"]
    assert mine["status"] == "discharged" and mine["discharged_on"] == today.isoformat()


@pytest.mark.django_db
def test_a_discharge_needs_a_reason_and_a_date_not_in_the_future(page, client_record):
    # Two days ahead: in the future in every time zone.
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    for data in (
        {"discharged_on": timezone.localdate().isoformat()},
        {"discharged_on": tomorrow.isoformat(), "reason": "referred"},
    ):
        answer = page.post(_url(client_record, "discharge/"), data, follow=True).content.decode()
        assert "Reason" in answer or "cannot be in the future" in answer
    client_record.refresh_from_db()
    assert client_record.status == "active" and client_record.discharged_on is None


@pytest.mark.django_db
def test_reactivating_a_discharged_client_clears_the_discharge(page, client_record):
    page.post(
        _url(client_record, "discharge/"),
        {"discharged_on": timezone.localdate().isoformat(), "reason": "client_ended"},
    )
    page.post(_url(client_record, "reactivate/"))
    client_record.refresh_from_db()
    assert client_record.status == "active"
    assert client_record.discharged_on is None and client_record.discharge_reason == ""


@pytest.mark.django_db
def test_other_therapists_and_clinics_get_404(client, client_record, other_therapist):
    outsider = factories.TherapistFactory()
    for user in (other_therapist.user, outsider.user):
        client.force_login(user)
        assert client.get(_url(client_record, "edit/")).status_code == 404
        for action in ("pause/", "discharge/", "reactivate/"):
            assert client.post(_url(client_record, action)).status_code == 404
    client_record.refresh_from_db()
    assert client_record.status == "active"


@pytest.mark.django_db
def test_a_client_cannot_reach_the_staff_actions(client, client_record):
    client.force_login(client_record.user)
    assert client.post(_url(client_record, "pause/")).status_code == 403
    assert client.get(_url(client_record, "edit/")).status_code == 403


@pytest.mark.django_db
def test_after_a_discharge_sessions_stay_as_they_are_and_exercises_stay_closed(
    page, client_record, as_user
):
    assignment = factories.AssignmentFactory(
        client=client_record, starts_on=timezone.localdate() - dt.timedelta(days=7)
    )
    future = factories.SessionFactory(client=client_record)
    page.post(
        _url(client_record, "discharge/"),
        {"discharged_on": timezone.localdate().isoformat(), "reason": "referred"},
    )
    assignment.refresh_from_db()
    assert assignment.ends_on == timezone.localdate()
    html = page.get(_url(client_record)).content.decode()
    assert "Back to scheduled" not in html
    answer = page.post(
        _url(client_record, f"sessions/{future.pk}/"), {"status": "scheduled"}, follow=True
    )
    assert "reactivate them to change sessions" in answer.content.decode()
    future.refresh_from_db()
    assert future.status == Session.Status.CANCELLED
    done = as_user(client_record.user).post(
        f"/api/v1/assignments/{assignment.pk}/completions/",
        {
            "completed_at": timezone.now().isoformat(),
            "distress_before": 5,
            "distress_after": 3,
            "helpfulness": 3,
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="after-discharge-1",
    )
    assert done.status_code == 403
    assert not assignment.completions.exists()


@pytest.mark.django_db
def test_the_edit_page_reads_a_fixed_number_of_queries(
    page, client_record, django_assert_max_num_queries
):
    # Sign-in and session (4), the client in its scope, the audit row and its savepoints.
    with django_assert_max_num_queries(9):
        assert page.get(_url(client_record, "edit/")).status_code == 200
