"""The product used the way people use it: in Chromium, with JavaScript, on a phone and
a desktop, against the live server."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from clients.models import Alert, Assignment, CheckIn, Completion

from .conftest import CRISIS, PHONE, scroll_through_charts

pytestmark = pytest.mark.e2e

CHARTS_DRAWN = """() => {
  const charts = [...document.querySelectorAll("[data-figure]")];
  return charts.length > 0 && charts.every((chart) =>
    chart.querySelector("svg.main-svg") !== null
    && chart.querySelectorAll(".trace").length > 0
    && chart.querySelectorAll(".point, path.js-line").length > 0);
}"""
DOUBLE_SUBMIT = "(form) => { form.requestSubmit(); form.requestSubmit(); }"
TAPS_RECORDED = """() => {
  window.tapped = [];
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='tel:'], a[href^='sms:']");
    if (link) { window.tapped.push(link.getAttribute("href")); event.preventDefault(); }
  }, true);
}"""
WORDS = "Can't stop thinking about it tonight."
STATUS_IS = "([selector, start]) => document.querySelector(selector).textContent.startsWith(start)"


def _wait_for_status(tab, form: str, start: str) -> None:
    tab.wait_for_function(STATUS_IS, arg=[f"{form} .status", start])


def _fits(tab, width: int) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth") <= width


def _fill_check_in(tab, *, safety: str, note: str = "") -> None:
    for code, intensity in (("sad", "8"), ("longing", "6"), ("hopeful", "3")):
        tab.check(f"#emotion-{code}")
        assert tab.is_visible(f"#intensity-{code}")
        tab.fill(f"#intensity-{code}", intensity)
    tab.focus("#scale-distress")  # by keyboard: from the middle, one step up
    tab.keyboard.press("ArrowRight")
    tab.fill("#scale-charge", "2")
    tab.check("#wants-to-discuss")
    tab.check(f"#safety-{safety}")
    if note:
        tab.fill("#note", note)


def test_journey_1_client_on_a_phone_sends_once_despite_double_taps_and_a_lost_answer(
    actors, practice, finding
):
    client = practice["client"]
    assignment = client.assignments.get()
    person = actors(PHONE)
    tab = person.tab
    person.log_in(client.user.email)
    assert tab.url.endswith("/me/")
    tab.set_viewport_size({"width": 360, "height": 740})
    assert _fits(tab, 360), "the client's page scrolls sideways at 360 px"
    tab.set_viewport_size(PHONE)

    note = "Saw our old café today and let the sadness be there."
    _fill_check_in(tab, safety="no", note=note)
    assert tab.input_value("#scale-distress") == "6"

    # The first answer is lost on its way back: stored on the server, unseen by the phone.
    sent = []
    tab.on("request", lambda r: sent.append(r) if "/api/v1/check-ins" in r.url else None)

    def lose_the_answer(route):
        route.fetch()
        route.abort()

    tab.route("**/api/v1/check-ins/", lose_the_answer)
    tab.eval_on_selector("#check-in", DOUBLE_SUBMIT)  # a double tap
    _wait_for_status(tab, "#check-in", "Your answers could not reach")
    tab.unroute("**/api/v1/check-ins/")
    assert len(sent) == 1, "the double tap sent two requests"
    assert CheckIn.objects.filter(client=client).count() == 22  # 21 of history + this one

    tab.reload()  # the answers come back, and with them the same Idempotency-Key
    assert tab.is_checked("#emotion-longing")
    assert tab.input_value("#note") == note
    with tab.expect_response("**/api/v1/check-ins/") as answer:
        tab.click("#check-in button[type=submit]")
    _wait_for_status(tab, "#check-in", "Thank you. Your check-in is saved.")
    assert answer.value.headers.get("idempotent-replayed") == "true"
    assert "Sad 8, Longing 6, Hopeful 3" in tab.inner_text("#recent-check-ins li:first-child")

    # Notes are encrypted at rest, so they are compared after reading, not in SQL.
    new = [c for c in CheckIn.objects.filter(client=client) if c.note == note]
    assert len(new) == 1
    check_in = new[0]
    assert sorted(e.label.code for e in check_in.emotions.all()) == ["hopeful", "longing", "sad"]
    assert (check_in.distress, check_in.charge, check_in.wants_to_discuss) == (6, 2, True)
    assert check_in.mind_space is None  # left out, not a made-up number
    assert not check_in.safety_concern

    tab.click(f"#exercise-{assignment.pk} ~ details.record summary")
    form = f"#completion-{assignment.pk}"
    tab.fill(f"{form}-distress_before", "7")
    tab.fill(f"{form}-distress_after", "4")
    tab.check(f"{form}-helpfulness-4")
    tab.fill(f"{form}-reflection", "Naming it made it smaller.")
    before = Completion.objects.filter(assignment=assignment).count()
    tab.eval_on_selector(form, DOUBLE_SUBMIT)
    _wait_for_status(tab, form, "Saved.")
    done = [
        c
        for c in Completion.objects.filter(assignment=assignment)
        if c.reflection.startswith("Naming it")
    ]
    assert len(done) == 1
    assert Completion.objects.filter(assignment=assignment).count() == before + 1
    assert (done[0].distress_before, done[0].distress_after, done[0].helpfulness) == (
        7,
        4,
        4,
    )
    assert _fits(tab, 390)
    assert person.console_errors == ["Failed to load resource: net::ERR_FAILED"]  # the lost one
    finding(
        "journey 1: 1 check-in (3 emotions) and 1 completion stored after double taps, "
        f"a lost answer and a reload; {len(sent)} check-in requests sent, 1 replayed"
    )


def test_journey_2_a_safety_answer_reaches_the_therapist_with_its_words_and_is_followed_up(
    actors, practice, finding
):
    client, therapist = practice["client"], practice["therapist"]
    person = actors(PHONE)
    tab = person.tab
    person.log_in(client.user.email)
    _fill_check_in(tab, safety="yes", note=WORDS)
    crisis = tab.locator("#crisis")
    assert crisis.is_visible(), "crisis resources appear as soon as yes is chosen"
    assert CRISIS in crisis.inner_text()
    assert "your therapist is told" in crisis.inner_text(), "the client knows who reads the note"
    # A tap on the crisis line dials it: a real tel: link, caught before the phone app opens.
    tab.evaluate(TAPS_RECORDED)
    tab.locator("#crisis a[href^='tel:']", has_text="Harbor night line").tap()
    assert tab.evaluate("window.tapped") == ["tel:08005550101"]
    assert crisis.locator("a[href='sms:08005550102']").count() == 1
    tab.click("#check-in button[type=submit]")
    _wait_for_status(tab, "#check-in", "Thank you.")
    assert crisis.is_visible() and CRISIS in crisis.inner_text()
    assert "your therapist is being told" in crisis.inner_text()
    alert = Alert.objects.get(client=client, acknowledged_at__isnull=True)

    dana = actors()
    tab = dana.tab
    dana.log_in(therapist.user.email)
    rows = tab.locator("table.caseload tbody tr")
    caseload = rows.count()
    assert caseload == 3
    first = rows.first
    assert first.locator("th a").inner_text() == client.label
    assert (
        "Safety: answered yes at " in first.inner_text() and "distress 6/10" in first.inner_text()
    )

    first.locator("a.badge.alert").click()
    tab.wait_for_load_state("networkidle")
    assert tab.url.endswith(f"/alerts/{alert.pk}/")
    assert WORDS in tab.inner_text(".client-words"), "the therapist reads what the client wrote"
    tab.check("input[name=action][value=could_not_reach]")
    tab.fill("textarea[name=note]", "Voicemail left at 21:10.")
    tab.click("form[action$='/follow-up/'] button[type=submit]")
    assert "stays open" in tab.inner_text(".messages")
    tab.check("input[name=action][value=contacted]")
    tab.fill("textarea[name=note]", "Spoke at 21:40; safe tonight, plan reviewed.")
    tab.click("form[action$='/follow-up/'] button[type=submit]")
    assert "the alert is resolved" in tab.inner_text(".messages")
    history = tab.inner_text("section[aria-labelledby=h-history]")
    assert "Voicemail left at 21:10." in history and "Spoke at 21:40" in history
    alert.refresh_from_db()
    assert alert.acknowledged_by_id == therapist.user_id
    assert list(alert.follow_ups.values_list("action", flat=True)) == [
        "could_not_reach",
        "contacted",
    ]

    tab.goto("/")
    row = tab.locator("table.caseload tbody tr", has_text=client.label)
    assert "Safety concern today, followed up" in row.inner_text(), "the reason stays"
    assert tab.locator("table.caseload tbody tr").first.locator("th a").inner_text() == client.label
    row.locator("th a").click()
    tab.wait_for_load_state("networkidle")
    scroll_through_charts(tab)
    tab.wait_for_function(CHARTS_DRAWN)
    charts = tab.locator("[data-figure]").count()
    assert charts == 6

    exercise = client.clinic.exercises.get(title="Let the wave pass")
    tab.click("summary:has-text('Assign an exercise')")
    tab.select_option("#id_exercise", label=exercise.title)
    tab.select_option("#id_schedule", "daily")
    today = timezone.localdate(timezone=ZoneInfo(client.time_zone))
    tab.fill("#id_starts_on", today.isoformat())
    tab.fill("#id_ends_on", (today + dt.timedelta(days=14)).isoformat())
    tab.click("form[action$='/assignments/'] button[type=submit]")
    assert "Assigned “Let the wave pass”." in tab.inner_text(".messages")
    assert Assignment.objects.filter(client=client, exercise=exercise, status="active").exists()

    tab.click("a:has-text('Session prep')")
    tab.wait_for_load_state("networkidle")
    assert tab.url.endswith(f"/clients/{client.pk}/prep/")
    assert client.label in tab.inner_text("h1")
    assert dana.console_errors == [] and person.console_errors == []
    finding(
        f"journey 2: crisis line tapped (tel:), safety note read on the alert, client first of "
        f"{caseload} in the caseload and still there after 2 follow-ups, {charts} of 6 "
        "charts drawn, 1 exercise assigned, session prep opened, 0 console errors"
    )


def test_journey_3_another_therapist_gets_the_not_found_page(actors, practice, finding):
    client = practice["client"]
    sam = actors()
    sam.log_in(practice["colleague"].user.email)
    statuses = []
    for path in (f"/clients/{client.pk}/", f"/clients/{client.pk}/prep/"):
        response = sam.tab.goto(path)
        statuses.append(response.status)
        assert sam.tab.inner_text("h1") == "Not found"
        assert client.label not in sam.tab.content()
    assert statuses == [404, 404]
    finding(f"journey 3: a colleague opening the client's pages got {statuses}")


def test_journey_4_pages_have_no_serious_accessibility_violations(actors, practice, finding):
    client = practice["client"]
    axe = Axe()
    found: dict[str, list[str]] = {}

    def scan(name, tab):
        tab.wait_for_load_state("networkidle")
        if scroll_through_charts(tab):
            tab.wait_for_function(CHARTS_DRAWN)
        violations = axe.run(tab).response["violations"]
        found[name] = [
            f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]

    visitor = actors(PHONE)
    visitor.tab.goto("/accounts/login/")
    scan("login", visitor.tab)

    dana = actors()
    dana.log_in(practice["therapist"].user.email)
    scan("caseload", dana.tab)
    dana.tab.goto(f"/clients/{client.pk}/")
    scan("progress report", dana.tab)
    dana.tab.goto(f"/clients/{client.pk}/prep/")
    scan("session prep", dana.tab)
    check_in = client.check_ins.order_by("-occurred_at").first()
    alert = Alert.objects.create(client=client, kind="safety_concern", check_in=check_in)
    dana.tab.goto(f"/alerts/{alert.pk}/")
    scan("alert and follow-up", dana.tab)
    dana.tab.goto(f"/clients/{client.pk}/safety-plan/")
    scan("safety plan", dana.tab)

    person = actors(PHONE)
    person.log_in(client.user.email)
    scan("client page", person.tab)
    person.tab.check("#emotion-sad")
    person.tab.check("#safety-yes")
    scan("client page with the crisis box", person.tab)
    person.tab.check("#safety-no")  # a safety answer is never refused; this one can be
    person.tab.click("#check-in button[type=submit]")  # distress left out: errors shown
    person.tab.wait_for_selector("#check-in-err-distress:not([hidden])")
    scan("client page with errors", person.tab)

    assert {name: problems for name, problems in found.items() if problems} == {}
    finding(f"journey 4: axe found 0 serious or critical violations on {len(found)} pages")
