"""A client answers a PHQ-9 on a phone, and their therapist sees the new point."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from clients.measures.models import MeasureResponse
from tests import factories

from .conftest import PHONE

pytestmark = pytest.mark.e2e

# What the therapist's Measures section promises: per instrument a [data-measure] block
# with a Plotly chart and the table of scores (latest last).
PHQ9_CHART = '[data-measure="phq9"] .js-plotly-plot'
CHART_DRAWN = """(selector) => {
  const chart = document.querySelector(selector);
  return chart !== null && Array.isArray(chart.data) && chart.data.length > 0;
}"""
POINTS = "(selector) => document.querySelector(selector).data[0].y.length"
TAP_TARGETS_LOWEST = """() => Math.min(...[...document.querySelectorAll("label.option")]
  .map((label) => label.getBoundingClientRect().height))"""


def _serious(axe, tab) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}"
        for v in axe.run(tab).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _fits(tab, width: int) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth") <= width


def _tap(tab, item: str, value: int) -> None:
    tab.locator(f"label[for='item-{item}-{value}']").tap()


def _phq9_history(client) -> None:
    """Two earlier PHQ-9s in this episode, two weeks apart, and the next one due today."""
    zone = ZoneInfo(client.time_zone)
    today = timezone.now().astimezone(zone).date()
    client.started_on = today - dt.timedelta(days=40)
    client.save(update_fields=["started_on"])
    now = timezone.now()
    earlier = (
        (28, factories.measure_answers("phq9", value=2, item_9=0)),  # 16
        (14, factories.measure_answers("phq9", value=1, item_1=2, item_2=2, item_9=0)),  # 10
    )
    for days_back, answers in earlier:
        factories.measure_response(
            client, "phq9", answers=answers, completed_at=now - dt.timedelta(days=days_back)
        )
    return factories.MeasureScheduleFactory(
        client=client,
        instrument="phq9",
        cadence="every_2_weeks",
        starts_on=today - dt.timedelta(days=28),
    )


def test_a_client_answers_a_phq9_on_a_phone_and_the_therapist_sees_the_new_point(
    actors, practice, finding
):
    client, therapist = practice["client"], practice["therapist"]
    schedule = _phq9_history(client)
    axe = Axe()
    person = actors(PHONE)
    tab = person.tab
    person.log_in(client.user.email)
    assert tab.url.endswith("/me/")

    card = tab.locator("section.measures-due")
    assert "To complete" in card.inner_text()
    link = card.locator("a.due")
    assert "Patient Health Questionnaire (PHQ-9)" in link.inner_text()
    with tab.expect_navigation():
        link.tap()
    assert tab.url.endswith(f"/me/measures/{schedule.pk}/")

    tab.set_viewport_size({"width": 360, "height": 740})
    assert _fits(tab, 360), "the form scrolls sideways at 360 px"
    assert tab.evaluate(TAP_TARGETS_LOWEST) >= 44, "an answer is smaller than a fingertip"
    tab.set_viewport_size(PHONE)
    form_findings = _serious(axe, tab)

    # Three answers, then "send" by mistake: nothing is stored, the three are kept.
    for item in ("1", "2", "3"):
        _tap(tab, item, 1)
    with tab.expect_navigation():
        tab.locator(".measure-form button[type=submit]").tap()
    summary = tab.locator("#measure-errors")
    assert "6 questions are not answered yet." in summary.inner_text()
    assert tab.locator("#item-9 .field-error").is_visible()
    assert all(tab.is_checked(f"#item-{item}-1") for item in ("1", "2", "3"))
    assert MeasureResponse.objects.filter(client=client).count() == 2  # the earlier two only
    error_findings = _serious(axe, tab)

    for item in ("4", "5", "6", "7"):
        _tap(tab, item, 1)
    tab.focus("#item-8-1")  # by keyboard: the arrow moves to and chooses "Not at all"
    tab.keyboard.press("ArrowLeft")
    assert tab.is_checked("#item-8-0")
    _tap(tab, "9", 0)
    tab.locator("label[for='difficulty-1']").tap()
    with tab.expect_navigation():
        tab.locator(".measure-form button[type=submit]").tap()

    assert tab.url.endswith("/me/")
    assert "Thank you. Your answers are saved" in tab.inner_text(".messages")
    assert tab.locator("section.measures-due").count() == 0
    assert tab.locator("#measure-safety").count() == 0
    latest = MeasureResponse.objects.filter(client=client).order_by("-completed_at").first()
    assert (latest.total, latest.difficulty, latest.entered_by) == (7, 1, None)
    assert MeasureResponse.objects.filter(client=client).count() == 3
    assert [error for error in person.console_errors if "status of 400" not in error] == [], (
        "the form page logged errors"
    )
    assert {"form": form_findings, "form with errors": error_findings} == {
        "form": [],
        "form with errors": [],
    }

    dana = actors()
    dana.log_in(therapist.user.email)
    dana.tab.goto(f"/clients/{client.pk}/")
    dana.tab.wait_for_load_state("networkidle")
    measure = dana.tab.locator('section#measures [data-measure="phq9"]')
    measure.locator("details", has=dana.tab.locator("table")).locator("summary").click()
    cells = measure.locator("table tr").last.locator("td").all_inner_texts()
    assert "7" in [cell.strip() for cell in cells], f"the latest row reads {cells}"
    dana.tab.wait_for_function(CHART_DRAWN, arg=PHQ9_CHART)
    assert dana.tab.evaluate(POINTS, PHQ9_CHART) == 3

    finding(
        "measures journey: a PHQ-9 answered by taps and a key on a 390 px phone, one "
        "partial send refused with nothing stored, axe clean; the therapist's chart has 3 points"
    )
