"""The progress report's charts, as drawn by Chromium at the widths therapists use: no
label cut off at the edge of its chart or lying on another label, dates without times,
and emotions counted per day in a short window."""

import datetime as dt

import pytest
from django.utils import timezone

from clinic.models import Session
from tests import factories

from .conftest import DESKTOP, scroll_through_charts

pytestmark = pytest.mark.e2e

WIDTHS = (1280, 1024)
ALL_DRAWN = """() => {
  const charts = [...document.querySelectorAll("[data-figure]")];
  return charts.length > 0 && charts.every((chart) => chart.dataset.drawn === "true");
}"""
# Every text of every chart: its box against its chart's box, and against the others'.
TEXTS = """() => {
  const found = {checked: 0, outside: [], overlapping: [], dates: [], yTitles: {}};
  const overlap = (a, b) =>
    a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  document.querySelectorAll("[data-figure]").forEach((chart) => {
    const name = chart.dataset.figure;
    const box = chart.getBoundingClientRect();
    const texts = [...chart.querySelectorAll("svg text")]
      .map((node) => ({node, text: node.textContent.trim(), r: node.getBoundingClientRect()}))
      .filter((t) => t.text && t.r.width > 0 && t.r.height > 0);
    texts.forEach((t, i) => {
      found.checked += 1;
      if (t.r.left < box.left - 0.5 || t.r.right > box.right + 0.5
          || t.r.top < box.top - 0.5 || t.r.bottom > box.bottom + 0.5) {
        found.outside.push(`${name}: "${t.text}"`);
      }
      texts.slice(i + 1).forEach((u) => {
        if (overlap(t.r, u.r)) { found.overlapping.push(`${name}: "${t.text}" / "${u.text}"`); }
      });
      if (t.node.closest(".xtick")) { found.dates.push(t.text); }
    });
    const title = chart.querySelector(".ytitle");
    found.yTitles[name] = title ? title.textContent : null;
  });
  return found;
}"""


@pytest.fixture
def busy_client(practice):
    """Four months of check-ins (some days twice, some days none), six emotions, two
    exercises done most days and weekly sessions, the last one six days ago; the other
    person is "husband", after a betrayal."""
    client = factories.ClientFactory(
        primary_therapist=practice["therapist"],
        label="Jordan K.",
        other_person="husband",
        focus_areas=["betrayal"],
        time_zone="Europe/Berlin",
        started_on=(timezone.now() - dt.timedelta(days=121)).date(),
    )
    now = timezone.now()
    exercises = list(client.clinic.exercises.order_by("title")[:2])
    assignments = [
        factories.AssignmentFactory(
            client=client, exercise=exercise, starts_on=(now - dt.timedelta(days=120)).date()
        )
        for exercise in exercises
    ]
    labels = list(client.clinic.emotion_labels.order_by("sort_order")[:6])
    for n in range(120):
        if n % 9 == 4:
            continue  # a quiet day now and then
        for extra in range(1 + (n % 4 == 0)):
            moment = now - dt.timedelta(days=120 - n, hours=2 + 9 * extra)
            check_in = factories.CheckInFactory(
                client=client,
                occurred_at=moment,
                distress=2 + (n * 7 + extra) % 8,
                charge=-5 + (n * 3) % 11,
                mind_space=(n * 13) % 101,
                self_compassion=(n * 5) % 11,
                resistance=(n * 3) % 11,
            )
            for k in range(1 + n % 3):
                factories.CheckInEmotionFactory(
                    check_in=check_in, label=labels[(n + k) % 6], intensity=3 + (n + k) % 7
                )
            if extra == 0:
                factories.CompletionFactory(
                    assignment=assignments[n % 2],
                    completed_at=moment,
                    distress_before=5 + n % 4,
                    distress_after=2 + n % 4,
                )
    for weeks in range(17):
        factories.SessionFactory(
            client=client,
            starts_at=now - dt.timedelta(days=6 + 7 * weeks),
            status=Session.Status.COMPLETED,
        )
    return client


def test_no_chart_text_is_cut_off_or_on_another_at_1280_and_1024_px(
    actors, practice, busy_client, finding
):
    dana = actors(DESKTOP)
    dana.log_in(practice["therapist"].user.email)
    checked = {}
    for width in WIDTHS:
        dana.tab.set_viewport_size({"width": width, "height": 900})
        for window in ("since_last", "4w", "all"):
            dana.tab.goto(f"/clients/{busy_client.pk}/?window={window}")
            scroll_through_charts(dana.tab)
            dana.tab.wait_for_function(ALL_DRAWN)
            found = dana.tab.evaluate(TEXTS)
            where = f"{width} px, window {window}"
            assert found["outside"] == [], (where, found["outside"])
            assert found["overlapping"] == [], (where, found["overlapping"])
            assert found["dates"], where
            assert not [date for date in found["dates"] if ":" in date], (where, found["dates"])
            # a short window counts emotions per day, a long one per week
            per = "a day" if window == "since_last" else "a week"
            assert found["yTitles"]["figure-flow"] == f"times labelled {per}", where
            assert found["yTitles"]["figure-mind_space"] == "thoughts of their husband"
            ends = dana.tab.locator("[data-figure='figure-charge'] .yaxislayer-above")
            assert "anger or resentment −5" in ends.text_content(), where
            checked[(width, window)] = found["checked"]
    assert dana.console_errors == []
    assert all(count >= 60 for count in checked.values()), checked
    finding(
        "chart layout: no text outside its chart or on another; texts checked "
        + ", ".join(f"{n} at {width} px ({window})" for (width, window), n in checked.items())
    )
