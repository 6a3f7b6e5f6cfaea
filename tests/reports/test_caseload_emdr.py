"""The caseload's EMDR reasons: the last session's processing ended incomplete, and a
TICES log entry at the clinic's calming level since the last session, in words, in the
triage below safety and above silence."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.emdr.models import EmdrSettings
from clients.models import Alert
from clinic.models import Session
from reports import caseload
from tests import factories

NOW = dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.UTC)  # a Thursday; 10:00 in Berlin
LAST = NOW - dt.timedelta(days=7)

AT_LEVEL = "with disturbance at or above the clinic's calming level"


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


@pytest.fixture
def at_now(time_machine):
    time_machine.move_to(NOW, tick=False)


def new_client(therapist, label, check_in=True, distress=3):
    client = factories.ClientFactory(primary_therapist=therapist, label=label)
    if check_in:
        factories.CheckInFactory(client=client, occurred_at=days_ago(1), distress=distress)
    return client


def held(client, at=LAST):
    return factories.SessionFactory(client=client, starts_at=at, status=Session.Status.COMPLETED)


def processed(client, session, *closures):
    for closure in closures:
        factories.ProcessingRecordFactory(
            target=factories.TargetFactory(client=client, status="in_progress"),
            session=session,
            closure=closure,
        )


def rows_of(therapist) -> dict:
    return {row.client.label: row for row in caseload.caseload(therapist=therapist)}


@pytest.mark.django_db
def test_an_incomplete_last_session_is_a_reason(therapist, at_now):
    incomplete = new_client(therapist, "Incomplete")
    processed(incomplete, held(incomplete), "complete", "incomplete")
    contained = new_client(therapist, "Contained")
    processed(contained, held(contained), "contained")
    seen_since = new_client(therapist, "Seen since")
    processed(seen_since, held(seen_since, days_ago(14)), "incomplete")
    held(seen_since)  # a session held since, without processing

    rows = rows_of(therapist)
    row = rows["Incomplete"]
    assert row.reasons == ["last session's EMDR processing ended incomplete (5 Nov)"]
    assert (row.priority, row.tier) == (caseload.EMDR_INCOMPLETE, 1)
    assert rows["Contained"].reasons == rows["Seen since"].reasons == []


@pytest.mark.django_db
def test_a_log_entry_at_the_calming_level_since_the_last_session_is_a_reason(therapist, at_now):
    hard = new_client(therapist, "Hard")
    held(hard)
    factories.TicesEntryFactory(client=hard, occurred_at=days_ago(2), disturbance=9)
    factories.TicesEntryFactory(client=hard, occurred_at=days_ago(10), disturbance=10)  # before
    mild = new_client(therapist, "Mild")
    held(mild)
    factories.TicesEntryFactory(client=mild, occurred_at=days_ago(2), disturbance=6)

    rows = rows_of(therapist)
    assert rows["Hard"].reasons == [
        "1 TICES entry since the last session " + AT_LEVEL + " (7/10), at 9/10 (10 Nov)"
    ]
    assert (rows["Hard"].priority, rows["Hard"].tier) == (caseload.TICES_HIGH, 1)
    assert rows["Mild"].reasons == []

    # The clinic's own level decides what is high; another clinic's level does not.
    EmdrSettings.objects.create(clinic=factories.ClinicFactory(), calming_at=3)
    assert rows_of(therapist)["Mild"].reasons == []
    EmdrSettings.objects.create(clinic=therapist.clinic, calming_at=6)
    factories.TicesEntryFactory(client=mild, occurred_at=days_ago(1), disturbance=7)
    assert rows_of(therapist)["Mild"].reasons == [
        "2 TICES entries since the last session " + AT_LEVEL + " (6/10), up to 7/10 (11 Nov)"
    ]


@pytest.mark.django_db
def test_without_a_session_the_log_is_read_over_four_weeks(therapist, at_now):
    new = new_client(therapist, "New")
    factories.TicesEntryFactory(client=new, occurred_at=days_ago(3), disturbance=8)
    factories.TicesEntryFactory(client=new, occurred_at=days_ago(40), disturbance=10)
    assert rows_of(therapist)["New"].reasons == [
        "1 TICES entry in the last 4 weeks " + AT_LEVEL + " (7/10), at 8/10 (9 Nov)"
    ]


@pytest.mark.django_db
def test_the_emdr_reasons_rank_below_safety_and_above_silence(therapist, at_now):
    new_client(therapist, "A silent", check_in=False)
    incomplete = new_client(therapist, "B incomplete")
    processed(incomplete, held(incomplete), "incomplete")
    hard = new_client(therapist, "C hard moment")
    held(hard)
    factories.TicesEntryFactory(client=hard, occurred_at=days_ago(1), disturbance=8)
    factories.AlertFactory(client=new_client(therapist, "D open alert"))
    new_client(therapist, "E high distress", distress=9)
    overdue = new_client(therapist, "F overdue")
    factories.MeasureScheduleFactory(
        client=overdue, instrument="phq9", cadence="once", starts_on=dt.date(2026, 11, 1)
    )
    new_client(therapist, "G nothing")
    both = new_client(therapist, "H incomplete and silent", check_in=False)
    processed(both, held(both), "incomplete")

    rows = caseload.caseload(therapist=therapist)
    assert [row.client.label for row in rows] == [
        "D open alert",
        "E high distress",
        "C hard moment",
        "B incomplete",
        "H incomplete and silent",
        "F overdue",
        "A silent",
        "G nothing",
    ]
    by_label = {row.client.label: row for row in rows}
    assert by_label["H incomplete and silent"].reasons == [
        "last session's EMDR processing ended incomplete (5 Nov)",
        "no check-ins yet",
    ]
    assert Alert.objects.count() == 1


@pytest.mark.django_db
def test_the_page_says_the_reasons_to_the_treating_therapist_only(
    client, therapist, other_therapist, other_clinic_therapist, at_now
):
    mine = new_client(therapist, "Mine")
    processed(mine, held(mine), "incomplete")
    factories.TicesEntryFactory(
        client=mine, occurred_at=days_ago(1), disturbance=9, trigger="Secret words"
    )
    client.force_login(therapist.user)
    page = client.get("/").content.decode()
    assert (
        "1 TICES entry since the last session " + AT_LEVEL + " (7/10), at 9/10 (11 Nov)"
    ) in page.replace("&#x27;", "'")
    assert "last session&#x27;s EMDR processing ended incomplete (5 Nov)" in page
    assert "Secret words" not in page  # what the client wrote stays on the prep report
    for stranger in (other_therapist, other_clinic_therapist):
        client.force_login(stranger.user)
        page = client.get("/").content.decode()
        assert "Mine" not in page and "TICES" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("clients", [5, 100])
def test_one_query_reads_the_emdr_reasons_of_every_client(client, therapist, clients, at_now):
    for n in range(clients):
        record = new_client(therapist, f"Client {n:03}")
        session = held(record)
        processed(record, session, "incomplete", "complete")
        for days in (1, 2, 3):
            factories.TicesEntryFactory(client=record, occurred_at=days_ago(days), disturbance=8)
    client.force_login(therapist.user)
    client.get("/")  # the first request refreshes the staff session
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/").content.decode()
    emdr = [q for q in captured.captured_queries if '"emdr_' in q["sql"]]
    assert len(emdr) == 1
    assert len(captured) <= 17  # the caseload's 16 without EMDR, plus that one
    assert page.count("EMDR processing ended incomplete") == clients
    assert page.count("3 TICES entries since the last session") == clients


@pytest.mark.parametrize("since_session", [True, False])
def test_both_forms_say_how_many_for_languages_that_use_the_singular_for_21(
    monkeypatch, since_session
):
    from reports import caseload_emdr

    # A language whose first form is also used for 21, 31...: only the count tells.
    monkeypatch.setattr(caseload_emdr, "ngettext", lambda singular, plural, n: singular)
    signals = caseload_emdr.EmdrSignals(
        last_session_at=LAST if since_session else None,
        hard_count=21,
        hardest=9,
        hardest_at=days_ago(1),
    )
    [text] = caseload_emdr.reasons(signals, zone=dt.UTC)["hard_moment"]
    assert text.startswith("21 TICES entry")
