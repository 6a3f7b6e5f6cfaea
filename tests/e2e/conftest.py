"""Browser fixtures: Debian's Chromium driven by pytest-playwright against the live server.

Playwright cannot download its own browser on these machines, so the tests launch
/usr/bin/chromium (``CHROMIUM`` to point elsewhere) and skip, saying why, when none is
there. `.ci/run` installs it, so CI always runs them.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from clinic.models import Session
from reports.management.commands.screenshots import CHROMIUM_ARGS
from tests import factories

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the
# tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CRISIS = "Call the Harbor night line on 0800 555 0101, or 112 in an emergency."

# What each journey checked, printed at the end of the run (see pytest_terminal_summary).
FINDINGS: list[str] = []


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"no Chromium at {CHROMIUM}: install Debian's (apt-get install -y chromium) "
            "or set CHROMIUM; .ci/run installs it"
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def scroll_through_charts(tab) -> int:
    """Charts are drawn as they come into view: bring each one there in turn, as a reader
    scrolling down the report does, and wait until it is drawn. Returns how many."""
    charts = tab.locator("[data-figure]")
    count = charts.count()
    for index in range(count):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        tab.wait_for_function("(node) => node.dataset.drawn === 'true'", arg=chart.element_handle())
    tab.evaluate("window.scrollTo(0, 0)")
    return count


@pytest.fixture
def finding():
    return FINDINGS.append


class Actor:
    """One person in their own browser context: cookies, viewport and console of their own."""

    def __init__(self, browser, base_url: str, viewport: dict):
        # A phone-sized person taps with a finger (touch events), as on a real phone.
        touch = viewport["width"] < 600
        self.context = browser.new_context(viewport=viewport, base_url=base_url, has_touch=touch)
        self.context.set_default_timeout(15_000)
        self.tab = self.context.new_page()
        self.console_errors: list[str] = []
        self.tab.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        self.tab.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def log_in(self, email: str) -> None:
        self.tab.goto("/accounts/login/")
        self.tab.fill("#id_username", email)
        self.tab.fill("#id_password", PASSWORD)
        self.tab.click("button[type=submit]")
        self.tab.wait_for_load_state("networkidle")


@pytest.fixture
def actors(browser, live_server):
    """``actors(viewport)`` opens a new person's browser; all are closed after the test."""
    opened = []

    def open_one(viewport=DESKTOP) -> Actor:
        actor = Actor(browser, live_server.url, viewport)
        opened.append(actor)
        return actor

    yield open_one
    for actor in opened:
        actor.context.close()


def _history(client, *, days: int = 21) -> None:
    """Three weeks of check-ins, exercises and held sessions, so every chart has data."""
    now = timezone.now()
    assignment = factories.AssignmentFactory(
        client=client,
        exercise=client.clinic.exercises.get(title="Name it as it arrives"),
        starts_on=(now - dt.timedelta(days=days)).date(),
    )
    labels = list(client.clinic.emotion_labels.order_by("sort_order")[:5])
    for n in range(days):
        moment = now - dt.timedelta(days=days - n, hours=3)
        check_in = factories.CheckInFactory(
            client=client, occurred_at=moment, distress=3 + n % 5, charge=2 - n % 3
        )
        factories.CheckInEmotionFactory(check_in=check_in, label=labels[n % 5], intensity=4 + n % 4)
        factories.CompletionFactory(assignment=assignment, completed_at=moment)
    for days_back in (15, 8):
        factories.SessionFactory(
            client=client,
            starts_at=now - dt.timedelta(days=days_back),
            status=Session.Status.COMPLETED,
        )
    factories.SessionFactory(client=client, starts_at=now + dt.timedelta(days=2))


@pytest.fixture
def practice(transactional_db):
    """A clinic, the treating therapist, a colleague, and the client with history, among
    other clients of the same therapist (one of them higher in the caseload's order
    before any alert)."""
    clinic = factories.ClinicFactory(
        name="Harbor", crisis_resources=CRISIS, phone="0800 555 0100", phone_hours="9 to 17"
    )
    clinic.crisis_lines.create(name="Emergency", call="112", sort_order=0)
    clinic.crisis_lines.create(
        name="Harbor night line", call="0800 555 0101", text="0800 555 0102", sort_order=1
    )
    therapist = factories.TherapistFactory(clinic=clinic, user__email="dana@e2e.example")
    colleague = factories.TherapistFactory(clinic=clinic, user__email="sam@e2e.example")
    client = factories.ClientFactory(
        primary_therapist=therapist, label="Robin M.", user__email="robin@e2e.example"
    )
    _history(client)
    for label in ("Alex P.", "Casey T."):
        _history(factories.ClientFactory(primary_therapist=therapist, label=label))
    return {"clinic": clinic, "therapist": therapist, "colleague": colleague, "client": client}


def pytest_terminal_summary(terminalreporter):
    reports = [
        report
        for outcome in ("passed", "failed", "skipped")
        for report in terminalreporter.stats.get(outcome, [])
        if "tests/e2e/" in report.nodeid and report.when in ("call", "setup")
    ]
    if not reports:
        return
    counts = {outcome: 0 for outcome in ("passed", "failed", "skipped")}
    for report in reports:
        if report.when == "call" or report.outcome != "passed":
            counts[report.outcome] += 1
    terminalreporter.section("browser journeys")
    terminalreporter.write_line(
        "{passed} passed, {failed} failed, {skipped} skipped (Chromium: {path})".format(
            **counts, path=CHROMIUM if Path(CHROMIUM).exists() else "not found"
        )
    )
    for line in FINDINGS:
        terminalreporter.write_line(line)
