import time
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.utils import timezone
from django_otp.oath import TOTP
from knox.models import AuthToken

from clinic import two_factor
from clinic.api.throttles import LoginPerAccountThrottle, LoginPerIPThrottle
from tests import factories

PASSWORD = "a-long-test-password"


@pytest.mark.django_db
def test_login_gives_a_token_that_works_and_is_stored_hashed(client_record, as_user):
    api = as_user(None)
    response = api.post(
        "/api/v1/auth/login/", {"email": client_record.user.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {"id": client_record.user.pk, "role": "client"}
    assert body["expiry"]
    token = body["token"]
    assert not AuthToken.objects.filter(digest=token).exists()  # only a digest is kept
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").json()["client"]["id"] == client_record.pk


@pytest.mark.django_db
def test_email_is_matched_case_insensitively(client_record, as_user):
    response = as_user(None).post(
        "/api/v1/auth/login/", {"email": client_record.user.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["password", "email"])
def test_wrong_credentials_do_not_say_which_part_was_wrong(client_record, as_user, which):
    body = {"email": client_record.user.email, "password": PASSWORD}
    body[which] = "wrong@example.org" if which == "email" else "wrong-password"
    response = as_user(None).post("/api/v1/auth/login/", body)
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "field": None,
                "code": "invalid_credentials",
                "message": "E-mail and password do not match an account.",
            }
        ]
    }


@pytest.mark.django_db
def test_each_login_is_its_own_device_token_and_logout_revokes_only_that_one(
    client_record, as_user
):
    tokens = [
        as_user(None)
        .post("/api/v1/auth/login/", {"email": client_record.user.email, "password": PASSWORD})
        .json()["token"]
        for _ in range(2)
    ]
    phone, tablet = as_user(None), as_user(None)
    phone.credentials(HTTP_AUTHORIZATION=f"Token {tokens[0]}")
    tablet.credentials(HTTP_AUTHORIZATION=f"Token {tokens[1]}")
    assert phone.post("/api/v1/auth/logout/").status_code == 204
    assert phone.get("/api/v1/me/").status_code == 401
    assert tablet.get("/api/v1/me/").status_code == 200
    assert tablet.post("/api/v1/auth/logout-all/").status_code == 204
    assert tablet.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_expired_token_gets_401(client_record, as_user):
    api = as_user(client_record.user)
    AuthToken.objects.filter(user=client_record.user).update(expiry=timezone.now())
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_dashboard_session_authenticates_with_csrf(client, therapist, client_record):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(therapist.user)
    assert browser.get("/api/v1/clients/").status_code == 200
    # a write without the CSRF token is refused
    response = browser.post(f"/api/v1/alerts/{1}/follow-up/")
    assert response.status_code == 403
    assert "CSRF" in response.json()["errors"][0]["message"]


@pytest.mark.django_db
def test_login_is_throttled_per_account(client_record, as_user, monkeypatch):
    monkeypatch.setattr(LoginPerAccountThrottle, "rate", "3/min", raising=False)
    body = {"email": client_record.user.email, "password": "wrong"}
    statuses = [
        as_user(None).post("/api/v1/auth/login/", body, REMOTE_ADDR=f"10.0.0.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [400, 400, 400, 429, 429]


@pytest.mark.django_db
def test_login_is_throttled_per_address(client_record, as_user, monkeypatch):
    monkeypatch.setattr(LoginPerIPThrottle, "rate", "2/min", raising=False)
    statuses = [
        as_user(None)
        .post("/api/v1/auth/login/", {"email": f"user{n}@example.org", "password": "x"})
        .status_code
        for n in range(3)
    ]
    assert statuses == [400, 400, 429]


# --- Second factor for staff ------------------------------------------------------------


def _strict_therapist():
    return factories.TherapistFactory(clinic=factories.ClinicFactory(two_factor_required=True))


def _login(as_user, user, **extra):
    body = {"email": user.email, "password": PASSWORD, **extra}
    return as_user(None).post("/api/v1/auth/login/", body)


def _code(device, steps_ahead=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def _enrol(user):
    device = two_factor.authenticator_start(user=user)
    codes = two_factor.authenticator_confirm(device=device, code=_code(device))
    device.refresh_from_db()
    return device, codes


def _otp_error(response) -> dict:
    [error] = response.json()["errors"]
    assert error["field"] == "otp_code"
    return error


@pytest.mark.django_db
def test_staff_who_owe_a_code_get_no_token_without_it_or_with_a_wrong_one(as_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    therapist = _strict_therapist()
    device, _ = _enrol(therapist.user)

    missing = _login(as_user, therapist.user)
    assert missing.status_code == 400
    error = _otp_error(missing)
    assert error["code"] == "required"
    assert "authenticator app" in error["message"]

    wrong = _login(as_user, therapist.user, otp_code="000000")
    assert wrong.status_code == 400
    assert _otp_error(wrong)["code"] == "invalid"
    assert not AuthToken.objects.filter(user=therapist.user).exists()

    right = _login(as_user, therapist.user, otp_code=_code(device, steps_ahead=1))
    assert right.status_code == 200
    api = as_user(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {right.json()['token']}")
    assert api.get("/api/v1/clients/").status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_gets_a_token_once(as_user):
    therapist = _strict_therapist()
    _, codes = _enrol(therapist.user)
    assert _login(as_user, therapist.user, otp_code=codes[0]).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        again = _login(as_user, therapist.user, otp_code=codes[0])
    assert again.status_code == 400
    assert _otp_error(again)["code"] == "invalid"


@pytest.mark.django_db
def test_staff_who_must_but_have_not_set_it_up_are_sent_to_the_web(as_user):
    therapist = _strict_therapist()
    response = _login(as_user, therapist.user, otp_code="123456")
    assert response.status_code == 400
    error = _otp_error(response)
    assert error["code"] == "second_factor_not_set_up"
    assert "on the web first" in error["message"]
    assert not AuthToken.objects.filter(user=therapist.user).exists()


@pytest.mark.django_db
def test_a_client_never_sends_a_code_even_where_staff_must(as_user):
    therapist = _strict_therapist()
    record = factories.ClientFactory(primary_therapist=therapist)
    assert _login(as_user, record.user).status_code == 200


@pytest.mark.django_db
def test_staff_at_a_clinic_that_does_not_ask_need_no_code_until_they_set_one_up(
    as_user, therapist, other_clinic_therapist
):
    strict = _strict_therapist()  # another clinic's choice changes nothing here
    _enrol(strict.user)
    assert _login(as_user, therapist.user).status_code == 200
    _enrol(other_clinic_therapist.user)
    assert _otp_error(_login(as_user, other_clinic_therapist.user))["code"] == "required"


@pytest.mark.django_db
def test_wrong_codes_pause_the_account_like_wrong_passwords(as_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    therapist = _strict_therapist()
    device, _ = _enrol(therapist.user)
    statuses = [
        _login(as_user, therapist.user, otp_code="000000").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    paused = _login(as_user, therapist.user, otp_code=_code(device, steps_ahead=1))
    assert paused.status_code == 429
    assert paused.json()["errors"][0]["code"] == "locked_out"
    assert not AuthToken.objects.filter(user=therapist.user).exists()


@pytest.mark.django_db
def test_a_browser_session_without_the_second_factor_gets_403_from_the_api(client):
    therapist = _strict_therapist()
    _enrol(therapist.user)
    client.post("/accounts/login/", {"username": therapist.user.email, "password": PASSWORD})
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "second_factor_required"


@pytest.mark.django_db
def test_a_code_right_after_a_wrong_one_waits_and_is_not_counted(as_user):
    therapist = _strict_therapist()
    device, _ = _enrol(therapist.user)
    _login(as_user, therapist.user, otp_code="000000")
    hurried = _login(as_user, therapist.user, otp_code=_code(device, steps_ahead=1))
    assert hurried.status_code == 400
    error = _otp_error(hurried)
    assert (error["code"], error["message"]) == (
        "wait",
        "Too many wrong codes in a row: wait 1 second, then try again.",
    )
    assert AccessAttempt.objects.get().failures_since_start == 1
