import pytest
from django.urls import reverse

from tests import factories


@pytest.mark.django_db
def test_home_sends_visitors_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_therapist_logs_in_by_email_and_sees_only_their_own_clients(
    client, therapist, other_therapist, other_clinic_therapist
):
    mine = factories.ClientFactory(primary_therapist=therapist, label="Robin M.")
    colleagues = factories.ClientFactory(primary_therapist=other_therapist, label="Casey T.")
    elsewhere = factories.ClientFactory(primary_therapist=other_clinic_therapist, label="Alex P.")
    factories.AlertFactory(client=mine)

    response = client.post(
        reverse("login"),
        {"username": therapist.user.email, "password": "a-long-test-password"},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert mine.label in page
    assert colleagues.label not in page
    assert elsewhere.label not in page


@pytest.mark.django_db
def test_wrong_password_does_not_say_which_part_was_wrong(client, therapist):
    response = client.post(
        reverse("login"), {"username": therapist.user.email, "password": "not-it"}
    )
    page = response.content.decode()
    assert "did not match" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_ends_the_session(client, therapist):
    client.force_login(therapist.user)
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302
