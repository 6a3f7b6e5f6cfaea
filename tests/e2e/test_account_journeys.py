"""Getting in: a therapist whose clinic asks for a second factor sets up an authenticator,
keeps the recovery codes and signs in with a code; a visitor asks for a new password. In
Chromium against the live server, with an axe scan of each new page."""

import time
from base64 import b32decode
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django_otp.oath import TOTP

from tests import factories

from .conftest import PHONE

pytestmark = pytest.mark.e2e


def code_from(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app given ``secret`` (as the page shows it) displays."""
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


@pytest.fixture
def strict_practice(transactional_db, settings):
    # django-otp's pause after a wrong code is for people; the journey types at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    clinic = factories.ClinicFactory(name="Harbor", two_factor_required=True)
    therapist = factories.TherapistFactory(clinic=clinic, user__email="dana@e2e.example")
    factories.ClientFactory(primary_therapist=therapist, label="Robin M.")
    return therapist


@pytest.fixture
def scan():
    axe = Axe()
    found: dict[str, list[str]] = {}

    def run(name, tab):
        tab.wait_for_load_state("networkidle")
        violations = axe.run(tab).response["violations"]
        found[name] = [
            f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]

    run.found = found
    return run


def test_journey_5_a_therapist_sets_up_two_factor_sign_in_and_signs_in_with_a_code(
    actors, strict_practice, scan, finding
):
    dana = actors()
    tab = dana.tab
    dana.log_in(strict_practice.user.email)
    assert tab.url.split("?")[0].endswith("/accounts/two-factor/setup/")
    assert tab.locator("img[alt*='QR code']").is_visible()
    scan("two-factor setup", tab)
    secret = tab.inner_text("#setup-key")

    tab.goto("/")  # the caseload stays out of reach until the setup is done
    assert "/accounts/two-factor/setup/" in tab.url
    tab.fill("#id_code", code_from(secret))
    tab.click("form[action$='/setup/'] button[type=submit]")
    tab.wait_for_load_state("networkidle")
    assert "/accounts/two-factor/recovery-codes/" in tab.url
    codes = tab.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    scan("recovery codes", tab)
    tab.click("a:has-text('I have saved them')")
    tab.wait_for_load_state("networkidle")
    assert tab.locator("table.caseload", has_text="Robin M.").count() == 1

    tab.goto("/accounts/two-factor/")
    assert "10 unused recovery codes" in tab.inner_text("#codes-left")
    scan("two-factor account page", tab)

    tab.click("nav button:has-text('Log out')")
    tab.wait_for_load_state("networkidle")
    dana.log_in(strict_practice.user.email)
    assert "/accounts/two-factor/verify/" in tab.url
    scan("code entry", tab)
    tab.fill("#id_code", "000000")
    tab.click("form[action$='/verify/'] button[type=submit]")
    tab.wait_for_load_state("networkidle")
    assert "That code did not work" in tab.inner_text("#code-errors")
    scan("code entry with an error", tab)
    # The code of the next period: the one used for the setup cannot be used twice.
    tab.fill("#id_code", code_from(secret, steps_ahead=1))
    tab.click("form[action$='/verify/'] button[type=submit]")
    tab.wait_for_load_state("networkidle")
    assert urlsplit(tab.url).path == "/"
    assert tab.locator("table.caseload", has_text="Robin M.").count() == 1

    assert {name: problems for name, problems in scan.found.items() if problems} == {}
    assert dana.console_errors == []
    finding(
        "journey 5: a therapist set up an authenticator (key read from the page), kept 10 "
        "recovery codes, logged out and back in with a code; axe found 0 serious or critical "
        f"violations on {len(scan.found)} pages"
    )


def test_journey_6_forgot_password_answers_the_same_and_sends_one_mail(
    actors, strict_practice, scan, finding
):
    visitor = actors(PHONE)
    tab = visitor.tab
    tab.goto("/accounts/login/")
    tab.click("a:has-text('Forgot password?')")
    tab.wait_for_load_state("networkidle")
    scan("forgot password", tab)
    pages = []
    for email in (strict_practice.user.email, "nobody@e2e.example"):
        tab.goto("/accounts/password-reset/")
        tab.fill("#id_email", email)
        tab.click("form[action$='/password-reset/'] button[type=submit]")
        tab.wait_for_load_state("networkidle")
        pages.append((tab.url, tab.inner_text("main")))
    assert pages[0] == pages[1]
    assert "Check your e-mail" in pages[0][1]
    scan("reset link sent", tab)
    assert [message.to for message in mail.outbox] == [[strict_practice.user.email]]

    assert {name: problems for name, problems in scan.found.items() if problems} == {}
    assert visitor.console_errors == []
    finding(
        "journey 6: forgot password gave the same page for a known and an unknown address, "
        f"1 e-mail; axe found 0 serious or critical violations on {len(scan.found)} pages"
    )
