"""Second-factor sign-in for staff on the pages: who is asked, setting it up, codes, lockout."""

import re
import time
from base64 import b32decode
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import two_factor
from clinic.models import User
from tests import factories

PASSWORD = "a-long-test-password"


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the person's authenticator app shows now (or ``steps_ahead`` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """An authenticator set up and confirmed, as the setup page does it."""
    device = two_factor.authenticator_start(user=user)
    codes = two_factor.authenticator_confirm(device=device, code=code_for(device))
    device.refresh_from_db()
    return device, codes


def log_in(client, user, next_url: str = ""):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def give_code(client, code: str, next_url: str = ""):
    return client.post(reverse("two-factor-verify"), {"code": code, "next": next_url})


def path_of(response) -> str:
    return response["Location"].split("?")[0]


@pytest.fixture
def strict_clinic(db):
    return factories.ClinicFactory(two_factor_required=True)


@pytest.fixture
def strict_therapist(strict_clinic):
    return factories.TherapistFactory(clinic=strict_clinic)


@pytest.fixture
def strict_client_record(strict_therapist):
    return factories.ClientFactory(primary_therapist=strict_therapist)


@pytest.fixture
def no_code_back_off(settings):
    """django-otp makes a device wait 1, 2, 4 ... seconds after wrong codes; tests that
    send several codes in a row count axes' failures, not seconds."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.mark.django_db
def test_without_an_authenticator_staff_reach_only_the_setup(
    client, strict_therapist, strict_client_record
):
    response = log_in(client, strict_therapist.user)
    assert path_of(response) == reverse("two-factor-setup")
    for url in ("/", f"/clients/{strict_client_record.pk}/", "/admin/", "/admin/login/"):
        answer = client.get(url)
        assert answer.status_code == 302, url
        assert path_of(answer) == reverse("two-factor-setup"), url
    api = client.get("/api/v1/clients/")
    assert api.status_code == 403
    assert api.json()["errors"][0]["code"] == "second_factor_required"
    assert client.post(reverse("logout")).status_code == 302
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_a_clinic_admin_without_the_second_factor_cannot_open_the_admin(client, strict_clinic):
    admin_user = factories.ClinicAdminFactory(clinic=strict_clinic)
    enrol(admin_user)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": admin_user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    for url in ("/admin/", "/admin/clients/client/", "/admin/login/"):
        answer = client.get(url)
        assert path_of(answer) == reverse("two-factor-verify"), url


@pytest.mark.django_db
def test_setting_up_shows_the_key_confirms_with_a_code_and_shows_recovery_codes_once(
    client, strict_therapist, no_code_back_off
):
    log_in(client, strict_therapist.user)
    page = client.get(reverse("two-factor-setup")).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    secret = re.search(r'<code id="setup-key">([A-Z2-7 ]+)</code>', page).group(1)
    device = TOTPDevice.objects.get(user=strict_therapist.user)
    assert not device.confirmed
    # The key on the page is the device's: an app given it shows the codes the server takes.
    assert b32decode(secret.replace(" ", "")) == device.bin_key

    wrong = client.post(reverse("two-factor-setup"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "That code did not work" in wrong.content.decode()
    assert path_of(client.get("/")) == reverse("two-factor-setup")

    done = client.post(reverse("two-factor-setup"), {"code": code_for(device), "next": "/"})
    assert path_of(done) == reverse("two-factor-recovery-codes")
    shown = client.get(done["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", shown.content.decode())
    assert len(codes) == two_factor.RECOVERY_CODES == 10
    stored = set(
        StaticToken.objects.filter(device__user=strict_therapist.user).values_list(
            "token", flat=True
        )
    )
    assert {code.replace("-", "") for code in codes} == stored
    # Shown once: coming back shows the account page, which only counts them.
    again = client.get(reverse("two-factor-recovery-codes"))
    assert path_of(again) == reverse("two-factor")
    assert "10 unused recovery codes" in client.get(reverse("two-factor")).content.decode()
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_with_an_authenticator_the_password_alone_opens_nothing_and_a_code_does(
    client, strict_therapist, strict_client_record, no_code_back_off
):
    device, _ = enrol(strict_therapist.user)
    report = f"/clients/{strict_client_record.pk}/"
    response = log_in(client, strict_therapist.user, next_url=report)
    assert path_of(response) == reverse("two-factor-verify")
    assert path_of(client.get("/")) == reverse("two-factor-verify")
    assert path_of(client.get(report)) == reverse("two-factor-verify")

    wrong = give_code(client, "123456", report)
    assert wrong.status_code == 200
    assert "That code did not work" in wrong.content.decode()
    assert path_of(client.get(report)) == reverse("two-factor-verify")

    right = give_code(client, code_for(device, steps_ahead=1), report)
    assert right.status_code == 302
    assert right["Location"] == report
    assert client.get(report).status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once(client, strict_therapist):
    _, codes = enrol(strict_therapist.user)
    log_in(client, strict_therapist.user)
    used = two_factor.recovery_code_shown(codes[0]).upper()  # as typed from a printout
    assert give_code(client, used).status_code == 302
    assert client.get("/").status_code == 200
    client.post(reverse("logout"))

    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        log_in(client, strict_therapist.user)
        again = give_code(client, codes[0])
    assert again.status_code == 200
    assert path_of(client.get("/")) == reverse("two-factor-verify")
    assert two_factor.recovery_codes_left(strict_therapist.user) == 9


@pytest.mark.django_db
def test_wrong_codes_pause_the_account_like_wrong_passwords(
    client, strict_therapist, settings, no_code_back_off
):
    device, _ = enrol(strict_therapist.user)
    log_in(client, strict_therapist.user)
    statuses = [give_code(client, "000000").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert SESSION_KEY not in client.session  # the half-finished sign-in ends
    assert "000000" not in "".join(AccessAttempt.objects.values_list("post_data", flat=True))
    # The right password and then the right code are both refused during the pause.
    paused = log_in(client, strict_therapist.user)
    assert paused.status_code == 429
    assert "Sign-in paused" in paused.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_codes_right_after_a_wrong_one_are_asked_to_wait_and_not_counted(client, strict_therapist):
    device, _ = enrol(strict_therapist.user)
    log_in(client, strict_therapist.user)
    give_code(client, "000000")
    hurried = give_code(client, code_for(device, steps_ahead=1))
    assert "Too many wrong codes in a row: wait 1 second" in hurried.content.decode()
    assert path_of(client.get("/")) == reverse("two-factor-verify")
    assert AccessAttempt.objects.get().failures_since_start == 1  # the wrong one only
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        assert give_code(client, code_for(device, steps_ahead=1)).status_code == 302


@pytest.mark.django_db
def test_the_password_alone_cannot_replace_the_authenticator_or_the_recovery_codes(
    client, strict_therapist
):
    device, codes = enrol(strict_therapist.user)
    log_in(client, strict_therapist.user)
    assert path_of(client.get(reverse("two-factor-setup"))) == reverse("two-factor-verify")
    assert path_of(client.get(reverse("two-factor"))) == reverse("two-factor-verify")
    refused = client.post(reverse("two-factor-recovery-codes"))
    assert path_of(refused) == reverse("two-factor-verify")
    assert path_of(client.get(reverse("two-factor-recovery-codes"))) != reverse(
        "two-factor-recovery-codes"
    )
    assert list(TOTPDevice.objects.filter(user=strict_therapist.user)) == [device]
    assert two_factor.recovery_codes_left(strict_therapist.user) == len(codes)


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old(client, strict_therapist):
    device, old = enrol(strict_therapist.user)
    log_in(client, strict_therapist.user)
    give_code(client, code_for(device, steps_ahead=1))
    made = client.post(reverse("two-factor-recovery-codes"))
    page = client.get(made["Location"]).content.decode()
    new = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", page)
    assert len(new) == 10
    client.post(reverse("logout"))
    log_in(client, strict_therapist.user)
    assert give_code(client, old[0]).status_code == 200  # refused
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        assert give_code(client, new[0]).status_code == 302


@pytest.mark.django_db
def test_a_client_is_never_asked(client, strict_client_record):
    response = log_in(client, strict_client_record.user)
    assert path_of(response) == reverse("home")
    assert client.get(reverse("two-factor-verify")).status_code == 302
    assert path_of(client.get(reverse("two-factor-verify"))) != reverse("two-factor-setup")
    assert client.get("/me/").status_code == 200
    assert client.get(reverse("two-factor")).status_code == 403
    assert client.get(reverse("two-factor-setup")).status_code == 403


@pytest.mark.django_db
def test_another_clinics_setting_does_not_affect_this_one(client, therapist, strict_therapist):
    assert not therapist.clinic.two_factor_required
    assert path_of(log_in(client, therapist.user)) == reverse("home")
    assert client.get("/").status_code == 200
    client.post(reverse("logout"))
    assert path_of(log_in(client, strict_therapist.user)) == reverse("two-factor-setup")


@pytest.mark.django_db
def test_staff_whose_clinic_does_not_ask_may_turn_it_on_and_are_then_asked(
    client, therapist, no_code_back_off
):
    log_in(client, therapist.user)
    account = client.get(reverse("two-factor")).content.decode()
    assert "Off. Your clinic does not ask for it" in account
    client.get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user=therapist.user)
    client.post(reverse("two-factor-setup"), {"code": code_for(device)})
    assert client.get("/").status_code == 200  # this session gave the code while setting up
    client.post(reverse("logout"))

    assert path_of(log_in(client, therapist.user)) == reverse("two-factor-verify")
    assert path_of(client.get("/")) == reverse("two-factor-verify")


@pytest.mark.django_db
def test_a_clinic_turning_it_on_reaches_staff_already_signed_in(client, therapist):
    log_in(client, therapist.user)
    assert client.get("/").status_code == 200
    therapist.clinic.two_factor_required = True
    therapist.clinic.save(update_fields=["two_factor_required"])
    assert path_of(client.get("/")) == reverse("two-factor-setup")


@pytest.mark.django_db
@pytest.mark.parametrize("required", [True, False])
def test_operators_follow_their_own_setting(client, settings, required):
    from clinic.models import User

    settings.OPERATOR_TWO_FACTOR_REQUIRED = required
    operator = User.objects.create_superuser(email="op@example.org", password=PASSWORD)
    client.post("/admin/login/?next=/admin/", {"username": operator.email, "password": PASSWORD})
    answer = client.get("/admin/")
    if required:
        assert path_of(answer) == reverse("two-factor-setup")
    else:
        assert answer.status_code == 200


@pytest.mark.django_db
def test_the_setup_key_stays_the_same_across_reloads(client, strict_therapist):
    log_in(client, strict_therapist.user)
    first = client.get(reverse("two-factor-setup")).content.decode()
    second = client.get(reverse("two-factor-setup")).content.decode()
    key = re.compile(r'<code id="setup-key">([A-Z2-7 ]+)</code>')
    assert key.search(first).group(1) == key.search(second).group(1)
    assert TOTPDevice.objects.filter(user=strict_therapist.user).count() == 1


@pytest.mark.django_db
def test_a_next_address_elsewhere_is_not_followed(client, strict_therapist):
    device, _ = enrol(strict_therapist.user)
    log_in(client, strict_therapist.user)
    response = give_code(client, code_for(device, steps_ahead=1), "https://evil.example/")
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_the_admin_never_shows_a_key_or_a_recovery_code(client, strict_therapist, settings):
    settings.OPERATOR_TWO_FACTOR_REQUIRED = False
    device, codes = enrol(strict_therapist.user)
    static = StaticDevice.objects.get(user=strict_therapist.user)
    operator = User.objects.create_superuser(email="op@example.org", password=PASSWORD)
    client.force_login(operator)
    totp_page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    static_page = client.get(f"/admin/otp_static/staticdevice/{static.pk}/change/")
    assert totp_page.status_code == static_page.status_code == 200
    assert device.key not in totp_page.content.decode()
    stored = [token.token for token in StaticToken.objects.filter(device=static)]
    assert stored and codes
    assert not any(code in static_page.content.decode() for code in codes + stored)
    # A lost phone is removed by an operator; the owner then sets up a new one.
    removed = client.post(
        f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert removed.status_code == 200
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
