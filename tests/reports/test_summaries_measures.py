"""Outcome measures in the weekly summaries and the therapist's digest: counts of what was
completed and of reliable changes, never a score or an instrument in an e-mail."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import summaries, summary_batch
from reports.models import WeeklySummary
from reports.summary_measures import measures_sentence
from reports.tasks import summaries_plan
from tests import factories

NOW = dt.datetime(2026, 3, 25, 10, 0, tzinfo=dt.UTC)  # a Wednesday
WEEK = dt.date(2026, 3, 16)  # the last finished week
# Every score below; none may reach an e-mail.
SCORES = (21, 11, 5, 14, 47)


def on(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=dt.UTC)


def phq9(total: int) -> dict:
    answers = factories.measure_answers("phq9", 0)
    left = total
    for code in "12345678":
        answers[code] = min(3, left)
        left -= answers[code]
    return answers


def gad7(total: int) -> dict:
    answers = factories.measure_answers("gad7", 0)
    left = total
    for code in "1234567":
        answers[code] = min(3, left)
        left -= answers[code]
    return answers


def pcl5_47() -> dict:
    return factories.measure_answers("pcl5", 2, **{f"item_{n}": 3 for n in range(1, 8)})


def new_client(therapist, label):
    return factories.ClientFactory(
        primary_therapist=therapist, label=label, started_on=dt.date(2026, 3, 1)
    )


@pytest.fixture
def improving(therapist):
    """PHQ-9 21 → 11 (reliable improvement), and a first PCL-5 in the week."""
    client = new_client(therapist, "Improving")
    factories.measure_response(client, "phq9", answers=phq9(21), completed_at=on(3))
    factories.measure_response(client, "phq9", answers=phq9(11), completed_at=on(17))
    factories.measure_response(client, "pcl5", answers=pcl5_47(), completed_at=on(19))
    return client


@pytest.fixture
def worsening(therapist):
    """GAD-7 5 → 14 (reliable deterioration)."""
    client = new_client(therapist, "Worsening")
    factories.measure_response(client, "gad7", answers=gad7(5), completed_at=on(3))
    factories.measure_response(client, "gad7", answers=gad7(14), completed_at=on(18))
    return client


def test_the_counts_in_words():
    assert measures_sentence(None) == ""
    assert measures_sentence({"completed": 0}) == ""
    assert measures_sentence(
        {"completed": 2, "reliable_improvement": 1, "reliable_deterioration": 0}
    ) == ("2 measures completed; 1 reliable improvement.")
    assert measures_sentence(
        {"completed": 1, "reliable_improvement": 0, "reliable_deterioration": 2}
    ) == ("1 measure completed; 2 reliable deteriorations.")


@pytest.mark.django_db
def test_a_week_counts_what_was_completed_and_what_changed(improving, worsening):
    built = summary_batch.summary_build(client_id=improving.pk, week_start=WEEK)
    assert built.figures["measures"] == {
        "completed": 2,
        "reliable_improvement": 1,
        "reliable_deterioration": 0,
    }
    assert built.digest == "No check-ins this week. 2 measures completed; 1 reliable improvement."
    assert built.flags == [summaries.NO_CHECK_INS]

    worse = summary_batch.summary_build(client_id=worsening.pk, week_start=WEEK)
    assert worse.figures["measures"]["reliable_deterioration"] == 1
    assert worse.flags == [summaries.RELIABLE_DETERIORATION, summaries.NO_CHECK_INS]
    assert worse.needs_attention
    assert summaries.flag_reason(summaries.RELIABLE_DETERIORATION, worse.figures) == (
        "1 measure answered this week is reliably worse than its first score."
    )

    quiet = summary_batch.summary_build(client_id=worsening.pk, week_start=dt.date(2026, 3, 9))
    assert quiet.figures["measures"]["completed"] == 0
    assert "measure" not in quiet.digest


@pytest.mark.django_db
def test_building_the_week_again_gives_the_same_counts(improving):
    first = summary_batch.summary_build(client_id=improving.pk, week_start=WEEK)
    # A response after the week does not change the week.
    factories.measure_response(improving, "phq9", answers=phq9(27), completed_at=on(24))
    again = summary_batch.summary_build(client_id=improving.pk, week_start=WEEK)
    assert WeeklySummary.objects.count() == 1
    assert (again.figures, again.digest, again.generated_at) == (
        first.figures,
        first.digest,
        first.generated_at,
    )


@pytest.mark.django_db
def test_paired_measures_an_improvement_beside_a_deterioration_is_not_counted(therapist):
    client = new_client(therapist, "Both")
    factories.measure_response(client, "phq9", answers=phq9(21), completed_at=on(3))
    factories.measure_response(client, "gad7", answers=gad7(5), completed_at=on(3))
    factories.measure_response(client, "phq9", answers=phq9(11), completed_at=on(17))
    factories.measure_response(client, "gad7", answers=gad7(14), completed_at=on(17))
    built = summary_batch.summary_build(client_id=client.pk, week_start=WEEK)
    assert built.figures["measures"] == {
        "completed": 2,
        "reliable_improvement": 0,
        "reliable_deterioration": 1,
    }


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_digest_email_counts_measures_and_names_no_score_or_instrument(
    improving, worsening, therapist, other_therapist
):
    theirs = new_client(other_therapist, "Someone else's")
    factories.measure_response(theirs, "gad7", answers=gad7(5), completed_at=on(17))
    summaries_plan.delay().get()

    [mine] = [m for m in mail.outbox if m.to == [therapist.user.email]]
    assert (
        "Across your clients: 3 measures completed; 1 reliable improvement; "
        "1 reliable deterioration."
    ) in mine.body
    text = f"{mine.subject}\n{mine.body}"
    for word in ("PHQ", "GAD", "PCL", "ITQ", "score", "mild", "moderate", "severe", "→"):
        assert word.lower() not in text.lower(), word
    for score in SCORES:
        assert not re.search(rf"\b{score}\b", text), score
    for label in ("Improving", "Worsening"):
        assert label not in text

    [theirs_mail] = [m for m in mail.outbox if m.to == [other_therapist.user.email]]
    assert "Across your clients: 1 measure completed." in theirs_mail.body


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_digest_without_measures_says_nothing_about_them(therapist):
    new_client(therapist, "No measures")
    summaries_plan.delay().get()
    [message] = mail.outbox
    assert "measure" not in message.body


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_summaries_page_puts_a_deterioration_after_safety_and_says_why(
    client, therapist, improving, worsening
):
    summaries_plan.delay().get()
    client.force_login(therapist.user)
    page = client.get(reverse("summaries")).content.decode()
    assert page.index("Worsening") < page.index("Improving")
    assert "1 measure answered this week is reliably worse than its first score." in page
    assert "2 measures completed; 1 reliable improvement." in page


@pytest.mark.django_db
@pytest.mark.parametrize("responses", [1, 20])
def test_building_a_week_reads_a_fixed_number_of_queries(therapist, responses):
    client = new_client(therapist, "Many")
    for n in range(responses):
        factories.measure_response(
            client, "phq9", answers=phq9(n % 20), completed_at=on(16 + n % 6)
        )
    with CaptureQueriesContext(connection) as queries:
        summary_batch.summary_build(client_id=client.pk, week_start=WEEK)
    # Without measures a week costs what it did, plus the one query for the responses;
    # a week with responses one more, for the clinic's cut-offs.
    without = new_client(therapist, "None")
    with CaptureQueriesContext(connection) as baseline:
        summary_batch.summary_build(client_id=without.pk, week_start=WEEK)
    assert len(queries) == len(baseline) + 1
