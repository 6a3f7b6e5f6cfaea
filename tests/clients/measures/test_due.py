"""When a scheduled measure is due: slots in the client's own days, sessions 48 hours ahead."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from clients.measures.models import ClinicInstrument
from clients.measures.selectors import due_by_client, due_for
from tests import factories

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = dt.date(2026, 11, 2)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BERLIN)


def due_codes(client, now):
    return [(each.instrument.code, each.since, each.overdue) for each in due_for(client, now)]


@pytest.fixture
def fortnightly(client_record):
    client_record.started_on = MONDAY
    client_record.save()
    return factories.MeasureScheduleFactory(
        client=client_record, instrument="phq9", cadence="every_2_weeks", starts_on=MONDAY
    )


def test_due_from_the_start_day_until_answered(fortnightly, client_record):
    assert due_codes(client_record, at(MONDAY - dt.timedelta(days=1))) == []
    assert due_codes(client_record, at(MONDAY)) == [("phq9", at(MONDAY, 0), False)]
    factories.measure_response(client_record, completed_at=at(MONDAY, 18))
    assert due_codes(client_record, at(MONDAY + dt.timedelta(days=13))) == []
    second_slot = MONDAY + dt.timedelta(days=14)
    assert due_codes(client_record, at(second_slot)) == [("phq9", at(second_slot, 0), False)]


def test_a_missed_slot_stays_due_and_grows_overdue_after_a_week(fortnightly, client_record):
    assert due_codes(client_record, at(MONDAY + dt.timedelta(days=7), 0))[0][2] is False
    late = due_codes(client_record, at(MONDAY + dt.timedelta(days=7), 1))
    assert late == [("phq9", at(MONDAY, 0), True)]
    # Still the first slot in the third week: the since date does not jump ahead.
    assert due_codes(client_record, at(MONDAY + dt.timedelta(days=20)))[0][1] == at(MONDAY, 0)


def test_the_next_one_is_a_full_period_after_a_late_answer(fortnightly, client_record):
    factories.measure_response(client_record, completed_at=at(MONDAY + dt.timedelta(days=15)))
    # Not asked again on day 28, hours or days after answering: two weeks after the answer.
    assert due_codes(client_record, at(MONDAY + dt.timedelta(days=28))) == []
    assert due_codes(client_record, at(MONDAY + dt.timedelta(days=29)))[0][1] == at(
        MONDAY + dt.timedelta(days=29), 0
    )


def test_the_day_is_the_clients_own(fortnightly, client_record):
    # 23:30 UTC on Sunday is already Monday in Berlin.
    sunday_night_utc = dt.datetime(2026, 11, 1, 23, 30, tzinfo=dt.UTC)
    assert due_codes(client_record, sunday_night_utc)[0][0] == "phq9"


def test_nothing_is_due_after_the_stop_date_or_when_the_clinic_turned_it_off(
    fortnightly, client_record
):
    fortnightly.ends_on = MONDAY + dt.timedelta(days=10)
    fortnightly.save()
    assert due_codes(client_record, at(MONDAY + dt.timedelta(days=11))) == []
    fortnightly.ends_on = None
    fortnightly.save()
    ClinicInstrument.objects.create(clinic=client_record.clinic, instrument="phq9", enabled=False)
    assert due_codes(client_record, at(MONDAY)) == []


def test_once_is_due_until_answered_after_its_start(client_record):
    factories.MeasureScheduleFactory(
        client=client_record, instrument="pcl5", cadence="once", starts_on=MONDAY
    )
    factories.measure_response(
        client_record, "pcl5", completed_at=at(MONDAY - dt.timedelta(days=3))
    )
    assert due_codes(client_record, at(MONDAY + dt.timedelta(days=40)))[0][:2] == (
        "pcl5",
        at(MONDAY, 0),
    )
    factories.measure_response(
        client_record, "pcl5", completed_at=at(MONDAY + dt.timedelta(days=40))
    )
    assert due_codes(client_record, at(MONDAY + dt.timedelta(days=41))) == []


def test_before_every_session_opens_48_hours_ahead_and_closes_at_the_start(client_record):
    factories.MeasureScheduleFactory(
        client=client_record, instrument="gad7", cadence="before_session", starts_on=MONDAY
    )
    session_at = at(MONDAY + dt.timedelta(days=5), 10)
    factories.SessionFactory(client=client_record, starts_at=session_at)
    opens = session_at - dt.timedelta(hours=48)
    assert due_codes(client_record, opens - dt.timedelta(minutes=1)) == []
    assert due_codes(client_record, opens) == [("gad7", opens, False)]
    assert due_codes(client_record, session_at) == []  # the session has begun
    factories.measure_response(client_record, "gad7", completed_at=opens + dt.timedelta(hours=1))
    assert due_codes(client_record, opens + dt.timedelta(hours=2)) == []


def test_a_discharged_client_has_nothing_due(fortnightly, client_record):
    client_record.status = "discharged"
    client_record.discharged_on = MONDAY
    client_record.save()
    assert due_codes(client_record, at(MONDAY + dt.timedelta(days=3))) == []


@pytest.mark.django_db
def test_due_for_many_clients_takes_a_fixed_number_of_queries(django_assert_num_queries):
    clients = []
    for _n in range(6):
        client = factories.ClientFactory(started_on=MONDAY)
        factories.MeasureScheduleFactory(client=client, starts_on=MONDAY)
        factories.measure_response(client, completed_at=at(MONDAY, 13))
        factories.SessionFactory(client=client, starts_at=at(MONDAY + dt.timedelta(days=30)))
        clients.append(client)
    clinics = len({client.clinic_id for client in clients})
    with (
        time_machine.travel(at(MONDAY + dt.timedelta(days=15)), tick=False),
        django_assert_num_queries(3 + clinics),
    ):
        due = due_by_client(clients)
    assert all(len(due[client.pk]) == 1 for client in clients)
