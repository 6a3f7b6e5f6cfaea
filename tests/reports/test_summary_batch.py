"""Summaries built a chunk at a time: the same rows as one week at a time, a fixed number
of queries whatever the chunk holds, one upsert that keeps the first build's time."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.measures import policies
from clients.models import Alert
from clients.safety.models import SAFETY_REMEMBERED_DAYS
from clinic.models import AuditEvent
from reports import metrics, summaries, summary_batch, weeks
from reports.models import WeeklySummary
from reports.selectors import windows_load
from reports.summary_measures import week_counts
from tests import factories

NOW = dt.datetime(2026, 3, 25, 10, 0, tzinfo=dt.UTC)  # a Wednesday
MONDAYS = [dt.date(2026, 2, 23), dt.date(2026, 3, 2), dt.date(2026, 3, 9), dt.date(2026, 3, 16)]
ONE_MICROSECOND = dt.timedelta(microseconds=1)


def busy_client(therapist, seed: int, zone: str = "Europe/Berlin"):
    """Five weeks of check-ins (some right on a week's edge in the clinic's zone), an
    exercise done now and then, a safety answer and two PHQ-9s."""
    rng = random.Random(seed)
    client = factories.ClientFactory(
        primary_therapist=therapist, started_on=dt.date(2026, 2, 16), time_zone=zone
    )
    berlin = ZoneInfo(therapist.clinic.time_zone)
    moments = [
        dt.datetime(2026, 2, 16, tzinfo=dt.UTC) + dt.timedelta(hours=rng.randrange(36 * 24))
        for _ in range(25)
    ]
    # The first moment of a week and the last moment of the week before.
    edge = dt.datetime.combine(dt.date(2026, 3, 9), dt.time.min, tzinfo=berlin)
    moments += [edge, edge - ONE_MICROSECOND]
    for at in moments:
        check_in = factories.CheckInFactory(
            client=client,
            occurred_at=at,
            distress=rng.randint(0, 10),
            charge=rng.randint(-5, 5),
            mind_space=rng.randint(0, 100),
            self_compassion=rng.randint(0, 10),
            resistance=rng.randint(0, 10),
        )
        factories.CheckInEmotionFactory(check_in=check_in, intensity=rng.randint(1, 10))
    assignment = factories.AssignmentFactory(
        client=client, starts_on=dt.date(2026, 2, 20), schedule="weekly", times_per_week=3
    )
    for day in rng.sample(range(20, 50), 8):
        factories.CompletionFactory(
            assignment=assignment,
            completed_at=dt.datetime(2026, 2, 1, 15, tzinfo=dt.UTC) + dt.timedelta(days=day),
        )
    alert = factories.AlertFactory(client=client)
    alert.created_at = dt.datetime(2026, 3, 11 + seed % 3, 9, tzinfo=dt.UTC)
    alert.save(update_fields=["created_at"])
    for day, value in [(3, 3), (17 + seed % 5, 0)]:
        answers = factories.measure_answers("phq9", value)
        completed_at = dt.datetime(2026, 3, day, 12, tzinfo=dt.UTC)
        factories.measure_response(client, "phq9", answers=answers, completed_at=completed_at)
    return client


def one_week_alone(client, monday: dt.date) -> dict:
    """A week's row as loading that week alone gives it: its own two windows, its own
    queries. What a chunk builds must not differ from this."""
    zone = ZoneInfo(client.clinic.time_zone)
    start, end = weeks.bounds(monday, zone)
    before_start, _ = weeks.bounds(monday - dt.timedelta(weeks=1), zone)
    now = windows_load(clients=[client], since=start, until=end - ONE_MICROSECOND)[client.pk]
    earlier = windows_load(clients=[client], since=before_start, until=start - ONE_MICROSECOND)
    responses = [
        r
        for r in client.measure_responses.order_by("completed_at", "id")
        if r.completed_at < end and r.completed_at.date() >= client.started_on
    ]
    safety = client.alerts.filter(
        kind=Alert.Kind.SAFETY_CONCERN,
        created_at__gte=end - dt.timedelta(days=SAFETY_REMEMBERED_DAYS),
        created_at__lt=end,
    ).count()
    return summaries.week_content(
        now=metrics.summarize(now),
        earlier=metrics.summarize(earlier[client.pk]),
        safety_alerts=safety,
        measures=week_counts(
            client=client,
            responses=responses,
            start=start,
            policy=policies.policies_for(client.clinic_id),
        ),
    )


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_chunk_builds_every_week_as_that_week_alone_would(therapist):
    people = [
        busy_client(therapist, 1),
        busy_client(therapist, 2, zone="America/Los_Angeles"),  # not the clinic's zone
        busy_client(therapist, 3, zone="Asia/Tokyo"),
    ]
    items = [(client.pk, monday) for client in people for monday in MONDAYS]
    random.Random(4).shuffle(items)  # the order of a chunk changes nothing

    assert summary_batch.summaries_build(items) == len(items)

    stored = {(row.client_id, row.week_start): row for row in WeeklySummary.objects.all()}
    assert set(stored) == set(items)
    for client in people:
        for monday in MONDAYS:
            expected = one_week_alone(client, monday)
            row = stored[client.pk, monday]
            got = {key: getattr(row, key) for key in expected}
            assert got == expected, (client.time_zone, monday)
    flagged = [row for row in stored.values() if summaries.SAFETY in row.flags]
    assert flagged, "the seeded safety answers show in some weeks"
    counted = [row for row in stored.values() if row.figures["measures"]["completed"]]
    assert counted, "the seeded PHQ-9s are counted in some weeks"


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_chunk_costs_the_same_queries_whatever_it_holds(therapist):
    small = [busy_client(therapist, 1)]
    large = [busy_client(therapist, seed) for seed in range(2, 8)]

    def queries(people, mondays):
        with CaptureQueriesContext(connection) as captured:
            summary_batch.summaries_build([(c.pk, m) for c in people for m in mondays])
        return len(captured)

    one = queries(small, MONDAYS[-1:])
    many = queries(large, MONDAYS)
    assert one == many
    # clients, 4 for the windows, alerts, responses, EMDR status changes and log entries,
    # cut-offs, the rows already built, the upsert, the audit events (and the
    # transaction's savepoint)
    assert many <= 15


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_chunk_built_again_keeps_its_rows_and_their_first_time(therapist):
    client = busy_client(therapist, 1)
    items = [(client.pk, monday) for monday in MONDAYS]
    summary_batch.summaries_build(items)
    first = {row.week_start: row for row in WeeklySummary.objects.all()}
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        summary_batch.summaries_build(items + items[:2])  # a retry, and a pair asked twice
    again = {row.week_start: row for row in WeeklySummary.objects.all()}
    assert WeeklySummary.objects.count() == len(MONDAYS)
    # The audit trail saw a creation, then an update, of each row, by the system.
    ids = sorted(row.pk for row in again.values())
    for action in ("create", "update"):
        events = AuditEvent.objects.filter(object_type="weeklysummary", action=action)
        assert sorted(pk for e in events for pk in e.object_ids) == ids
        assert {(e.actor_role, e.client_id) for e in events} == {("system", client.pk)}
    for monday, row in again.items():
        assert row.pk == first[monday].pk
        assert row.generated_at == first[monday].generated_at
        assert (row.figures, row.digest, row.flags) == (
            first[monday].figures,
            first[monday].digest,
            first[monday].flags,
        )


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_client_erased_since_planning_does_not_hold_back_the_chunk(therapist):
    kept, erased = busy_client(therapist, 1), busy_client(therapist, 2)
    items = [(kept.pk, MONDAYS[-1]), (erased.pk, MONDAYS[-1])]
    erased.delete()
    assert summary_batch.summaries_build(items) == 1
    assert list(WeeklySummary.objects.values_list("client_id", flat=True)) == [kept.pk]
    with pytest.raises(type(erased).DoesNotExist):
        summary_batch.summary_build(client_id=erased.pk, week_start=MONDAYS[-1])
