"""The session-prep report's Measures part: each questionnaire since the last session
against the one before it, with its flags, and what is due before the next session."""

import datetime as dt
import html

import pytest
from django.urls import reverse

from clinic.models import Session
from reports.session_prep import prep_report
from tests import factories

NOW = dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.UTC)
ITEM_9 = "Thoughts that you would be better off dead or of hurting yourself in some way"


def days_ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def phq9(total: int, item_9: int = 0) -> dict:
    answers = factories.measure_answers("phq9", 0, item_9=item_9)
    left = total - item_9
    for code in "12345678":
        answers[code] = min(3, left)
        left -= answers[code]
    return answers


@pytest.fixture
def record(therapist, time_machine):
    time_machine.move_to(NOW, tick=False)
    client = factories.ClientFactory(primary_therapist=therapist, started_on=dt.date(2026, 9, 1))
    factories.SessionFactory(client=client, starts_at=days_ago(10), status=Session.Status.COMPLETED)
    factories.SessionFactory(client=client, starts_at=NOW + dt.timedelta(days=3))
    return client


def page_of(client, therapist, record) -> str:
    client.force_login(therapist.user)
    response = client.get(reverse("client-prep", args=[record.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_a_phq9_since_the_last_session_against_the_one_before(client, therapist, record):
    factories.measure_response(record, "phq9", answers=phq9(17), completed_at=days_ago(40))
    factories.measure_response(record, "phq9", answers=phq9(14), completed_at=days_ago(20))
    factories.measure_response(record, "phq9", answers=phq9(9), completed_at=days_ago(2))

    [since] = prep_report(client=record).measures.since
    assert (since.instrument.code, since.band, since.previous_band) == ("phq9", "mild", "moderate")
    [total] = since.scores
    assert (total.previous, total.value, total.change) == (14, 9, -5)
    assert since.flags == ["reliable recovery since the first score (17 → 9)"]
    assert [(a.item.code, a.answer, a.value) for a in since.safety_items] == [
        ("9", "Not at all", 0)
    ]

    page = page_of(client, therapist, record)
    assert "Reliable recovery since the first score (17 → 9)" in page
    assert f"Item 9, “{ITEM_9}”: answered “Not at all” (0)" in page
    assert "no risk" not in page.lower()


@pytest.mark.django_db
def test_the_self_harm_item_above_0_is_shown_as_answered_and_names_its_alert(
    client, therapist, record
):
    factories.measure_response(record, "phq9", answers=phq9(8), completed_at=days_ago(40))
    factories.measure_response(record, "phq9", answers=phq9(15, item_9=2), completed_at=days_ago(1))
    report = prep_report(client=record)
    assert report.measures.since[0].flags == [
        "reliable deterioration since the first score (8 → 15)"
    ]
    assert report.flags[0].startswith("Safety concern (PHQ-9 item 9) on ")
    assert "PHQ-9: reliable deterioration since the first score" in report.flags
    assert report.suggestions[1].rule == "A measure reliably worse than its first score"
    page = page_of(client, therapist, record)
    assert f"Item 9, “{ITEM_9}”: answered “More than half the days” (2)" in page


@pytest.mark.django_db
def test_pcl5_and_itq_show_their_parts_and_the_provisional_diagnosis(client, therapist, record):
    factories.measure_response(
        record, "pcl5", answers=factories.measure_answers("pcl5", 2), completed_at=days_ago(3)
    )
    factories.measure_response(
        record, "itq", answers=factories.measure_answers("itq", 2), completed_at=days_ago(3)
    )
    pcl5, itq = prep_report(client=record).measures.since
    assert [(line.label, line.value, line.charted) for line in pcl5.scores] == [
        ("Total", 40, True),
        ("Intrusions (B)", 10, False),
        ("Avoidance (C)", 4, False),
        ("Negative thoughts and mood (D)", 14, False),
        ("Arousal and reactivity (E)", 12, False),
    ]
    assert pcl5.diagnosis == "provisional PTSD (DSM-5)"
    assert pcl5.flags == ["first score of this episode of care"]
    assert [line.label for line in itq.scores] == [
        "PTSD symptoms",
        "Disturbances in self-organisation",
    ]
    assert itq.diagnosis == "provisional complex PTSD (ICD-11)"
    page = page_of(client, therapist, record)
    assert "Provisional PTSD (DSM-5)" in page and "Provisional complex PTSD (ICD-11)" in page


@pytest.mark.django_db
def test_a_diagnosis_not_met_is_said_so(record):
    factories.measure_response(
        record, "pcl5", answers=factories.measure_answers("pcl5", 1), completed_at=days_ago(3)
    )
    [pcl5] = prep_report(client=record).measures.since
    assert pcl5.diagnosis == "criteria for a provisional diagnosis not met"


@pytest.mark.django_db
def test_what_is_due_before_the_next_session(client, therapist, record):
    factories.MeasureScheduleFactory(client=record, instrument="gad7", cadence="before_session")
    factories.MeasureScheduleFactory(
        client=record, instrument="phq9", cadence="once", starts_on=dt.date(2026, 11, 1)
    )
    due = prep_report(client=record).measures.due
    assert [(each.instrument.code, each.overdue) for each in due] == [
        ("phq9", True),
        ("gad7", False),  # due from 48 hours before the session: not yet, but before it
    ]
    page = page_of(client, therapist, record)
    assert "Due before the next session" in page
    assert "PHQ-9, due since Sun 1 Nov" in page and "overdue by more than a week" in page
    assert "GAD-7, due from Fri 13 Nov, 10:00" in page  # 48 hours before the session


@pytest.mark.django_db
def test_due_since_is_the_day_in_the_clients_calendar(client, therapist, record):
    # Midnight of 1 Nov in Auckland is 31 Oct, 12:00, in the clinic's Berlin.
    record.time_zone = "Pacific/Auckland"
    record.save(update_fields=["time_zone"])
    factories.MeasureScheduleFactory(
        client=record, instrument="phq9", cadence="once", starts_on=dt.date(2026, 11, 1)
    )
    page = page_of(client, therapist, record)
    assert "PHQ-9, due since Sun 1 Nov" in page and "Sat 31 Oct" not in page


@pytest.mark.django_db
def test_nothing_since_the_last_session_says_so(client, therapist, record):
    factories.measure_response(record, "phq9", answers=phq9(9), completed_at=days_ago(20))
    assert prep_report(client=record).measures.since == []
    assert "No questionnaire completed since the last session." in page_of(
        client, therapist, record
    )


@pytest.mark.django_db
def test_other_therapists_get_404(client, record, other_therapist, other_clinic_therapist):
    factories.measure_response(record, "phq9", answers=phq9(9), completed_at=days_ago(2))
    for stranger in (other_therapist, other_clinic_therapist):
        client.force_login(stranger.user)
        assert client.get(reverse("client-prep", args=[record.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("responses", [1, 30])
def test_prep_queries_do_not_grow_with_responses(
    client, therapist, record, django_assert_max_num_queries, responses
):
    for n in range(responses):
        for code in ("phq9", "gad7"):
            factories.measure_response(
                record,
                code,
                answers=factories.measure_answers(code, n % 2),
                completed_at=days_ago(n % 15),
            )
    factories.MeasureScheduleFactory(client=record, instrument="gad7", cadence="weekly")
    client.force_login(therapist.user)
    client.get(reverse("client-prep", args=[record.pk]))
    # The prep report's 28 (tests/reports/test_pages.py), plus the episode's responses, the
    # clinic's cut-offs, and what is due (schedules, last answers, sessions, cut-offs).
    with django_assert_max_num_queries(28 + 6):
        assert client.get(reverse("client-prep", args=[record.pk])).status_code == 200
