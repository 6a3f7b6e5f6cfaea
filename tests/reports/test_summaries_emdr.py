"""EMDR in the weekly summaries: targets resolved and TICES log entries of the week (with
the highest disturbance on the pages), read with the rest of a chunk in a fixed number of
queries; the digest e-mail never carries a disturbance or what a client wrote."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.emdr.models import TargetStatusChange
from reports import summary_batch, summary_emdr
from reports.models import WeeklySummary
from reports.tasks import summaries_plan
from tests import factories

NOW = dt.datetime(2026, 3, 25, 10, 0, tzinfo=dt.UTC)  # a Wednesday
WEEK = dt.date(2026, 3, 16)  # the last finished week
START = dt.datetime(2026, 3, 16, tzinfo=dt.UTC)
END = START + dt.timedelta(weeks=1)


def on(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=dt.UTC)


def resolve(target, at, status="resolved"):
    TargetStatusChange.objects.create(target=target, status=status, changed_at=at)


def in_emdr(therapist, label="In EMDR"):
    """Resolved one target in the week (another before it), logged three times in the week
    (up to 8/10) and once the week before and once after."""
    client = factories.ClientFactory(
        primary_therapist=therapist, label=label, started_on=dt.date(2026, 3, 1)
    )
    resolve(factories.TargetFactory(client=client), on(18))
    resolve(factories.TargetFactory(client=client), on(10))
    for day, disturbance in [(16, 5), (19, 8), (22, 3), (12, 10), (23, 9)]:
        factories.TicesEntryFactory(
            client=client, occurred_at=on(day), disturbance=disturbance, trigger="Secret words"
        )
    return client


# The counts, on plain data ---------------------------------------------------------------


def test_a_target_counts_when_its_last_change_of_the_week_resolved_it():
    changes = [
        (1, START + dt.timedelta(days=1), "resolved"),
        (2, START + dt.timedelta(days=2), "resolved"),
        (2, START + dt.timedelta(days=3), "in_progress"),  # opened again: not counted
        (3, START - dt.timedelta(days=1), "resolved"),  # the week before
        (4, START + dt.timedelta(days=1), "in_progress"),
        (4, START + dt.timedelta(days=4), "resolved"),
    ]
    entries = [(START, 4), (END - dt.timedelta(microseconds=1), 9), (END, 10)]
    counts = summary_emdr.week_counts(changes=changes, entries=entries, start=START, end=END)
    assert counts == {"targets_resolved": 2, "log_entries": 2, "log_highest": 9}
    none = summary_emdr.week_counts(changes=[], entries=[], start=START, end=END)
    assert none == summary_emdr.NONE


def test_the_counts_in_words():
    assert summary_emdr.sentence(None) == ""
    assert summary_emdr.sentence(summary_emdr.NONE) == ""
    assert summary_emdr.sentence({"targets_resolved": 1, "log_entries": 3, "log_highest": 8}) == (
        "1 EMDR target resolved; 3 TICES log entries, the highest disturbance 8/10."
    )
    assert summary_emdr.sentence({"targets_resolved": 0, "log_entries": 1, "log_highest": 4}) == (
        "1 TICES log entry, disturbance 4/10."
    )
    assert summary_emdr.sentence({"targets_resolved": 2}) == "2 EMDR targets resolved."


def test_the_email_sentence_adds_up_counts_and_never_a_disturbance():
    figures = [
        {"emdr": {"targets_resolved": 1, "log_entries": 3, "log_highest": 9}},
        {"emdr": {"targets_resolved": 0, "log_entries": 2, "log_highest": 7}},
        {"week": {}},  # built before EMDR was counted
    ]
    text = summary_emdr.email_sentence(figures)
    assert text == "EMDR across your clients: 1 target resolved; 5 TICES log entries."
    assert summary_emdr.email_sentence([{"emdr": summary_emdr.NONE}]) == ""


# Building weeks -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_week_counts_targets_resolved_and_log_entries(therapist):
    client = in_emdr(therapist)
    built = summary_batch.summary_build(client_id=client.pk, week_start=WEEK)
    assert built.figures["emdr"] == {"targets_resolved": 1, "log_entries": 3, "log_highest": 8}
    assert built.digest == (
        "No check-ins this week. "
        "1 EMDR target resolved; 3 TICES log entries, the highest disturbance 8/10."
    )
    assert "Secret words" not in str(built.figures) + built.digest

    quiet = factories.ClientFactory(primary_therapist=therapist, started_on=dt.date(2026, 3, 1))
    plain = summary_batch.summary_build(client_id=quiet.pk, week_start=WEEK)
    assert plain.figures["emdr"] == summary_emdr.NONE
    assert plain.digest == "No check-ins this week."


@pytest.mark.django_db
def test_building_the_week_again_gives_the_same_row(therapist):
    client = in_emdr(therapist)
    first = summary_batch.summary_build(client_id=client.pk, week_start=WEEK)
    # What happens after the week does not change it.
    resolve(factories.TargetFactory(client=client), on(24))
    factories.TicesEntryFactory(client=client, occurred_at=on(24), disturbance=10)
    again = summary_batch.summary_build(client_id=client.pk, week_start=WEEK)
    assert WeeklySummary.objects.count() == 1
    assert (again.figures, again.digest) == (first.figures, first.digest)


@pytest.mark.django_db
def test_a_chunk_counts_each_week_as_that_week_alone(therapist):
    people = [in_emdr(therapist, f"Client {n}") for n in range(3)]
    mondays = [dt.date(2026, 3, 9), WEEK]
    items = [(client.pk, monday) for client in people for monday in mondays]
    summary_batch.summaries_build(items)
    together = {(r.client_id, r.week_start): r.figures["emdr"] for r in WeeklySummary.objects.all()}
    WeeklySummary.objects.all().delete()
    for client_id, monday in items:
        alone = summary_batch.summary_build(client_id=client_id, week_start=monday)
        assert together[client_id, monday] == alone.figures["emdr"]
    assert together[people[0].pk, dt.date(2026, 3, 9)] == {
        "targets_resolved": 1,
        "log_entries": 1,
        "log_highest": 10,
    }


@pytest.mark.django_db
def test_a_chunk_reads_emdr_in_two_queries_whatever_it_holds(therapist):
    def queries(people, mondays) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            summary_batch.summaries_build([(c.pk, m) for c in people for m in mondays])
        emdr = [q for q in captured.captured_queries if '"emdr_' in q["sql"]]
        return len(captured), len(emdr)

    small = queries([in_emdr(therapist, "One")], [WEEK])
    large = queries(
        [in_emdr(therapist, f"Many {n}") for n in range(6)], [dt.date(2026, 3, 9), WEEK]
    )
    without = queries([factories.ClientFactory(primary_therapist=therapist)], [WEEK])
    assert small == large == without
    assert small[1] == 2


# Pages and e-mail ---------------------------------------------------------------------------


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_summaries_pages_say_the_counts_to_the_treating_therapist_only(
    client, therapist, other_therapist, other_clinic_therapist
):
    mine = in_emdr(therapist)
    summaries_plan.delay().get()
    words = "1 EMDR target resolved; 3 TICES log entries, the highest disturbance 8/10."
    client.force_login(therapist.user)
    assert words in client.get(reverse("summaries")).content.decode()
    own = client.get(reverse("client-weekly-summaries", args=[mine.pk])).content.decode()
    assert words in own
    assert "Secret words" not in own
    for stranger in (other_therapist, other_clinic_therapist):
        client.force_login(stranger.user)
        assert words not in client.get(reverse("summaries")).content.decode()
        url = reverse("client-weekly-summaries", args=[mine.pk])
        assert client.get(url).status_code == 404


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_digest_email_carries_no_disturbance_and_nothing_the_client_wrote(therapist):
    client = in_emdr(therapist)
    summaries_plan.delay().get()
    [message] = [m for m in mail.outbox if m.to == [therapist.user.email]]
    text = f"{message.subject}\n{message.body}"
    for word in ("Secret words", "disturbance", "/10", client.label):
        assert word not in text, word
    assert not re.search(r"\b8\b", text)
