import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from clients.models import Client
from reports import summaries, summary_batch, weeks
from reports.models import TherapistDigest, WeeklySummary
from reports.tasks import summaries_plan
from tests import factories

BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 3, 25, 10, 0, tzinfo=dt.UTC)  # a Wednesday


def test_a_week_runs_monday_to_monday_in_the_clinics_zone_across_clock_changes():
    spring = weeks.bounds(dt.date(2026, 3, 23), BERLIN)  # clocks go forward on 29 March
    assert spring[0] == dt.datetime(2026, 3, 22, 23, 0, tzinfo=dt.UTC)
    assert spring[1] - spring[0] == dt.timedelta(hours=167)
    autumn = weeks.bounds(dt.date(2026, 10, 19), BERLIN)  # and back on 25 October
    assert autumn[1] - autumn[0] == dt.timedelta(hours=169)


def test_finished_weeks_reach_back_to_the_start_or_eight_weeks():
    recent = weeks.finished_weeks(now=NOW, zone=BERLIN, first_day=dt.date(2026, 3, 4), at_most=8)
    assert recent == [dt.date(2026, 3, 2), dt.date(2026, 3, 9), dt.date(2026, 3, 16)]
    old = weeks.finished_weeks(now=NOW, zone=BERLIN, first_day=dt.date(2025, 1, 1), at_most=8)
    assert len(old) == 8 and old[-1] == dt.date(2026, 3, 16)


def test_sunday_evening_in_berlin_is_still_the_old_week():
    sunday_night = dt.datetime(
        2026, 3, 22, 22, 30, tzinfo=dt.UTC
    )  # Monday 00:30 in Berlin? no: 23:30
    assert weeks.finished_weeks(
        now=sunday_night, zone=BERLIN, first_day=dt.date(2026, 3, 9), at_most=8
    ) == [dt.date(2026, 3, 9)]


def _figures(**overrides):
    values = {
        "check_ins": 5,
        "labels": 9,
        "distress_mean": 4.8,
        "stuck": False,
        "rising": False,
        "exercises_planned": 4,
        "exercises_done": 3,
    }
    values.update(overrides)
    return values


def test_digest_reads_as_the_brief_describes():
    before = _figures(labels=6, distress_mean=6.2)
    assert summaries.digest(_figures(), before) == (
        "Labelled 9 different emotions across 5 check-ins, more varied than last week; "
        "distress eased from 6.2 to 4.8; completed 3 of 4 planned exercises."
    )


def test_digest_of_a_quiet_week_and_of_a_first_week():
    assert summaries.digest(_figures(check_ins=0), None) == (
        "No check-ins this week; 3 of 4 planned exercises done."
    )
    first = summaries.digest(_figures(exercises_planned=0, stuck=True), None)
    assert first == (
        "Labelled 9 different emotions across 5 check-ins; distress averaged 4.8; "
        "one pattern kept repeating (see the progress report)."
    )


@pytest.fixture
def client_in_berlin(therapist):
    client = factories.ClientFactory(primary_therapist=therapist, started_on=dt.date(2026, 3, 4))
    for day, distress in [(3, 6), (5, 7), (10, 5), (12, 4), (17, 3)]:
        check_in = factories.CheckInFactory(
            client=client,
            occurred_at=dt.datetime(2026, 3, day, 18, 0, tzinfo=dt.UTC),
            distress=distress,
        )
        factories.CheckInEmotionFactory(check_in=check_in)
    return client


@pytest.mark.django_db
def test_building_a_week_twice_leaves_one_identical_row(client_in_berlin):
    first = summary_batch.summary_build(
        client_id=client_in_berlin.pk, week_start=dt.date(2026, 3, 9)
    )
    again = summary_batch.summary_build(
        client_id=client_in_berlin.pk, week_start=dt.date(2026, 3, 9)
    )
    assert WeeklySummary.objects.count() == 1
    assert (again.pk, again.figures, again.digest, again.generated_at) == (
        first.pk,
        first.figures,
        first.digest,
        first.generated_at,
    )
    assert first.figures["week"]["distress_mean"] == 4.5  # (5 + 4) / 2
    assert first.figures["previous"]["distress_mean"] == 6.5  # (6 + 7) / 2
    assert first.figures["change"]["distress_mean"] == -2.0
    assert "distress eased from 6.5 to 4.5" in first.digest


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_planner_picks_every_missing_finished_week_of_active_clients(client_in_berlin, therapist):
    factories.ClientFactory(
        primary_therapist=therapist, status=Client.Status.DISCHARGED, started_on=dt.date(2026, 3, 1)
    )
    summary_batch.summary_build(client_id=client_in_berlin.pk, week_start=dt.date(2026, 3, 9))
    missing = summaries.summaries_missing()
    assert [(m.client_id, m.week_start) for m in missing] == [
        (client_in_berlin.pk, dt.date(2026, 3, 2)),
        (client_in_berlin.pk, dt.date(2026, 3, 16)),
    ]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_planner_task_builds_each_week_once_then_has_nothing_to_do(
    client_in_berlin, django_capture_on_commit_callbacks
):
    assert summaries_plan.delay().get() == 3
    assert WeeklySummary.objects.filter(client=client_in_berlin).count() == 3
    assert summaries_plan.delay().get() == 0
    assert WeeklySummary.objects.count() == 3


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_digest_is_sent_once_with_counts_and_no_names(client_in_berlin, therapist):
    summaries_plan.delay().get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [therapist.user.email]
    assert client_in_berlin.label not in message.body
    assert "1 weekly summary for the week of 16 March 2026 is ready" in message.body
    assert TherapistDigest.objects.get().sent_at is not None
    summaries_plan.delay().get()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_summaries_pages_for_the_treating_therapist_only(
    client, client_in_berlin, therapist, other_therapist
):
    summaries_plan.delay().get()
    client.force_login(therapist.user)
    assert client_in_berlin.label in client.get(reverse("summaries")).content.decode()
    page = client.get(reverse("client-weekly-summaries", args=[client_in_berlin.pk]))
    assert page.status_code == 200 and page.content.decode().count("<h2>Week of") == 3
    client.force_login(other_therapist.user)
    assert client_in_berlin.label not in client.get(reverse("summaries")).content.decode()
    assert (
        client.get(reverse("client-weekly-summaries", args=[client_in_berlin.pk])).status_code
        == 404
    )


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_api_lists_a_clients_summaries_newest_first(client_in_berlin, therapist, as_user):
    summaries_plan.delay().get()
    body = as_user(therapist.user).get(f"/api/v1/clients/{client_in_berlin.pk}/summaries/").json()
    assert [row["week_start"] for row in body] == ["2026-03-16", "2026-03-09", "2026-03-02"]
    assert body[1]["figures"]["week"]["distress_mean"] == 4.5


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_operators_command_queues_what_is_missing(client_in_berlin):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("summaries_build", "--since", "2026-03-01", stdout=out)
    assert "3 client-weeks queued." in out.getvalue()
    assert WeeklySummary.objects.count() == 3  # eager in tests: queued means built


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_no_digest_while_a_clients_week_is_missing(client_in_berlin, therapist):
    second = factories.ClientFactory(primary_therapist=therapist, started_on=dt.date(2026, 3, 4))
    week = dt.date(2026, 3, 16)
    summary_batch.summary_build(client_id=client_in_berlin.pk, week_start=week)
    assert summaries.digests_due() == []
    summary_batch.summary_build(client_id=second.pk, week_start=week)
    assert summaries.digests_due() == [(therapist.pk, week)]
    owed = summaries.therapist_digest_owe(therapist_id=therapist.pk, week_start=week)
    assert owed is not None
    assert summaries.digests_due() == [], "owed once: the outbox sends it"
    assert summaries.therapist_digest_owe(therapist_id=therapist.pk, week_start=week) is None


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("clients", [2, 40])
def test_summaries_page_queries_do_not_grow_with_clients(
    client, therapist, django_assert_max_num_queries, clients
):
    for _ in range(clients):
        record = factories.ClientFactory(
            primary_therapist=therapist, started_on=dt.date(2026, 3, 9)
        )
        summary_batch.summary_build(client_id=record.pk, week_start=dt.date(2026, 3, 16))
    client.force_login(therapist.user)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("summaries")).content.decode()
    assert page.count('class="card summary') == clients


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("weeks_built", [1, 8])
def test_client_summaries_page_queries_do_not_grow_with_weeks(
    client, client_in_berlin, therapist, django_assert_max_num_queries, weeks_built
):
    for n in range(weeks_built):
        summary_batch.summary_build(
            client_id=client_in_berlin.pk, week_start=dt.date(2026, 3, 16) - dt.timedelta(weeks=n)
        )
    client.force_login(therapist.user)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("client-weekly-summaries", args=[client_in_berlin.pk]))
    assert page.content.decode().count("<h2>Week of") == weeks_built
