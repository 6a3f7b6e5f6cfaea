"""A clinic admin works inside their own clinic; the other clinic does not exist for them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, EmotionLabel, Exercise
from clinic.models import Clinic, CrisisLine, User
from tests import factories


@pytest.fixture
def clinic_admin(clinic):
    return factories.ClinicAdminFactory(clinic=clinic)


@pytest.fixture
def admin_client_logged_in(client, clinic_admin):
    client.force_login(clinic_admin)
    return client


@pytest.fixture
def both_clinics(clinic, other_clinic):
    mine = factories.ClientFactory(primary_therapist__clinic=clinic, label="Mine A.")
    theirs = factories.ClientFactory(primary_therapist__clinic=other_clinic, label="Theirs B.")
    return mine, theirs


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", ["clinic", "user", "therapist", "client", "exercise", "emotionlabel", "session"]
)
def test_clinic_admin_changelists_show_only_their_clinic(
    admin_client_logged_in, both_clinics, other_clinic, model
):
    app = "clients" if model in {"client", "exercise", "emotionlabel"} else "clinic"
    response = admin_client_logged_in.get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == 200
    shown = {obj.pk for obj in response.context["cl"].queryset}
    model_class = response.context["cl"].model
    in_other_clinic = set(
        model_class.objects.filter(**{model_class.clinic_lookup: other_clinic.pk}).values_list(
            "pk", flat=True
        )
    )
    assert shown.isdisjoint(in_other_clinic)


@pytest.mark.django_db
def test_other_clinics_records_are_not_found(admin_client_logged_in, both_clinics, other_clinic):
    _, theirs = both_clinics
    for url in [
        reverse("admin:clinic_clinic_change", args=[other_clinic.pk]),
        reverse("admin:clients_client_change", args=[theirs.pk]),
        reverse("admin:clinic_user_change", args=[theirs.user.pk]),
    ]:
        response = admin_client_logged_in.get(url, follow=True)
        assert other_clinic.name not in response.content.decode()
        assert theirs.label not in response.content.decode()
        assert "doesn’t exist" in response.content.decode()


@pytest.mark.django_db
def test_clinic_admin_cannot_edit_another_clinics_exercise(admin_client_logged_in, other_clinic):
    theirs = Exercise.objects.filter(clinic=other_clinic).first()
    url = reverse("admin:clients_exercise_change", args=[theirs.pk])
    response = admin_client_logged_in.post(url, {"title": "Taken over", "minutes": 5})
    theirs.refresh_from_db()
    assert theirs.title != "Taken over"
    assert response.status_code == 302  # redirected to the admin index: no such object


@pytest.mark.django_db
def test_new_exercise_lands_in_the_admins_clinic(admin_client_logged_in, clinic, other_clinic):
    response = admin_client_logged_in.post(
        reverse("admin:clients_exercise_add"),
        {
            "clinic": other_clinic.pk,  # ignored: the field is not theirs to set
            "title": "Evening pages",
            "category": "labelling",
            "instructions": "Write for five minutes before bed.",
            "reflection_prompts": "[]",
            "minutes": 5,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content
    assert Exercise.objects.get(title="Evening pages").clinic == clinic


@pytest.mark.django_db
def test_client_form_offers_only_own_clinic_therapists(
    admin_client_logged_in, clinic, other_clinic
):
    mine = factories.TherapistFactory(clinic=clinic)
    theirs = factories.TherapistFactory(clinic=other_clinic)
    response = admin_client_logged_in.get(reverse("admin:clients_client_add"))
    choices = {
        pk.value
        for pk, _ in response.context["adminform"].form.fields["primary_therapist"].choices
        if pk
    }
    assert mine.pk in choices
    assert theirs.pk not in choices


@pytest.mark.django_db
def test_clinic_admin_cannot_add_clinics_or_create_operators(admin_client_logged_in):
    assert admin_client_logged_in.get(reverse("admin:clinic_clinic_add")).status_code == 403
    form = admin_client_logged_in.get(reverse("admin:clinic_user_add")).context["adminform"].form
    assert User.Role.OPERATOR not in {value for value, _ in form.fields["role"].choices}


@pytest.mark.django_db
def test_therapists_and_clients_cannot_use_the_admin(client, therapist, client_record):
    for user in (therapist.user, client_record.user):
        client.force_login(user)
        response = client.get(reverse("admin:clients_client_changelist"))
        assert response.status_code == 302  # to the admin login page


@pytest.mark.django_db
def test_operator_adds_a_clinic_in_the_admin_and_it_gets_the_default_library(client):
    operator = User.objects.create_superuser(email="op@example.org", password="x-long-pass-1")
    client.force_login(operator)
    response = client.post(
        reverse("admin:clinic_clinic_add"),
        {
            "name": "Cedar Practice",
            "slug": "cedar",
            "time_zone": "Europe/Paris",
            "crisis_resources": "",
            "escalate_after_minutes": 120,
            **_no_lines(),
        },
    )
    assert response.status_code == 302, response.content
    cedar = Clinic.objects.get(slug="cedar")
    assert EmotionLabel.objects.filter(clinic=cedar).count() >= 16
    assert Exercise.objects.filter(clinic=cedar).count() >= 8


@pytest.mark.django_db
def test_health_records_are_read_only_and_free_text_hidden(admin_client_logged_in, clinic):
    check_in = factories.CheckInFactory(
        client=factories.ClientFactory(primary_therapist__clinic=clinic), note="sentinel words"
    )
    url = reverse("admin:clients_checkin_change", args=[check_in.pk])
    response = admin_client_logged_in.get(url)
    assert response.status_code == 200
    assert "sentinel words" not in response.content.decode()
    admin_client_logged_in.post(url, {"distress": 1})
    check_in.refresh_from_db()
    assert check_in.distress == 5
    assert Client.objects.filter(pk=check_in.client_id).exists()


@pytest.mark.django_db
def test_admin_login_page_opens_for_a_visitor(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200


def _no_lines(initial: int = 0, total: int = 0) -> dict:
    """The management forms of the clinic page's inlines: the crisis lines, and the
    outcome measures (none sent: they stay as they are)."""
    return {
        "crisis_lines-TOTAL_FORMS": str(total),
        "crisis_lines-INITIAL_FORMS": str(initial),
        "crisis_lines-MIN_NUM_FORMS": "0",
        "crisis_lines-MAX_NUM_FORMS": "1000",
        "instruments-TOTAL_FORMS": "0",
        "instruments-INITIAL_FORMS": "0",
    }


def _clinic_form(clinic, **changes) -> dict:
    return {
        "name": clinic.name,
        "slug": clinic.slug,
        "time_zone": clinic.time_zone,
        "phone": "",
        "phone_hours": "",
        "safety_response": "",
        "crisis_resources": "",
        "escalate_after_minutes": 120,
        **_no_lines(),
        **changes,
    }


@pytest.mark.django_db
def test_clinic_admin_sets_the_crisis_box_and_its_lines_on_their_clinic(
    admin_client_logged_in, clinic
):
    url = reverse("admin:clinic_clinic_change", args=[clinic.pk])
    page = admin_client_logged_in.get(url)
    assert page.status_code == 200
    for field in ("phone", "phone_hours", "safety_response", "escalate_after_minutes"):
        assert f'name="{field}"' in page.content.decode()
    assert "crisis_lines-TOTAL_FORMS" in page.content.decode()

    response = admin_client_logged_in.post(
        url,
        _clinic_form(
            clinic,
            phone="+44 20 7946 0000",
            phone_hours="weekdays 9:00 to 17:00",
            safety_response="Your therapist reads alerts on weekdays.",
            **_no_lines(total=2),
            **{
                "crisis_lines-0-name": "Emergency services",
                "crisis_lines-0-call": "999",
                "crisis_lines-0-sort_order": "0",
                "crisis_lines-1-name": "Shout",
                "crisis_lines-1-text": "85258",
                "crisis_lines-1-sort_order": "1",
            },
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    clinic.refresh_from_db()
    assert (clinic.phone, clinic.safety_response) == (
        "+44 20 7946 0000",
        "Your therapist reads alerts on weekdays.",
    )
    assert list(clinic.crisis_lines.values_list("name", "call", "text")) == [
        ("Emergency services", "999", ""),
        ("Shout", "", "85258"),
    ]


@pytest.mark.django_db
def test_a_crisis_line_needs_a_number_and_a_phone_must_be_dialable(admin_client_logged_in, clinic):
    url = reverse("admin:clinic_clinic_change", args=[clinic.pk])
    response = admin_client_logged_in.post(
        url,
        _clinic_form(
            clinic,
            phone="call us",
            **_no_lines(total=1),
            **{"crisis_lines-0-name": "A line with no number", "crisis_lines-0-sort_order": "0"},
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "is not a phone number" in page
    assert "Give a number to call, a number to text, or both." in page
    assert not CrisisLine.objects.exists()


@pytest.mark.django_db
def test_clinic_admin_cannot_change_another_clinics_crisis_lines(
    admin_client_logged_in, other_clinic
):
    theirs = CrisisLine.objects.create(clinic=other_clinic, name="Theirs", call="112")
    url = reverse("admin:clinic_clinic_change", args=[other_clinic.pk])
    admin_client_logged_in.post(
        url,
        _clinic_form(
            other_clinic,
            **_no_lines(initial=1, total=1),
            **{
                "crisis_lines-0-id": str(theirs.pk),
                "crisis_lines-0-clinic": str(other_clinic.pk),
                "crisis_lines-0-name": "Taken over",
                "crisis_lines-0-call": "000",
                "crisis_lines-0-DELETE": "on",
            },
        ),
    )
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


@pytest.mark.django_db
def test_clinic_admin_sees_and_sets_who_covers_alerts(admin_client_logged_in, clinic):
    therapist = factories.TherapistFactory(clinic=clinic)
    listing = admin_client_logged_in.get(reverse("admin:clinic_therapist_changelist"))
    assert "covers_alerts" in listing.content.decode()
    url = reverse("admin:clinic_therapist_change", args=[therapist.pk])
    assert 'name="covers_alerts"' in admin_client_logged_in.get(url).content.decode()
    response = admin_client_logged_in.post(
        url,
        {
            "user": therapist.user_id,
            "credentials": "LMFT",
            "is_active": "on",
            "covers_alerts": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    therapist.refresh_from_db()
    assert therapist.covers_alerts


# --- A client's row: focus areas ticked, a discharge dated -----------------------------


def _client_form(record, **changes) -> dict:
    return {
        "label": record.label,
        "user": record.user_id,
        "primary_therapist": record.primary_therapist_id,
        "time_zone": record.time_zone,
        "status": record.status,
        "started_on": record.started_on.isoformat(),
        "focus_areas": record.focus_areas,
        "other_person": record.other_person,
        "discharged_on": record.discharged_on.isoformat() if record.discharged_on else "",
        "discharge_reason": record.discharge_reason,
        **changes,
    }


@pytest.mark.django_db
def test_focus_areas_are_boxes_to_tick(admin_client_logged_in, client_record):
    url = reverse("admin:clients_client_change", args=[client_record.pk])
    page = admin_client_logged_in.get(url).content.decode()
    assert 'type="checkbox" name="focus_areas" value="breakup"' in page
    assert "Childhood trauma" in page
    response = admin_client_logged_in.post(
        url,
        _client_form(client_record, focus_areas=["grief", "childhood"], other_person="your  ex"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    client_record.refresh_from_db()
    assert client_record.focus_areas == ["childhood", "grief"]  # in the list's order
    assert client_record.other_person == "ex"  # pages say "your ex" or "their ex" themselves
    refused = admin_client_logged_in.post(url, _client_form(client_record, focus_areas=["fate"]))
    assert "focus_areas" in refused.context["adminform"].form.errors


@pytest.mark.django_db
def test_a_discharge_without_its_date_is_a_form_error_not_a_crash(
    admin_client_logged_in, client_record
):
    url = reverse("admin:clients_client_change", args=[client_record.pk])
    response = admin_client_logged_in.post(
        url, _client_form(client_record, status="discharged", discharge_reason="goals_met")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["discharged_on"] == [
        "Give the date of the discharge."
    ]
    client_record.refresh_from_db()
    assert client_record.status == "active"


@pytest.mark.django_db
def test_a_discharge_is_dated_and_undoing_it_clears_the_date(admin_client_logged_in, client_record):
    url = reverse("admin:clients_client_change", args=[client_record.pk])
    assignment = factories.AssignmentFactory(client=client_record)
    upcoming = factories.SessionFactory(client=client_record)
    today = timezone.localdate().isoformat()
    discharge = _client_form(
        client_record, status="discharged", discharged_on=today, discharge_reason="goals_met"
    )
    assert admin_client_logged_in.post(url, discharge).status_code == 302
    client_record.refresh_from_db()
    assert (client_record.status, client_record.discharge_reason) == ("discharged", "goals_met")
    # As from the therapist's page: exercises end, future sessions are cancelled.
    assignment.refresh_from_db()
    upcoming.refresh_from_db()
    assert (assignment.status, upcoming.status) == ("ended", "cancelled")

    back = admin_client_logged_in.post(url, _client_form(client_record, status="active"))
    assert back.status_code == 302
    client_record.refresh_from_db()
    assert (client_record.status, client_record.discharged_on) == ("active", None)
    assert client_record.discharge_reason == ""

    # A date typed for a client who was never discharged is a slip, not a discharge.
    slip = admin_client_logged_in.post(url, _client_form(client_record, discharged_on=today))
    assert "status" in slip.context["adminform"].form.errors
    client_record.refresh_from_db()
    assert client_record.discharged_on is None


@pytest.mark.django_db
def test_an_operator_cannot_give_a_client_another_clinics_therapist(client, clinic, other_clinic):
    operator = User.objects.create_superuser(email="op@example.org", password="x-long-pass-1")
    client.force_login(operator)
    record = factories.ClientFactory(primary_therapist__clinic=clinic)
    theirs = factories.TherapistFactory(clinic=other_clinic)
    url = reverse("admin:clients_client_change", args=[record.pk])
    response = client.post(url, _client_form(record, clinic=clinic.pk, primary_therapist=theirs.pk))
    assert "primary_therapist" in response.context["adminform"].form.errors
    record.refresh_from_db()
    assert record.primary_therapist.clinic_id == clinic.pk


# --- Check-ins: a safety answer is a red "yes" ------------------------------------------


@pytest.mark.django_db
def test_a_safety_answer_reads_yes_in_red_never_a_tick(admin_client_logged_in, clinic):
    record = factories.ClientFactory(primary_therapist__clinic=clinic)
    worrying = factories.CheckInFactory(client=record, safety_concern=True, wants_to_discuss=True)
    factories.CheckInFactory(client=record)
    listing = admin_client_logged_in.get(reverse("admin:clients_checkin_changelist"))
    page = listing.content.decode()
    assert page.count('class="safety-answer-yes"') == 1
    assert "icon-yes.svg" not in page and "icon-no.svg" not in page
    assert ">yes</strong>" in page and '<td class="field-to_discuss">yes</td>' in page

    change = reverse("admin:clients_checkin_change", args=[worrying.pk])
    detail = admin_client_logged_in.get(change).content.decode()
    assert 'class="safety-answer-yes"' in detail
    assert "icon-yes.svg" not in detail and "icon-no.svg" not in detail


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["exercise", "emotionlabel", "client"])
def test_a_second_row_of_the_same_name_in_the_clinic_is_refused_not_a_crash(
    admin_client_logged_in, clinic, model
):
    """The clinic is no field of a clinic admin's form; the name is unique per clinic."""
    record = factories.ClientFactory(primary_therapist__clinic=clinic)
    exercise = Exercise.objects.filter(clinic=clinic).first()
    label = EmotionLabel.objects.filter(clinic=clinic).first()
    login = factories.UserFactory(clinic=clinic, role="client")
    form = {
        "exercise": {
            "title": exercise.title,
            "category": "labelling",
            "instructions": "Again.",
            "reflection_prompts": "[]",
            "minutes": 5,
        },
        "emotionlabel": {"code": label.code, "name": "Again", "tone": "mixed", "sort_order": 0},
        "client": {
            **_client_form(record, user=login.pk),
            "focus_areas": [],
            "discharged_on": "",
        },
    }[model]
    admin_client_logged_in.raise_request_exception = True
    response = admin_client_logged_in.post(reverse(f"admin:clients_{model}_add"), form)
    assert response.status_code == 200
    assert "already exists" in str(response.context["adminform"].form.errors)
