"""Weekly summaries put the right people first, each flag with its reason in words."""

import dataclasses
import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from reports import metrics as m
from reports import summaries, summary_batch
from reports.models import WeeklySummary
from tests import factories
from tests.reports.test_summaries import _figures

NOW = dt.datetime(2026, 3, 25, 10, 0, tzinfo=dt.UTC)  # a Wednesday
WEEK = dt.date(2026, 3, 16)  # the last finished week


# --- digest and flags: pure ----------------------------------------------------------
def test_digest_says_one_emotion_one_check_in_one_exercise():
    one = _figures(labels=1, check_ins=1, exercises_planned=1, exercises_done=1)
    assert summaries.digest(one, None) == (
        "Labelled 1 emotion across 1 check-in; distress averaged 4.8; "
        "completed 1 of 1 planned exercise."
    )
    three = _figures(labels=1, check_ins=3, exercises_planned=0)
    assert summaries.digest(three, None) == (
        "Labelled 1 emotion across 3 check-ins; distress averaged 4.8."
    )
    assert summaries.digest(_figures(labels=2, check_ins=3, exercises_planned=0), None) == (
        "Labelled 2 different emotions across 3 check-ins; distress averaged 4.8."
    )
    # safety answers sent without feelings: not "0 different emotions"
    none = _figures(labels=0, check_ins=1, exercises_planned=0)
    assert summaries.digest(none, _figures(labels=3)) == (
        "No emotions labelled across 1 check-in; distress held around 4.8 (4.8 last week)."
    )
    assert summaries.digest(_figures(check_ins=0, exercises_planned=1, exercises_done=0), None) == (
        "No check-ins this week; 0 of 1 planned exercise done."
    )


@pytest.mark.parametrize(
    ("before", "now", "clause"),
    [
        (8.3, 9.3, "distress rose from 8.3 to 9.3"),  # exactly one point: a rise
        (8.3, 9.2, "distress held around 9.2 (8.3 last week)"),
        (6.0, 4.8, "distress eased from 6 to 4.8"),
    ],
)
def test_digest_words_its_direction_by_the_shared_rule(before, now, clause):
    text = summaries.digest(_figures(distress_mean=now), _figures(distress_mean=before))
    assert clause in text


def test_week_over_week_rise_is_flagged_with_safety_first():
    now, before = _figures(distress_mean=9.33), _figures(distress_mean=8.33)
    assert summaries.flags_of(now, before, safety_alerts=1) == ["safety concern", "distress rose"]
    assert summaries.flags_of(_figures(distress_mean=9.2), _figures(distress_mean=8.3), 0) == []
    assert summaries.flags_of(_figures(distress_mean=9.3), None, 0) == []
    quiet = summaries.flags_of(_figures(check_ins=0, distress_mean=None), before, 0)
    assert quiet == ["no check-ins"]


@pytest.mark.parametrize(
    ("rows", "planned", "done"),
    [
        # Planned 1, 1, 1 in the progress report's table (1.4, 1.4, 1.2 asked for), Done 2,
        # 0, 0: "1 of 3", not round(1 + 0 + 0 of 4.0) = "1 of 4"
        ([(1.4, 2), (1.4, 0), (1.2, 0)], 3, 1),
        ([(5.2, 6)], 5, 5),  # Done 6 against Planned 5: 5 of the 5 planned
        ([(2.6, 2), (0.4, 1)], 3, 2),  # 2.6 -> 3 planned; 0.4 -> none planned, one done
    ],
)
def test_the_digest_counts_exercises_as_the_progress_reports_table(rows, planned, done):
    items = [
        m.Adherence(n, f"Exercise {n}", asked, count, min(count, asked) / asked)
        for n, (asked, count) in enumerate(rows)
    ]
    window = m.Window(WEEK, WEEK + dt.timedelta(days=6), (), (), ())
    summary = dataclasses.replace(m.summarize(window), adherence=items)
    week = summaries.figures_of(summary)
    assert (week["exercises_planned"], week["exercises_done"]) == (planned, done)
    assert planned == sum(item.planned for item in items)  # the table's Planned column
    assert f"completed {done} of {planned} planned exercise" in summaries.digest(
        {**_figures(), **week, "check_ins": 5, "labels": 2, "distress_mean": 4.8}, None
    )


def test_each_flag_has_its_reason_in_words():
    figures = {"week": _figures(distress_mean=9.33), "previous": _figures(distress_mean=8.33)}
    assert summaries.flag_reason("distress rose", figures) == (
        "Mean distress rose from 8.3 last week to 9.3 this week."
    )
    for flag in summaries.URGENCY:
        assert summaries.flag_reason(flag, figures)


# --- the page ------------------------------------------------------------------------
def _week_of_check_ins(client, monday: dt.date, distress: list[int], emotion=None, intensity=5):
    for n, value in enumerate(distress):
        moment = dt.datetime.combine(monday + dt.timedelta(days=n), dt.time(12), tzinfo=dt.UTC)
        check_in = factories.CheckInFactory(client=client, occurred_at=moment, distress=value)
        kwargs = {"label": emotion} if emotion else {}
        factories.CheckInEmotionFactory(check_in=check_in, intensity=intensity, **kwargs)


@pytest.fixture
def caseload(therapist):
    """Six clients, named so that the alphabet alone would put the one in danger last."""
    clients = {}
    for label in ("A calm", "B calm", "C stuck", "D silent", "E calm", "F calm", "G in danger"):
        clients[label] = factories.ClientFactory(
            primary_therapist=therapist, label=label, started_on=dt.date(2026, 3, 2)
        )
    for label in ("A calm", "B calm", "E calm", "F calm"):
        _week_of_check_ins(clients[label], WEEK - dt.timedelta(weeks=1), [5, 5, 5])
        _week_of_check_ins(clients[label], WEEK, [5, 4, 5])
    resentful = clients["C stuck"].clinic.emotion_labels.get(code="resentful")
    _week_of_check_ins(clients["C stuck"], WEEK - dt.timedelta(weeks=1), [6, 6, 6])
    _week_of_check_ins(clients["C stuck"], WEEK, [6, 6, 6, 6], resentful, 8)
    # 8, 8, 9 then 9, 9, 10: mean 8.3 -> 9.3, a rise of one point week over week
    _week_of_check_ins(clients["G in danger"], WEEK - dt.timedelta(weeks=1), [8, 8, 9])
    _week_of_check_ins(clients["G in danger"], WEEK, [9, 9, 10])
    for client in clients.values():
        summary_batch.summary_build(client_id=client.pk, week_start=WEEK)
    return clients


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_an_alert_open_now_puts_the_client_first_though_the_summary_was_built_before(
    client, therapist, caseload
):
    danger = caseload["G in danger"]
    stored = WeeklySummary.objects.get(client=danger)
    assert stored.flags == ["distress rose"]
    factories.AlertFactory(client=danger, created_at=timezone.now() - dt.timedelta(hours=2))
    client.force_login(therapist.user)
    page = client.get(reverse("summaries")).content.decode()
    order = [page.index(label) for label in ("G in danger", "C stuck", "D silent", "A calm")]
    assert order == sorted(order)
    first_card = page[page.index("G in danger") : page.index("C stuck")]
    assert "safety concern" in first_card and "distress rose" in first_card
    assert "A safety alert is open now." in first_card
    assert "Mean distress rose from 8.3 last week to 9.3 this week." in first_card
    assert "One heavy emotion, or strong resistance, kept repeating." in page
    assert "No check-ins this week." in page
    stored.refresh_from_db()
    assert stored.flags == ["distress rose"]  # reading the page changes no stored row


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_recent_acknowledged_safety_answer_still_comes_first_an_old_one_does_not(
    client, therapist, caseload
):
    calm = caseload["B calm"]
    factories.AlertFactory(
        client=calm,
        created_at=NOW - dt.timedelta(days=10),
        acknowledged_at=NOW - dt.timedelta(days=9),
        acknowledged_by=therapist.user,
    )
    older = caseload["E calm"]
    factories.AlertFactory(
        client=older,
        created_at=NOW - dt.timedelta(days=30),
        acknowledged_at=NOW - dt.timedelta(days=29),
        acknowledged_by=therapist.user,
    )
    client.force_login(therapist.user)
    page = client.get(reverse("summaries")).content.decode()
    assert page.index("B calm") < page.index("G in danger") < page.index("A calm")
    assert "A safety answer in the last 14 days." in page
    assert page.index("A calm") < page.index("E calm")  # thirty days ago: no longer flagged


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_building_a_week_flags_a_safety_answer_of_the_two_weeks_before_its_end(therapist):
    record = factories.ClientFactory(primary_therapist=therapist, started_on=dt.date(2026, 3, 2))
    _week_of_check_ins(record, WEEK, [5, 5, 5])
    factories.AlertFactory(
        client=record,
        created_at=dt.datetime(2026, 3, 12, 12, tzinfo=dt.UTC),  # the week before
        acknowledged_at=dt.datetime(2026, 3, 12, 13, tzinfo=dt.UTC),
        acknowledged_by=therapist.user,
    )
    first = summary_batch.summary_build(client_id=record.pk, week_start=WEEK)
    again = summary_batch.summary_build(client_id=record.pk, week_start=WEEK)
    assert first.flags == again.flags == ["safety concern"]
    assert first.needs_attention


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_open_alerts_add_no_queries_to_the_page(client, therapist, django_assert_max_num_queries):
    for _ in range(30):
        record = factories.ClientFactory(primary_therapist=therapist, started_on=WEEK)
        factories.AlertFactory(client=record)
        summary_batch.summary_build(client_id=record.pk, week_start=WEEK)
    client.force_login(therapist.user)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("summaries")).content.decode()
    assert page.count("A safety alert is open now.") == 30


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_another_therapists_alerts_change_nothing_on_my_page(
    client, therapist, other_therapist, caseload
):
    theirs = factories.ClientFactory(primary_therapist=other_therapist, label="Z theirs")
    factories.AlertFactory(client=theirs)
    client.force_login(therapist.user)
    page = client.get(reverse("summaries")).content.decode()
    assert "Z theirs" not in page and "A safety alert is open now." not in page
