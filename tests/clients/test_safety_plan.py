"""The safety plan: the treating therapist writes it with the client, the client reads it
on their page, in the crisis box and in the check-in answer; it is encrypted and audited."""

import datetime as dt
import uuid

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from clients.models import TEXT_MAX_CHARS
from clients.safety.models import SafetyPlan
from clients.safety.plans import safety_plan_save
from clinic.models import AuditEvent, CrisisLine
from tests import factories

WARNING = "Lying awake rereading our old messages"
REASONS = "My niece's first day at school in September"


def url(client_record) -> str:
    return f"/clients/{client_record.pk}/safety-plan/"


def filled(**overrides) -> dict:
    data = {name: "" for name, _h, _p in SafetyPlan.SECTIONS}
    data.update({"warning_signs": WARNING, "reasons_for_living": REASONS, **overrides})
    return data


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


@pytest.fixture
def as_therapist(client, therapist):
    client.force_login(therapist.user)
    return client


@pytest.mark.django_db
def test_page_shows_every_section_with_its_heading_and_prompt(as_therapist, client_record):
    response = as_therapist.get(url(client_record))
    assert response.status_code == 200
    page = response.content.decode()
    assert "No plan written yet." in page
    for name, heading, prompt in SafetyPlan.SECTIONS:
        assert f'name="{name}"' in page
        assert str(heading) in page.replace("&#x27;", "'")
        assert str(prompt) in page.replace("&#x27;", "'")
    assert client_record.label in page


@pytest.mark.django_db
def test_therapist_saves_a_plan_and_the_client_sees_it(
    client, as_therapist, therapist, client_record
):
    response = as_therapist.post(url(client_record), filled())
    assert response.status_code == 302
    assert response["Location"] == url(client_record)
    plan = SafetyPlan.objects.get(client=client_record)
    assert (plan.warning_signs, plan.reasons_for_living, plan.coping_alone) == (
        WARNING,
        REASONS,
        "",
    )
    assert plan.updated_by == therapist.user

    page = as_therapist.get(url(client_record)).content.decode()
    assert WARNING in page and "Last changed" in page

    client.force_login(client_record.user)
    mine = client.get("/me/").content.decode()
    assert "My safety plan" in mine and WARNING in mine
    assert REASONS.replace("'", "&#x27;") in mine


@pytest.mark.django_db
def test_saving_again_changes_the_one_plan(as_therapist, client_record):
    as_therapist.post(url(client_record), filled())
    as_therapist.post(url(client_record), filled(warning_signs="Skipping meals"))
    assert SafetyPlan.objects.filter(client=client_record).count() == 1
    assert SafetyPlan.objects.get(client=client_record).warning_signs == "Skipping meals"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_therapist", "other_clinic_therapist"])
def test_a_therapist_who_does_not_treat_the_client_gets_404(client, client_record, who, request):
    safety_plan_save(client=client_record, by=client_record.primary_therapist.user, **filled())
    client.force_login(request.getfixturevalue(who).user)
    assert client.get(url(client_record)).status_code == 404
    response = client.post(url(client_record), filled(warning_signs="Written by a stranger"))
    assert response.status_code == 404
    assert SafetyPlan.objects.get(client=client_record).warning_signs == WARNING
    assert not AuditEvent.objects.filter(action="view", object_type="safetyplan").exists()


@pytest.mark.django_db
def test_clients_and_admins_cannot_open_the_therapists_page(client, client_record, clinic):
    assert client.get(url(client_record)).status_code == 302  # to the login page
    for user in (client_record.user, factories.ClinicAdminFactory(clinic=clinic)):
        client.force_login(user)
        assert client.get(url(client_record)).status_code == 403
        assert client.post(url(client_record), filled()).status_code == 403
    assert not SafetyPlan.objects.exists()


@pytest.mark.django_db
def test_an_over_long_section_is_refused_with_a_clear_error_and_changes_nothing(
    as_therapist, client_record
):
    safety_plan_save(client=client_record, by=client_record.primary_therapist.user, **filled())
    too_long = "x" * (TEXT_MAX_CHARS + 1)
    response = as_therapist.post(
        url(client_record), filled(warning_signs="New words", coping_alone=too_long)
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The plan was not saved." in page
    assert f"at most {TEXT_MAX_CHARS} characters (it has {TEXT_MAX_CHARS + 1})" in page
    assert "New words" in page  # what was typed is kept for another try
    plan = SafetyPlan.objects.get(client=client_record)
    assert (plan.warning_signs, plan.coping_alone) == (WARNING, "")


@pytest.mark.django_db
def test_the_service_refuses_over_long_and_unknown_sections(client_record):
    by = client_record.primary_therapist.user
    with pytest.raises(ValidationError) as error:
        safety_plan_save(client=client_record, by=by, distractions="x" * (TEXT_MAX_CHARS + 1))
    assert "distractions" in error.value.message_dict
    with pytest.raises(TypeError):
        safety_plan_save(client=client_record, by=by, favourite_colour="blue")
    assert not SafetyPlan.objects.exists()


@pytest.mark.django_db
def test_the_plan_is_encrypted_at_rest(client_record):
    plan = safety_plan_save(
        client=client_record, by=client_record.primary_therapist.user, **filled()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT warning_signs, reasons_for_living FROM safety_safetyplan WHERE id = %s",
            [plan.pk],
        )
        stored = cursor.fetchone()
    for column in stored:
        assert column.startswith("gAAAA")
    assert "rereading" not in stored[0] and "niece" not in stored[1]
    assert SafetyPlan.objects.get(pk=plan.pk).warning_signs == WARNING


@pytest.mark.django_db
def test_writing_and_reading_the_plan_are_audited_by_ids_only(
    as_therapist, therapist, client_record
):
    as_therapist.post(url(client_record), filled())
    as_therapist.post(url(client_record), filled(warning_signs="Skipping meals"))
    plan = SafetyPlan.objects.get(client=client_record)
    trail = AuditEvent.objects.filter(object_type="safetyplan")
    writes = trail.filter(action__in=["create", "update"]).order_by("at", "id")
    assert [event.action for event in writes] == ["create", "update"]
    for event in writes:
        assert (event.actor_id, event.client_id, event.object_ids) == (
            therapist.user_id,
            client_record.pk,
            [plan.pk],
        )
        assert event.clinic_id == client_record.clinic_id
    as_therapist.get(url(client_record))
    read = trail.get(action="view")
    assert (read.actor_id, read.client_id, read.object_ids) == (
        therapist.user_id,
        client_record.pk,
        [plan.pk],
    )
    assert "Skipping" not in str(list(trail.values()))


# --- the check-in answer over the API -------------------------------------------


def check_in(api, *, safety: bool):
    body = {
        "occurred_at": (timezone.now() - dt.timedelta(minutes=3)).isoformat(),
        "emotions": [{"label": "grief", "intensity": 7}],
        "distress": 8,
        "safety_concern": safety,
        "note": "A long night.",
    }
    return api.post(
        "/api/v1/check-ins/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )


@pytest.fixture
def lines(clinic):
    clinic.phone = "020 7946 0000"
    clinic.phone_hours = "weekdays 9:00 to 17:00"
    clinic.safety_response = "Your therapist reads alerts on weekdays between 9:00 and 18:00."
    clinic.save(update_fields=["phone", "phone_hours", "safety_response"])
    CrisisLine.objects.create(clinic=clinic, name="Emergency services", call="999")
    CrisisLine.objects.create(
        clinic=clinic, name="Samaritans", call="116 123", hours="24/7", sort_order=1
    )
    CrisisLine.objects.create(clinic=clinic, name="Shout", text="85258", sort_order=2)


@pytest.mark.django_db
def test_a_safety_check_in_answers_with_the_crisis_box(as_user, client_record, lines):
    safety_plan_save(client=client_record, by=client_record.primary_therapist.user, **filled())
    response = check_in(as_user(client_record.user), safety=True)
    assert response.status_code == 201, response.json()
    crisis = response.json()["crisis"]
    assert crisis["lines"] == [
        {
            "name": "Emergency services",
            "call": "999",
            "text": "",
            "hours": "",
            "call_href": "tel:999",
            "text_href": "",
        },
        {
            "name": "Samaritans",
            "call": "116 123",
            "text": "",
            "hours": "24/7",
            "call_href": "tel:116123",
            "text_href": "",
        },
        {
            "name": "Shout",
            "call": "",
            "text": "85258",
            "hours": "",
            "call_href": "",
            "text_href": "sms:85258",
        },
    ]
    assert crisis["clinic_phone"] == "020 7946 0000"
    assert crisis["clinic_phone_hours"] == "weekdays 9:00 to 17:00"
    assert crisis["when_read"] == "Your therapist reads alerts on weekdays between 9:00 and 18:00."
    assert crisis["safety_plan"] == [
        {"heading": "My warning signs", "text": WARNING},
        {"heading": "What matters to me and is worth living for", "text": REASONS},
    ]
    assert "crisis_resources" in response.json()  # the older field stays


@pytest.mark.django_db
def test_an_ordinary_check_in_has_no_crisis_box(as_user, client_record, lines):
    response = check_in(as_user(client_record.user), safety=False)
    assert response.status_code == 201
    assert response.json()["crisis"] is None


@pytest.mark.django_db
def test_without_a_sentence_of_the_clinic_the_answer_promises_no_one_is_watching(
    as_user, client_record
):
    crisis = check_in(as_user(client_record.user), safety=True).json()["crisis"]
    assert crisis["when_read"] == (
        "Your therapist will read this when they are next working; this page is not watched "
        "around the clock."
    )
    assert crisis["lines"] == [] and crisis["safety_plan"] == []


@pytest.mark.django_db
def test_the_plan_is_in_the_box_for_the_client_not_in_staff_lists(
    as_user, client_record, therapist, lines
):
    safety_plan_save(client=client_record, by=therapist.user, **filled())
    sent = check_in(as_user(client_record.user), safety=True).json()
    mine = as_user(client_record.user).get(f"/api/v1/check-ins/{sent['id']}/").json()
    assert mine["crisis"]["safety_plan"][0]["text"] == WARNING
    listing = as_user(therapist.user).get(f"/api/v1/check-ins/?client={client_record.pk}").json()
    assert listing["results"][0]["crisis"]["safety_plan"] == []
    assert listing["results"][0]["crisis"]["lines"][0]["call_href"] == "tel:999"


@pytest.mark.django_db
def test_safety_check_ins_in_a_list_read_the_box_once_per_client(
    as_user, client_record, lines, django_assert_max_num_queries
):
    for _ in range(6):
        factories.CheckInFactory(client=client_record, safety_concern=True)
    me = as_user(client_record.user)
    with django_assert_max_num_queries(11):  # the list's 9, plus the lines and the plan once
        response = me.get("/api/v1/check-ins/")
    assert len(response.json()["results"]) == 6
    assert all(item["crisis"] for item in response.json()["results"])


@pytest.mark.django_db
def test_the_plan_page_reads_a_fixed_number_of_queries(
    as_therapist, client_record, therapist, django_assert_max_num_queries
):
    safety_plan_save(client=client_record, by=therapist.user, **filled())
    as_therapist.get(url(client_record))  # the first request refreshes the staff session
    with django_assert_max_num_queries(8):
        assert as_therapist.get(url(client_record)).status_code == 200
