"""The EMDR section of the progress report: absent without targets, and with them the
disturbance and VoC per target, the client's log per week, and the links to work on them;
for the treating therapist only."""

import datetime as dt
import html
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from clients.emdr import services
from clients.emdr.models import Target
from clinic.models import Session
from tests import factories


@pytest.fixture
def logged_in(client, therapist):
    client.force_login(therapist.user)
    return client


@pytest.fixture
def record(client_record):
    """A client in treatment for twenty weeks."""
    client_record.started_on = timezone.localdate() - dt.timedelta(weeks=20)
    client_record.save(update_fields=["started_on"])
    return client_record


def days_ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def held(record, days: float) -> Session:
    return factories.SessionFactory(
        client=record, starts_at=days_ago(days), status=Session.Status.COMPLETED
    )


def worked(target, session, **numbers):
    return factories.ProcessingRecordFactory(target=target, session=session, **numbers)


def progress(logged_in, record, **params) -> str:
    response = logged_in.get(reverse("client-progress", args=[record.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def section(page: str) -> str:
    start = page.index('<section id="emdr"')
    return page[start : page.index("</section>", start)]


def chart(page: str, key: str) -> str:
    start = page.index(f'data-emdr="{key}"')
    return page[start : page.index("</details>", start)]


def figure(part: str, key: str) -> dict:
    text = part.split(f'id="figure-{key}">')[1].split("</script>")[0]
    return json.loads(text)


def rows(part: str) -> list[list[str]]:
    body = part.split("<tbody>")[1].split("</tbody>")[0]
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in row.split("<td>")[1:]]
        for row in body.split("<tr>")[1:]
    ]


def reading(part: str) -> str:
    return html.unescape(part.split('<p class="reading">')[1].split("</p>")[0])


def emdr_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "emdr_" in q["sql"]]


# --- absent ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_without_targets_nothing_is_shown_and_one_query_looks(logged_in, record):
    factories.TicesEntryFactory(client=record)  # a log without targets shows nothing either
    held(record, 3)
    with CaptureQueriesContext(connection) as queries:
        page = progress(logged_in, record)
    assert 'id="emdr"' not in page and "figure-emdr" not in page
    assert "Record EMDR processing" not in page
    looked = emdr_queries(queries.captured_queries)
    assert len(looked) == 1 and '"emdr_target"' in looked[0]


# --- the charts, readings and tables ----------------------------------------------------
@pytest.mark.django_db
def test_the_section_charts_reads_and_tabulates_each_target(logged_in, record):
    kitchen = factories.TargetFactory(client=record, label="The kitchen, age 9", plan_order=1)
    factories.TargetFactory(client=record, label="The bridge", plan_order=2)
    worked(kitchen, held(record, 15), sud_start=8, sud_end=5, voc_setup=2, voc_installed=4)
    worked(kitchen, held(record, 8), sud_start=6, sud_end=2, voc_setup=4, voc_installed=6)
    factories.TicesEntryFactory(client=record, occurred_at=days_ago(4), disturbance=7)
    page = progress(logged_in, record, window="all")
    part = section(page)
    sud = chart(part, "emdr-sud")
    assert reading(sud) == (
        "The kitchen, age 9: SUD fell from 8 at the start to 2 at the end, over its 2 "
        "sessions. No SUD recorded yet for The bridge."
    )
    # the table says what the reading and the chart say
    assert [row[1:] for row in rows(sud)] == [
        ["The kitchen, age 9", "—", "8", "5", "—"],
        ["The kitchen, age 9", "—", "6", "2", "—"],
    ]
    line = next(t for t in figure(sud, "emdr-sud")["data"] if t["name"] == "The kitchen, age 9")
    assert line["y"] == [5, 2]
    voc = chart(part, "emdr-voc")
    assert reading(voc) == (
        "The kitchen, age 9: VoC rose from 2 at set-up to 6 after installation, over its 2 "
        "sessions."
    )
    assert [row[2:4] for row in rows(voc)] == [["2", "4"], ["4", "6"]]
    # each chart is drawn lazily by charts.js from its figure, with words for screen readers
    for key in ("emdr-sud", "emdr-voc", "emdr-tices"):
        assert f'<div class="chart" data-figure="figure-{key}" role="img"' in part


@pytest.mark.django_db
def test_a_resolved_target_is_starred_read_and_dated_in_the_table(logged_in, therapist, record):
    kitchen = factories.TargetFactory(client=record, label="The kitchen, age 9")
    worked(kitchen, held(record, 9), sud_start=8, sud_end=3, voc_setup=2, voc_installed=5)
    worked(
        kitchen,
        held(record, 2),
        sud_start=3,
        sud_end=0,
        voc_setup=5,
        voc_installed=7,
        body_scan_clear=True,
    )
    services.target_status_set(target=kitchen, status="resolved", by=therapist.user)
    sud = chart(section(progress(logged_in, record)), "emdr-sud")
    today = timezone.localdate(timezone=ZoneInfo(record.clinic.time_zone))
    spans_years = (today - dt.timedelta(days=9)).year != today.year
    words = date_format(today, "j M Y" if spans_years else "j M")
    assert reading(sud) == (
        "The kitchen, age 9: SUD fell from 8 at the start to 0 at the end, over its 2 sessions. "
        f"Marked resolved on {words}."
    )
    star = next(t for t in figure(sud, "emdr-sud")["data"] if t["name"] == "Resolved")
    assert star["y"] == [0]
    assert rows(sud)[-1][-1].endswith(words) and rows(sud)[0][-1] == "—"


@pytest.mark.django_db
def test_the_therapists_labels_are_shown_as_written_never_as_markup(logged_in, record):
    target = factories.TargetFactory(client=record, label="<b>Mum & Dad</b>")
    worked(target, held(record, 2), sud_start=7, sud_end=4)
    page = progress(logged_in, record)
    assert "<b>Mum" not in page
    assert "&lt;b&gt;Mum &amp; Dad&lt;/b&gt;: SUD 7 at the start and 4 at the end, in its" in page
    # in the figure's JSON, as Plotly's labels show text: "&lt;b&gt;", escaped for the script
    assert "\\u0026lt;b\\u0026gt;Mum \\u0026amp; Dad" in page


# --- issue 16: legends, counts, days, reevaluations ------------------------------------
def clinic_day(record, days: int) -> dt.date:
    return timezone.localdate(timezone=ZoneInfo(record.clinic.time_zone)) - dt.timedelta(days=days)


def at_clinic(record, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(record.clinic.time_zone))


def held_at(record, moment: dt.datetime) -> Session:
    return factories.SessionFactory(
        client=record, starts_at=moment, status=Session.Status.COMPLETED
    )


def day_words(day: dt.date, today: dt.date, first: dt.date) -> str:
    return date_format(day, "j M Y" if first.year != today.year else "j M")


@pytest.mark.django_db
def test_the_readings_and_the_list_of_targets_count_the_same_sessions(logged_in, record):
    car = factories.TargetFactory(client=record, label="The car")
    # three sessions; the second set up no VoC
    worked(car, held(record, 15), sud_start=7, sud_end=5, voc_setup=3, voc_installed=None)
    worked(car, held(record, 8), sud_start=6, sud_end=4, voc_setup=None)
    worked(car, held(record, 1), sud_start=4, sud_end=2, voc_setup=5, voc_installed=6)
    part = section(progress(logged_in, record, window="all"))
    assert reading(chart(part, "emdr-voc")) == (
        "The car: VoC rose from 3 at set-up to 6 after installation, "
        "over the 2 of its 3 sessions with a VoC."
    )
    assert reading(chart(part, "emdr-sud")) == (
        "The car: SUD fell from 7 at the start to 2 at the end, over its 3 sessions."
    )
    assert "3 sessions, the latest" in part
    # the VoC table has a row for each of the 2
    assert [row[2:4] for row in rows(chart(part, "emdr-voc"))] == [["3", "—"], ["5", "6"]]


@pytest.mark.django_db
def test_a_target_with_only_a_set_up_voc_is_in_the_voc_legend(logged_in, record):
    kitchen = factories.TargetFactory(client=record, label="The kitchen", plan_order=1)
    car = factories.TargetFactory(client=record, label="The car", plan_order=2)
    session = held(record, 2)
    worked(kitchen, session, voc_setup=2, voc_installed=5)
    worked(car, session, voc_setup=3, voc_installed=None)
    voc = figure(chart(section(progress(logged_in, record)), "emdr-voc"), "emdr-voc")
    named = [t for t in voc["data"] if t.get("showlegend", True)]
    assert [t["name"] for t in named][:2] == ["The kitchen", "The car"]
    assert all(t["x"] for t in named)  # Plotly drops a legend entry without points
    assert named[1]["line"]["color"] == "#E69F00"  # the second target's colour


@pytest.mark.django_db
def test_a_session_is_charted_on_its_day_in_the_clinics_zone(logged_in, record):
    car = factories.TargetFactory(client=record, label="The car")
    # 00:30 in the clinic's zone (Berlin): the day before in UTC
    day = clinic_day(record, 10)
    worked(car, held_at(record, at_clinic(record, day, 0, 30)), sud_start=6, sud_end=3)
    sud = chart(section(progress(logged_in, record, window="all")), "emdr-sud")
    line = next(t for t in figure(sud, "emdr-sud")["data"] if t["name"] == "The car")
    x = dt.datetime.fromisoformat(line["x"][0])
    # on its day: at its start, or its middle where the axis ticks days
    assert x in (dt.datetime.combine(day, dt.time()), dt.datetime.combine(day, dt.time(12)))
    assert rows(sud)[0][0].endswith(", 00:30")  # the table dates it the same day


@pytest.mark.django_db
def test_a_reevaluation_is_charted_tabulated_and_read_after_resolution(
    logged_in, therapist, record
):
    kitchen = factories.TargetFactory(client=record, label="The kitchen, age 9")
    worked(kitchen, held(record, 20), sud_start=8, sud_end=3, voc_setup=2, voc_installed=5)
    worked(
        kitchen,
        held(record, 13),
        reevaluation_sud=4,
        sud_start=3,
        sud_end=0,
        voc_setup=5,
        voc_installed=7,
        body_scan_clear=True,
    )
    services.target_status_set(target=kitchen, status="resolved", by=therapist.user)
    # resolved the day after that session
    Target.objects.filter(pk=kitchen.pk).update(status_changed_at=days_ago(12))
    # checked again since: a reevaluation alone, still at 0
    checked = held(record, 2)
    worked(
        kitchen,
        checked,
        phases=[8],
        reevaluation_sud=0,
        sud_start=None,
        sud_end=None,
        voc_setup=None,
    )
    part = section(progress(logged_in, record, window="all"))
    sud = chart(part, "emdr-sud")
    zone = ZoneInfo(record.clinic.time_zone)
    today = timezone.localdate(timezone=zone)
    first = timezone.localtime(days_ago(20), zone).date()
    resolved = day_words(timezone.localtime(days_ago(12), zone).date(), today, first)
    rechecked = day_words(timezone.localtime(checked.starts_at, zone).date(), today, first)
    assert reading(sud) == (
        "The kitchen, age 9: SUD fell from 8 at the start to 0 at reevaluation, over its 3 "
        f"sessions. Marked resolved on {resolved}. Reevaluated on {rechecked}: SUD 0."
    )
    # a column of its own, before the start's
    assert '<th scope="col">SUD at reevaluation</th>' in sud
    assert [row[1:5] for row in rows(sud)] == [
        ["The kitchen, age 9", "—", "8", "3"],
        ["The kitchen, age 9", "4", "3", "0"],
        ["The kitchen, age 9", "0", "—", "—"],
    ]
    drawn = figure(sud, "emdr-sud")["data"]
    diamonds = next(t for t in drawn if t.get("marker", {}).get("symbol") == "diamond")
    assert diamonds["y"] == [4, 0] and diamonds["marker"]["color"] == "#0072B2"
    assert "At reevaluation" in [t["name"] for t in drawn if t.get("showlegend", True)]
    # the VoC chart has no row for the reevaluation; the list counts all three sessions
    assert len(rows(chart(part, "emdr-voc"))) == 2
    assert "3 sessions, the latest" in part


@pytest.mark.django_db
def test_only_held_sessions_records_are_charted(logged_in, record):
    car = factories.TargetFactory(client=record, label="The car")
    worked(car, held(record, 9), sud_start=8, sud_end=5)
    cancelled = factories.SessionFactory(
        client=record, starts_at=days_ago(2), status=Session.Status.CANCELLED
    )
    worked(car, cancelled, sud_start=5, sud_end=1)
    part = section(progress(logged_in, record, window="all"))
    sud = chart(part, "emdr-sud")
    assert reading(sud) == "The car: SUD 8 at the start and 5 at the end, in its one session."
    assert len(rows(sud)) == 1
    assert "1 session, the latest" in part


# --- the links --------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_section_links_to_each_target_and_to_the_windows_held_sessions(logged_in, record):
    kitchen = factories.TargetFactory(client=record, label="The kitchen, age 9")
    bridge = factories.TargetFactory(client=record, label="The bridge")
    earlier, latest = held(record, 9), held(record, 2)
    worked(kitchen, latest)
    part = section(progress(logged_in, record))  # since the last session: the latest only
    assert reverse("emdr-target-new", args=[record.pk]) in part
    for target in (kitchen, bridge):
        assert f'href="{reverse("emdr-target", args=[record.pk, target.pk])}"' in part
    assert reverse("emdr-session", args=[record.pk, latest.pk]) in part
    assert reverse("emdr-session", args=[record.pk, earlier.pk]) not in part
    assert "recorded: The kitchen, age 9" in part
    part = section(progress(logged_in, record, window="all"))
    assert reverse("emdr-session", args=[record.pk, earlier.pk]) in part


@pytest.mark.django_db
def test_after_discharge_the_section_shows_the_work_and_offers_none(logged_in, record):
    kitchen = factories.TargetFactory(client=record, label="The kitchen, age 9")
    session = held(record, 2)
    worked(kitchen, session)
    record.status, record.discharged_on = "discharged", timezone.localdate()
    record.save(update_fields=["status", "discharged_on"])
    part = section(progress(logged_in, record))
    assert "figure-emdr-sud" in part
    assert reverse("emdr-target-new", args=[record.pk]) not in part
    assert reverse("emdr-session", args=[record.pk, session.pk]) not in part


# --- the log ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_log_spans_at_least_twelve_weeks_or_the_longer_window(logged_in, record):
    factories.TargetFactory(client=record)
    held(record, 2)
    for days, disturbance in ((1, 8), (10, 2), (70, 5), (100, 9)):  # the last, 14 weeks ago
        factories.TicesEntryFactory(
            client=record, occurred_at=days_ago(days), disturbance=disturbance
        )
    tices = chart(section(progress(logged_in, record)), "emdr-tices")
    assert reading(tices).startswith("3 log entries in the ")
    assert ", 1 rated 7-10." in reading(tices)
    assert sum(int(row[-1]) for row in rows(tices)) == 3  # "All entries", week by week
    tices = chart(section(progress(logged_in, record, window="all")), "emdr-tices")
    assert reading(tices).startswith("4 log entries in the ")
    bands = {t["name"]: sum(t["y"]) for t in figure(tices, "emdr-tices")["data"]}
    assert bands == {"Disturbance 0-3": 1, "Disturbance 4-6": 1, "Disturbance 7-10": 2}


# --- who sees it ------------------------------------------------------------------------
@pytest.mark.django_db
def test_other_therapists_get_404(client, record, other_therapist, other_clinic_therapist):
    target = factories.TargetFactory(client=record)
    worked(target, held(record, 2))
    for someone in (other_therapist, other_clinic_therapist):
        client.force_login(someone.user)
        response = client.get(reverse("client-progress", args=[record.pk]))
        assert response.status_code == 404
        assert target.label not in response.content.decode()


# --- what it costs ----------------------------------------------------------------------
# 26 for the report without EMDR, and four for the section: the targets, the processing
# records with their sessions' starts, the log's ratings in the weeks shown, and the
# window's held sessions. The same for one target or twenty, for one session or forty.
PAGE_QUERIES = 26 + 4


@pytest.mark.django_db
@pytest.mark.parametrize("targets", [1, 20])
def test_the_page_costs_the_same_queries_for_one_target_or_twenty_over_forty_sessions(
    logged_in, record, django_assert_num_queries, targets
):
    made = [factories.TargetFactory(client=record) for _ in range(targets)]
    for n in range(40):
        session = held(record, 3 * (40 - n))
        # each session works one target, or two when there are many
        worked(made[n % targets], session, sud_start=8 - n % 8, sud_end=max(0, 6 - n % 8))
        if targets > 1:
            worked(made[(n + 1) % targets], session, sud_start=5, sud_end=3, voc_setup=3)
        factories.TicesEntryFactory(client=record, occurred_at=days_ago(3 * (40 - n) - 1))
    with django_assert_num_queries(PAGE_QUERIES):
        page = progress(logged_in, record, window="all")
    part = section(page)
    assert part.count(reverse("emdr-target", args=[record.pk, made[0].pk])) == 1
    assert len(rows(chart(part, "emdr-sud"))) == (40 if targets == 1 else 80)


@pytest.mark.django_db
def test_without_targets_the_sessions_card_offers_the_first_target(logged_in, record):
    page = progress(logged_in, record)
    assert reverse("emdr-target-new", args=[record.pk]) in page
