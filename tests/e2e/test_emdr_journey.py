"""EMDR in Chromium: the therapist sets up a target and records a held session's
processing, the client logs a moment that stirred them up on a phone, and the therapist's
progress report draws the new points on the disturbance-per-target chart."""

import datetime as dt
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from clients.emdr.models import ProcessingRecord, Target, TicesEntry
from clinic.models import Session
from tests import factories

from .conftest import PHONE

pytestmark = pytest.mark.e2e

# A therapist fills this in a minute or two after a session (issue 16): the clicks of
# setting up a target and recording a session must fit in a minute. A budget for a
# person, not a performance test. Playwright types at machine speed, so what is timed
# here is the pages' share of that minute (the loads, the saves, the steps a page makes
# a person take); a person's reading and typing is the rest, and must find it left.
BUDGET_SECONDS = 60
LABEL = "The kitchen, age 9"
SUD_START, SUD_END = 8, 3
VOC_SETUP, VOC_INSTALLED = 2, 5
DISTURBANCE = 8  # at or above the clinic's calming level (7 by default)
GROUNDING = "Four-count breathing"
SUD_CHART = '#emdr [data-emdr="emdr-sud"] .chart'
CHART_HAS_DATA = """(selector) => {
  const chart = document.querySelector(selector);
  return chart !== null && chart.classList.contains("js-plotly-plot")
    && Array.isArray(chart.data) && chart.data.length > 0;
}"""
# Every y value of the traces of one target (its line through the ends and its segments).
TARGET_VALUES = """([selector, label]) => document.querySelector(selector).data
  .filter((trace) => trace.name === label)
  .flatMap((trace) => trace.y)
  .filter((y) => y !== null)"""


class Stopwatch:
    """The time of the therapist's clicks, with the checks made in between left out."""

    def __init__(self):
        self.spent = 0.0
        self.started = time.monotonic()

    def pause(self) -> None:
        self.spent += time.monotonic() - self.started

    def resume(self) -> None:
        self.started = time.monotonic()


def _serious(axe: Axe, tab, context: str | None = None) -> list[str]:
    tab.wait_for_load_state("networkidle")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}"
        for v in axe.run(tab, context=context).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _fits(tab, width: int) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth") <= width


def _therapist_sets_up_and_records(dana, client, axe: Axe, found: dict) -> float:
    """Progress report → new target → target page → held session → saved. Returns the
    seconds of clicks and typing; axe runs with the stopwatch paused."""
    tab = dana.tab
    clock = Stopwatch()
    tab.goto(f"/clients/{client.pk}/")
    with tab.expect_navigation():
        tab.click("section[aria-labelledby=h-sessions] a:has-text('Set up an EMDR target')")
    assert tab.url.endswith(f"/clients/{client.pk}/emdr/targets/new/")

    clock.pause()
    found["new target"] = _serious(axe, tab)
    clock.resume()
    tab.fill("#id_label", LABEL)
    tab.check("#id_shown_to_client")
    tab.fill("#id_memory", "Father shouting in the kitchen; I am under the table.")
    tab.fill("#id_negative_cognition", "I am powerless")
    tab.fill("#id_positive_cognition", "I can protect myself now")
    tab.check("#id_emotions_0")
    with tab.expect_navigation():
        tab.click("main form button:has-text('Set up the target')")
    target = Target.objects.get(client=client, label=LABEL)
    assert tab.url.endswith(f"/clients/{client.pk}/emdr/targets/{target.pk}/")
    assert f"Target “{LABEL}” set up." in tab.inner_text("main")

    clock.pause()
    found["target"] = _serious(axe, tab)
    clock.resume()
    # The latest held session, from the target page's "Record a session's processing".
    with tab.expect_navigation():
        tab.locator("section[aria-labelledby=h-sessions] a").first.click()
    clock.pause()
    found["session"] = _serious(axe, tab)
    clock.resume()
    for phase in range(2, 7):  # phases 3 to 7: assessment to closure
        tab.check(f"#id_phases_{phase}")
    tab.fill("#id_sud_start", str(SUD_START))
    tab.fill("#id_sud_end", str(SUD_END))
    tab.fill("#id_voc_setup", str(VOC_SETUP))
    tab.fill("#id_voc_installed", str(VOC_INSTALLED))
    tab.check("#id_body_scan_clear_0")  # clear
    tab.check("#id_closure_0")  # complete
    with tab.expect_navigation():
        tab.click("main form button:has-text('Save the processing')")
    assert f"Recorded the processing of “{LABEL}”." in tab.inner_text("main")
    clock.pause()
    found["session, saved"] = _serious(axe, tab)
    return clock.spent


def _client_logs_a_moment(robin, client, axe: Axe, found: dict) -> None:
    tab = robin.tab
    target = Target.objects.get(client=client, label=LABEL)
    tab.goto("/me/")
    card = tab.locator("section.tices-card")
    with tab.expect_navigation():
        card.locator("a", has_text="Log a moment").tap()
    assert tab.url.endswith("/me/log/")
    assert _fits(tab, PHONE["width"]), "the log form scrolls sideways at 390 px"
    found["log form (390 px)"] = _serious(axe, tab)

    tab.fill("#id_trigger", "A door slammed at work and I froze.")
    tab.locator(f"label[for='disturbance-{DISTURBANCE}']").tap()
    assert tab.is_checked(f"#disturbance-{DISTURBANCE}")
    tab.select_option("#id_target", label=LABEL)  # the label the therapist shows them
    with tab.expect_navigation():
        tab.locator("main form button[type=submit]").tap()

    assert "Saved in your log" in tab.inner_text("main")
    calming = tab.locator("#calming")
    assert calming.is_visible(), "a disturbance of 8 shows no calming exercise"
    assert GROUNDING in calming.inner_text()
    assert _fits(tab, PHONE["width"]), "the saved page scrolls sideways at 390 px"
    found["log saved (390 px)"] = _serious(axe, tab)
    entry = TicesEntry.objects.get(client=client)
    assert (entry.disturbance, entry.target_id) == (DISTURBANCE, target.pk)

    # The browser sends the form again on a reload: the same answer, nothing more stored.
    with tab.expect_navigation() as reloaded:
        tab.reload()
    assert reloaded.value.request.method == "POST", "the reload did not send the form again"
    assert "Saved in your log" in tab.inner_text("main")
    assert TicesEntry.objects.filter(client=client).count() == 1


def test_emdr_target_and_session_in_a_minute_a_log_on_a_phone_and_the_new_points(
    actors, practice, finding
):
    client, clinic = practice["client"], practice["clinic"]
    factories.AssignmentFactory(
        client=client,
        exercise=clinic.exercises.get(title=GROUNDING),
        schedule="daily",
        starts_on=timezone.localdate() - dt.timedelta(days=7),
    )
    held = client.sessions.filter(status=Session.Status.COMPLETED).order_by("-starts_at").first()
    axe = Axe()
    found: dict[str, list[str]] = {}

    # a. The therapist: a target and a session's processing, on a laptop.
    dana = actors()
    dana.log_in(practice["therapist"].user.email)
    seconds = _therapist_sets_up_and_records(dana, client, axe, found)
    assert seconds < BUDGET_SECONDS, f"the therapist's clicks took {seconds:.1f} s"
    record = ProcessingRecord.objects.get(target__client=client)
    assert record.session_id == held.pk
    assert record.target.label == LABEL and record.target.status == Target.Status.IN_PROGRESS
    assert record.target.shown_to_client
    assert record.target.memory.startswith("Father shouting")
    assert list(record.target.emotions.all()) != []
    assert sorted(record.phases) == [3, 4, 5, 6, 7]
    assert (record.sud_start, record.sud_end) == (SUD_START, SUD_END)
    assert (record.voc_setup, record.voc_installed) == (VOC_SETUP, VOC_INSTALLED)
    assert (record.body_scan_clear, record.closure) == (True, ProcessingRecord.Closure.COMPLETE)

    # b. The client, on a 390 px phone: a moment logged, and what may help at once.
    robin = actors(PHONE)
    robin.log_in(client.user.email)
    _client_logs_a_moment(robin, client, axe, found)

    # c. The progress report draws the new points on the disturbance-per-target chart.
    tab = dana.tab
    tab.goto(f"/clients/{client.pk}/")
    chart = tab.locator(SUD_CHART)
    chart.scroll_into_view_if_needed()
    tab.wait_for_function(CHART_HAS_DATA, arg=SUD_CHART)
    values = tab.evaluate(TARGET_VALUES, [SUD_CHART, LABEL])
    assert SUD_START in values and SUD_END in values, f"the chart's {LABEL} reads {values}"
    found["progress report, EMDR section"] = _serious(axe, tab, "#emdr")

    # d. The session prep with EMDR: the target in progress and the log touching it.
    tab.goto(f"/clients/{client.pk}/prep/")
    prep = tab.inner_text("section.prep-emdr")
    assert LABEL in prep and "A door slammed at work" in prep
    found["session prep"] = _serious(axe, tab)

    assert found == {name: [] for name in found}
    assert dana.console_errors == [] and robin.console_errors == []
    finding(
        f"EMDR journey: a target set up and a session recorded in {seconds:.1f} s of clicks "
        f"(budget {BUDGET_SECONDS} s); a log entry at {DISTURBANCE} on a 390 px phone showed "
        f"the calming exercise and stored once; the SUD chart has {SUD_START} and {SUD_END}; "
        f"axe clean on {len(found)} pages"
    )
