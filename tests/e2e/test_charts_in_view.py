"""The progress report stays light: plotly.js is fetched once, after the page, the charts
below the fold are drawn when they are scrolled into view, in the room kept for them,
and printing draws every chart."""

import pytest

from .conftest import DESKTOP

pytestmark = pytest.mark.e2e

STATES = """() => [...document.querySelectorAll("[data-figure]")].map((chart) => ({
  name: chart.dataset.figure,
  drawn: chart.dataset.drawn === "true" && chart.querySelector("svg.main-svg .trace") !== null,
  height: Math.round(chart.getBoundingClientRect().height),
}))"""
PLOTLY_FETCHES = """() => performance.getEntriesByType("resource")
  .filter((entry) => entry.name.includes("/vendor/plotly.min")).length"""


def _open_report(actors, practice):
    dana = actors(DESKTOP)
    dana.log_in(practice["therapist"].user.email)
    dana.tab.goto(f"/clients/{practice['client'].pk}/?window=4w")
    dana.tab.wait_for_load_state("networkidle")
    # The first chart is in view: it is drawn without scrolling.
    dana.tab.wait_for_function("() => document.querySelector('[data-figure]').dataset.drawn")
    return dana


def test_charts_below_the_fold_are_drawn_when_scrolled_into_view(actors, practice, finding):
    dana = _open_report(actors, practice)
    tab = dana.tab
    before = tab.evaluate(STATES)
    assert len(before) == 6
    assert before[0]["drawn"]
    waiting = [chart for chart in before if not chart["drawn"]]
    assert waiting, "a chart far below the fold waits until it is seen"
    last = waiting[-1]["name"]
    assert tab.evaluate(PLOTLY_FETCHES) == 1

    tab.locator(f"[data-figure='{last}']").scroll_into_view_if_needed()
    tab.wait_for_function(
        "(name) => document.querySelector(`[data-figure='${name}']`).dataset.drawn === 'true'",
        arg=last,
    )
    after = {chart["name"]: chart for chart in tab.evaluate(STATES)}
    assert after[last]["drawn"]
    # The room kept for a chart before it was drawn is the room it takes: nothing moved.
    assert after[last]["height"] == waiting[-1]["height"]
    assert tab.evaluate(PLOTLY_FETCHES) == 1, "plotly.js is fetched once"
    assert dana.console_errors == []
    finding(
        f"charts in view: {sum(c['drawn'] for c in before)} of {len(before)} drawn at first "
        f"at {DESKTOP['width']}x{DESKTOP['height']}, '{last}' drawn when scrolled to, "
        f"{after[last]['height']} px kept for it before and after"
    )


def test_printing_draws_every_chart(actors, practice, finding):
    dana = _open_report(actors, practice)
    tab = dana.tab
    assert not all(chart["drawn"] for chart in tab.evaluate(STATES))
    tab.wait_for_function("() => window.Plotly !== undefined")
    tab.emulate_media(media="print")
    tab.wait_for_function(
        "() => [...document.querySelectorAll('[data-figure]')]"
        ".every((chart) => chart.dataset.drawn === 'true')"
    )
    assert all(chart["drawn"] for chart in tab.evaluate(STATES))
    pdf = tab.pdf()
    assert pdf.startswith(b"%PDF")
    assert dana.console_errors == []
    finding("printing: every chart of the report drawn before the page is printed")


def test_printing_before_plotly_has_arrived_draws_every_chart_once_it_does(
    actors, practice, finding
):
    dana = actors(DESKTOP)
    dana.log_in(practice["therapist"].user.email)
    tab = dana.tab
    held = []  # plotly.js held back, as on a slow connection
    tab.route("**/vendor/plotly.min*", lambda route: held.append(route))
    tab.goto(f"/clients/{practice['client'].pk}/?window=4w", wait_until="domcontentloaded")
    for _ in range(100):
        if held:
            break
        tab.wait_for_timeout(50)
    assert held and tab.evaluate("() => window.Plotly === undefined")
    tab.emulate_media(media="print")  # the reader prints now
    held[0].continue_()
    tab.wait_for_function(
        "() => [...document.querySelectorAll('[data-figure]')]"
        ".every((chart) => chart.dataset.drawn === 'true')"
    )
    assert all(chart["drawn"] for chart in tab.evaluate(STATES))
    assert dana.console_errors == []
    finding("printing before plotly.js arrived: every chart drawn once it did")
