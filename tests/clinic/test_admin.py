"""A clinic admin works inside their own clinic; the other clinic does not exist for them."""

import pytest
from django.urls import reverse

from clients.models import Client, EmotionLabel, Exercise
from clinic.models import Clinic, User
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
