"""Forgot password: one neutral e-mail per request, the same answer for every address,
and limits per network address and per e-mail address."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from tests import factories

PASSWORD = "a-long-test-password"
# Words that would tell whoever reads the inbox (a partner, an employer) what it is about.
HEALTH_WORDS = [
    "therap", "trauma", "treatment", "health", "clinic", "client", "session", "check-in",
    "distress", "emotion", "exercise", "safety", "crisis", "attachment", "betrayal", "breakup",
    "relational", "progress",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()


def ask(client, email, ip="192.0.2.10"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def link_in(message) -> str:
    return re.search(r"https?://\S+/accounts/set-password/\S+/", message.body).group(0)


@pytest.mark.django_db
def test_the_login_page_links_to_forgot_password(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page
    assert "Forgot password?" in page


@pytest.mark.django_db
def test_one_email_per_request_says_nothing_about_health_and_sets_a_new_password(
    client, client_record, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, client_record.user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [client_record.user.email]
    text = f"{message.subject}\n{message.body}".lower()
    assert [word for word in HEALTH_WORDS if word in text] == []
    assert client_record.label.lower() not in text
    assert client_record.clinic.name.lower() not in text
    assert "if it wasn't you" in text

    form_url = client.get(link_in(message))["Location"]
    done = client.post(
        form_url, {"new_password1": "a-new-long-password", "new_password2": "a-new-long-password"}
    )
    assert done["Location"] == reverse("password_reset_complete")
    assert (
        client.post(
            reverse("login"),
            {"username": client_record.user.email, "password": "a-new-long-password"},
        ).status_code
        == 302
    )
    # The link worked once.
    client.post(reverse("logout"))
    used = client.get(link_in(message), follow=True).content.decode()
    assert "This link has been used" in used


@pytest.mark.django_db
def test_every_address_gets_the_same_answer_and_only_an_account_gets_mail(
    client, clinic, django_capture_on_commit_callbacks
):
    existing = factories.TherapistFactory(clinic=clinic).user
    inactive = factories.UserFactory(clinic=clinic, is_active=False)
    answers = {}
    with django_capture_on_commit_callbacks(execute=True):
        for name, email in [
            ("existing", existing.email),
            ("unknown", "nobody@example.org"),
            ("inactive", inactive.email),
        ]:
            response = ask(client, email)
            answers[name] = (response.status_code, response["Location"])
    assert len(set(answers.values())) == 1, answers
    assert [message.to for message in mail.outbox] == [[existing.email]]
    # The page after it names no address and no outcome.
    page = client.get(reverse("password_reset_done")).content.decode()
    assert "If an account uses the address you entered" in page
    assert existing.email not in page


@pytest.mark.django_db
def test_asking_again_and_again_for_one_address_is_limited_known_or_not(
    client, client_record, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_HOURLY_LIMIT_PER_ADDRESS = 3
    for email in (client_record.user.email, "nobody@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            statuses = [ask(client, email, ip=f"198.51.100.{n}").status_code for n in range(5)]
        assert statuses == [302, 302, 302, 429, 429], email
    assert len(mail.outbox) == 3
    throttled = ask(client, client_record.user.email, ip="198.51.100.99")
    assert "Please wait before asking again" in throttled.content.decode()
    assert throttled["Retry-After"] == "3600"
    # Another address is not held up, and an hour later this one is asked for again.
    assert ask(client, "someone.else@example.org", ip="198.51.100.7").status_code == 302
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert ask(client, client_record.user.email, ip="198.51.100.8").status_code == 302


@pytest.mark.django_db
def test_one_network_address_asking_for_many_is_limited(client, settings):
    settings.PASSWORD_RESET_HOURLY_LIMIT_PER_IP = 2
    statuses = [ask(client, f"person{n}@example.org").status_code for n in range(4)]
    assert statuses == [302, 302, 429, 429]
    assert ask(client, "person9@example.org", ip="203.0.113.5").status_code == 302


@pytest.mark.django_db
def test_staff_reset_their_password_the_same_way(
    client, therapist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, therapist.user.email)
    assert [message.to for message in mail.outbox] == [[therapist.user.email]]
    text = mail.outbox[0].body.lower()
    assert [word for word in HEALTH_WORDS if word in text] == []


@pytest.mark.django_db
def test_a_new_password_signs_out_the_apps_that_held_a_token(
    client, client_record, as_user, django_capture_on_commit_callbacks
):
    phone = as_user(client_record.user)
    assert phone.get("/api/v1/me/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, client_record.user.email)
    form_url = client.get(link_in(mail.outbox[0]))["Location"]
    client.post(
        form_url, {"new_password1": "a-new-long-password", "new_password2": "a-new-long-password"}
    )
    assert phone.get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user=client_record.user).exists()
    assert SESSION_KEY not in client.session  # choosing it does not sign this browser in
