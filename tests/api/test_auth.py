import pytest
from django.utils import timezone
from knox.models import AuthToken

from clinic.api.throttles import LoginPerAccountThrottle, LoginPerIPThrottle

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
