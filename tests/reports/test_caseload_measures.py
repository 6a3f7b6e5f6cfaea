"""The caseload's measure reasons: a self-harm item above 0, reliable deterioration, a
measure overdue by more than a week, in words, in the triage order after open alerts."""

import datetime as dt

import pytest
from django.utils import timezone

from clients.models import Alert
from clients.safety.services import follow_up_record
from reports import caseload
from tests import factories

NOW = dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.UTC)  # a Thursday; 10:00 in Berlin


def days_ago(days: int, hours: int = 0) -> dt.datetime:
    return NOW - dt.timedelta(days=days, hours=hours)


def phq9(total: int, item_9: int = 0) -> dict:
    """PHQ-9 answers adding up to ``total``, item 9 as given (counted in the total)."""
    answers = factories.measure_answers("phq9", 0, item_9=item_9)
    left = total - item_9
    for code in "12345678":
        answers[code] = min(3, left)
        left -= answers[code]
    assert left == 0 and sum(answers.values()) == total
    return answers


def new_client(therapist, label: str, **extra):
    return factories.ClientFactory(
        primary_therapist=therapist, label=label, started_on=dt.date(2026, 9, 1), **extra
    )


def deteriorating(therapist, label="Deteriorating"):
    client = new_client(therapist, label)
    factories.measure_response(client, "phq9", answers=phq9(8), completed_at=days_ago(30))
    factories.measure_response(client, "phq9", answers=phq9(15), completed_at=days_ago(2))
    return client


def checked_in(client, distress=4):
    factories.CheckInFactory(client=client, occurred_at=days_ago(1), distress=distress)
    return client


def reasons_of(therapist) -> dict[str, list[str]]:
    return {row.client.label: row.reasons for row in caseload.caseload(therapist=therapist)}


@pytest.fixture
def at_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.mark.django_db
def test_reliable_deterioration_is_said_with_both_scores(therapist, other_therapist, at_now):
    deteriorating(therapist)
    deteriorating(other_therapist, "Not mine")
    steady = new_client(therapist, "Steady")
    factories.measure_response(steady, "phq9", answers=phq9(8), completed_at=days_ago(30))
    factories.measure_response(steady, "phq9", answers=phq9(13), completed_at=days_ago(2))
    found = reasons_of(therapist)
    assert found["Deteriorating"][0] == "PHQ-9: reliable deterioration (8 → 15)"
    assert not any("reliable" in reason for reason in found["Steady"]), "5 points: not reliable"
    assert "Not mine" not in found


@pytest.mark.django_db
def test_the_clinics_cut_off_decides_what_is_reliable(therapist, at_now):
    from clients.measures.models import ClinicInstrument

    deteriorating(therapist)
    ClinicInstrument.objects.create(clinic=therapist.clinic, instrument="phq9", reliable_change=8)
    assert not any("reliable" in r for r in reasons_of(therapist)["Deteriorating"])


@pytest.mark.django_db
def test_scores_before_the_episode_began_are_not_its_baseline(therapist, at_now):
    client = new_client(therapist, "Returning")
    factories.measure_response(
        client, "phq9", answers=phq9(3), completed_at=dt.datetime(2026, 8, 1, tzinfo=dt.UTC)
    )
    factories.measure_response(client, "phq9", answers=phq9(9), completed_at=days_ago(2))
    assert not any("reliable" in r for r in reasons_of(therapist)["Returning"])


@pytest.mark.django_db
def test_a_self_harm_item_is_the_open_alert_until_followed_up_then_its_own_reason(
    therapist, at_now
):
    client = checked_in(new_client(therapist, "Maya"))
    response = factories.measure_response(
        client, "phq9", answers=phq9(12, item_9=1), completed_at=days_ago(0, hours=1)
    )
    [row] = caseload.caseload(therapist=therapist)
    assert row.priority == caseload.OPEN_SAFETY
    assert row.reasons == ["Safety: PHQ-9 item 9 answered “Several days” (1) at 09:00 today"]

    follow_up_record(alert=response.alert, by=therapist.user, action="contacted")
    [row] = caseload.caseload(therapist=therapist)
    assert row.priority == caseload.SELF_HARM_ITEM
    assert row.reasons == [
        "Self-harm item answered above 0 on PHQ-9 (12 Nov)",
        "safety concern today, followed up",
    ]

    # A newer PHQ-9 with item 9 answered 0 is the client's latest word on it.
    factories.measure_response(client, "phq9", answers=phq9(10), completed_at=NOW)
    assert not any("Self-harm" in r for r in reasons_of(therapist)["Maya"])


@pytest.mark.django_db
def test_a_measure_overdue_by_more_than_a_week_is_named_with_the_day_it_fell_due(therapist, at_now):
    late = new_client(therapist, "Late")
    factories.MeasureScheduleFactory(
        client=late, instrument="gad7", cadence="once", starts_on=dt.date(2026, 11, 3)
    )
    just_due = new_client(therapist, "Just due")
    factories.MeasureScheduleFactory(
        client=just_due, instrument="gad7", cadence="once", starts_on=dt.date(2026, 11, 6)
    )
    found = reasons_of(therapist)
    assert "GAD-7 due since 3 Nov, not yet answered" in found["Late"]
    assert not any("overdue" in r for r in found["Just due"]), "due 6 days: not yet overdue"


@pytest.mark.django_db
def test_the_measure_reasons_come_after_open_alerts_in_the_triage_order(
    therapist, at_now, time_machine
):
    new_client(therapist, "A silent")
    overdue = checked_in(new_client(therapist, "B overdue"))
    factories.MeasureScheduleFactory(
        client=overdue, instrument="phq9", cadence="once", starts_on=dt.date(2026, 11, 1)
    )
    checked_in(new_client(therapist, "C high distress"), distress=9)
    checked_in(deteriorating(therapist, "D deteriorating"))
    self_harm = checked_in(new_client(therapist, "E self-harm"))
    time_machine.move_to(days_ago(20), tick=False)  # answered, and followed up, long ago
    answered = factories.measure_response(
        self_harm, "phq9", answers=phq9(6, item_9=2), completed_at=days_ago(20)
    )
    follow_up_record(alert=answered.alert, by=therapist.user, action="contacted")
    time_machine.move_to(NOW, tick=False)
    rising = checked_in(new_client(therapist, "F open alert"))
    factories.AlertFactory(client=rising, kind=Alert.Kind.DISTRESS_RISE)
    checked_in(new_client(therapist, "G nothing"))

    rows = caseload.caseload(therapist=therapist)
    assert [row.client.label for row in rows] == [
        "F open alert",
        "E self-harm",
        "D deteriorating",
        "C high distress",
        "B overdue",
        "A silent",
        "G nothing",
    ]
    by_label = {row.client.label: row for row in rows}
    assert by_label["E self-harm"].reasons == ["Self-harm item answered above 0 on PHQ-9 (23 Oct)"]
    assert by_label["B overdue"].reasons == ["PHQ-9 due since 1 Nov, not yet answered"]
    assert by_label["B overdue"].tier == by_label["A silent"].tier == 2
    assert by_label["G nothing"].reasons == []


@pytest.mark.django_db
def test_the_page_says_the_reasons(client, therapist, at_now):
    deteriorating(therapist)
    client.force_login(therapist.user)
    page = client.get("/").content.decode()
    assert "PHQ-9: reliable deterioration (8 → 15)" in page


@pytest.mark.django_db
@pytest.mark.parametrize("clients", [5, 200])
def test_caseload_queries_do_not_grow_with_clients_and_their_measures(
    client, therapist, django_assert_max_num_queries, clients
):
    now = timezone.now()
    for n in range(clients):
        record = factories.ClientFactory(
            primary_therapist=therapist, started_on=(now - dt.timedelta(days=60)).date()
        )
        factories.CheckInFactory(client=record)
        factories.MeasureScheduleFactory(
            client=record, instrument="gad7", cadence="weekly", starts_on=record.started_on
        )
        for weeks in (6, 1):
            factories.measure_response(
                record,
                "phq9",
                answers=phq9(8 + n % 10, item_9=n % 2),
                completed_at=now - dt.timedelta(weeks=weeks),
            )
    client.force_login(therapist.user)
    client.get("/")  # the first request refreshes the staff session
    # The caseload's 17 (tests/reports/test_pages.py), plus the episode responses, the
    # clinic's cut-offs, and what is due (schedules, last answers, sessions, cut-offs).
    with django_assert_max_num_queries(17 + 6):
        page = client.get("/").content.decode()
    assert page.count("priority-") == clients
    assert "GAD-7 due since" in page
