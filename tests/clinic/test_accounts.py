"""Account protection: lockout after failed sign-ins, idle staff sessions, no-store answers."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests import factories

PASSWORD = "a-long-test-password"


def web_login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def api_login(as_user, email, password):
    return as_user(None).post("/api/v1/auth/login/", {"email": email, "password": password})


@pytest.mark.django_db
def test_the_login_page_pauses_an_account_after_five_failures(client, therapist, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert web_login(client, therapist.user.email, "not-it").status_code == 200
    locked = web_login(client, therapist.user.email, "not-it")
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()

    # Even the right password is refused while the account is paused...
    assert web_login(client, therapist.user.email, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session

    # ...and accepted once the cool-off has passed.
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        response = web_login(client, therapist.user.email, PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_the_api_login_pauses_an_account_with_a_json_error(as_user, client_record, settings):
    email = client_record.user.email
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert api_login(as_user, email, "not-it").status_code == 400
    # Upper case does not dodge the count, and the right password waits for the cool-off.
    assert api_login(as_user, email.upper(), "not-it").status_code == 429
    response = api_login(as_user, email, PASSWORD)
    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "locked_out"
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()


@pytest.mark.django_db
def test_one_address_trying_many_accounts_is_paused(client, clinic, settings):
    users = [factories.TherapistFactory(clinic=clinic).user for _ in range(6)]
    statuses = [web_login(client, user.email, "not-it").status_code for user in users]
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429


@pytest.mark.django_db
def test_signing_in_between_guesses_does_not_reset_the_address_count(
    as_user, client_record, clinic, settings
):
    """Password spraying by someone with an account of their own: guess at four people's
    passwords, sign in as yourself, guess again. The address is paused all the same."""
    victims = [factories.TherapistFactory(clinic=clinic).user for _ in range(8)]
    statuses = []
    for batch in (victims[:4], victims[4:]):
        statuses += [api_login(as_user, user.email, "guess").status_code for user in batch]
        api_login(as_user, client_record.user.email, PASSWORD)
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(statuses[settings.AXES_FAILURE_LIMIT - 1 :]) == {429}


@pytest.mark.django_db
def test_failed_sign_ins_log_no_email_address(client, therapist, settings, caplog):
    caplog.set_level(logging.DEBUG)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        web_login(client, therapist.user.email, "not-it")
    assert caplog.records, "axes logs each failure"
    assert therapist.user.email not in caplog.text
    assert therapist.user.email.split("@")[0] not in caplog.text


@pytest.mark.django_db
def test_a_staff_session_ends_after_thirty_idle_minutes(client, therapist, settings):
    assert timedelta(minutes=30) == settings.STAFF_IDLE_TIMEOUT
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(therapist.user)
        assert client.get("/").status_code == 200
    # Working on keeps the session: each request pushes the end forward.
    with time_machine.travel(start + timedelta(minutes=25), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=50), tick=False):
        assert client.get("/").status_code == 200
    # Thirty-one minutes with nothing: back to the login page.
    with time_machine.travel(start + timedelta(minutes=81), tick=False):
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_a_clients_browser_session_is_not_cut_after_thirty_minutes(client, client_record):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(client_record.user)
        assert client.get("/api/v1/me/").status_code == 200
    with time_machine.travel(start + timedelta(hours=3), tick=False):
        assert client.get("/api/v1/me/").status_code == 200


@pytest.mark.django_db
def test_pages_and_api_answers_with_health_data_are_not_stored(client, as_user, client_record):
    client.force_login(client_record.primary_therapist.user)
    for url in (f"/clients/{client_record.pk}/", f"/clients/{client_record.pk}/prep/", "/"):
        assert "no-store" in client.get(url)["Cache-Control"], url
    api = as_user(client_record.primary_therapist.user)
    for url in (f"/api/v1/clients/{client_record.pk}/", "/api/v1/check-ins/"):
        assert "no-store" in api.get(url)["Cache-Control"], url


@pytest.mark.django_db
def test_choosing_a_weak_password_from_the_invitation_is_refused(client, clinic):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = factories.UserFactory(clinic=clinic, role="client", password=None)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    url = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    form_url = client.get(url)["Location"]  # Django swaps the token for a session marker
    response = client.post(form_url, {"new_password1": "password1", "new_password2": "password1"})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert "too common" in errors
    user.refresh_from_db()
    assert not user.has_usable_password()


@pytest.mark.django_db
def test_behind_a_proxy_each_caller_is_counted_by_its_own_address(client, clinic, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    guesser, colleague = "203.0.113.7", "198.51.100.4"
    users = [factories.TherapistFactory(clinic=clinic).user for _ in range(6)]
    for user in users[:5]:  # five failures from one address behind the proxy...
        client.post(
            reverse("login"),
            {"username": user.email, "password": "not-it"},
            HTTP_X_FORWARDED_FOR=guesser,
        )
    # ...pause that address, not everyone who comes through the same proxy.
    blocked = client.post(
        reverse("login"),
        {"username": users[5].email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR=guesser,
    )
    assert blocked.status_code == 429
    allowed = client.post(
        reverse("login"),
        {"username": users[5].email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR=colleague,
    )
    assert allowed.status_code == 302


def test_an_ipv6_zone_is_dropped_from_the_address(rf, settings):
    from clinic.audit import client_ip

    request = rf.get("/", REMOTE_ADDR="fe80::1%eth0")
    assert client_ip(request) == "fe80::1"
    assert client_ip(rf.get("/", REMOTE_ADDR="not an address")) is None


@pytest.mark.django_db
def test_a_staff_api_token_ends_after_thirty_idle_minutes_and_use_extends_it(as_user, therapist):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        body = api_login(as_user, therapist.user.email, PASSWORD).json()
    api = as_user(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    with time_machine.travel(start + timedelta(minutes=25), tick=False):
        assert api.get("/api/v1/me/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=50), tick=False):
        assert api.get("/api/v1/me/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=81), tick=False):
        assert api.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_a_clients_api_token_lasts_for_weeks(as_user, client_record, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        body = api_login(as_user, client_record.user.email, PASSWORD).json()
    api = as_user(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    with time_machine.travel(start + timedelta(days=20), tick=False):
        assert api.get("/api/v1/me/").status_code == 200


@pytest.mark.django_db
def test_a_staff_session_starts_its_idle_clock_at_sign_in(client, therapist):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = web_login(client, therapist.user.email, PASSWORD)  # no further request
        assert response.status_code == 302
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert client.get("/").status_code == 302
