"""Planning reminders: at the person's hour in their own zone, once per slot, never in
quiet hours, late only within the grace period, never for something already done."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from clients.reminders import planner
from clients.reminders.models import ClientReminderPlan, ClinicReminderSettings
from clients.reminders.tasks import reminders_plan
from clients.reminders.timing import local_moment
from clinic.outbox.models import OutboxMessage
from tests import factories

from .conftest import NO_QUIET

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return local_moment(day, time(hour, minute), BERLIN)


def rows(kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=f"reminder_{kind}").order_by("key"))


def runs(start: datetime, end: datetime, every=timedelta(minutes=5)):
    moment = start
    while moment <= end:
        yield moment
        moment += every


@pytest.fixture
def daily_client(client_record):
    """A Berlin client with a daily exercise since January."""
    factories.AssignmentFactory(client=client_record, starts_on=date(2026, 1, 1))
    return client_record


@pytest.mark.parametrize(
    ("night", "hour"),
    [
        (date(2026, 3, 29), 2),  # spring: 02:00-03:00 does not happen
        (date(2026, 3, 29), 9),
        (date(2026, 10, 25), 2),  # autumn: 02:00-03:00 happens twice
        (date(2026, 10, 25), 9),
    ],
)
def test_the_nights_the_clocks_move_send_each_daily_reminder_once(
    daily_client, choose, night, hour
):
    choose(daily_client.user, daily_hour=hour, **NO_QUIET)
    # Every ten minutes from the evening before to the evening after the night.
    start = datetime.combine(night - timedelta(days=1), time(22), tzinfo=UTC)
    for now in runs(start, start + timedelta(hours=48), every=timedelta(minutes=10)):
        planner.plan(now=now)
    slots = [row.key.rsplit(":", 1)[1] for row in rows("exercises")]
    assert slots == [night.isoformat(), (night + timedelta(days=1)).isoformat()]
    # 02:00 that night does not exist in spring: 03:00 it is (an hour after midnight UTC).
    expected = berlin(night, hour)
    assert rows("exercises")[0].created_at - expected < timedelta(minutes=10)


def test_the_reminder_comes_at_the_persons_hour_in_their_own_zone(daily_client, choose):
    daily_client.time_zone = "America/Los_Angeles"
    daily_client.save()
    choose(daily_client.user, daily_hour=9)
    day = date(2026, 12, 2)
    los_angeles_nine = local_moment(day, time(9), ZoneInfo("America/Los_Angeles"))
    assert planner.plan(now=los_angeles_nine - timedelta(minutes=5)) == []
    assert len(planner.plan(now=los_angeles_nine)) == 1
    assert planner.plan(now=los_angeles_nine + timedelta(minutes=5)) == []  # once


def test_nothing_is_planned_in_quiet_hours(daily_client, choose):
    choose(daily_client.user, daily_hour=7, quiet_from=time(21), quiet_until=time(8))
    day = date(2026, 12, 2)
    for now in runs(berlin(day, 6), berlin(day, 7, 55)):
        assert planner.plan(now=now) == []
    assert len(planner.plan(now=berlin(day, 8))) == 1


def test_a_moment_missed_is_sent_late_only_within_the_grace_period(daily_client, choose):
    choose(daily_client.user, daily_hour=9, **NO_QUIET)
    ClinicReminderSettings.objects.create(clinic=daily_client.clinic, grace_hours=3)
    assert len(planner.plan(now=berlin(date(2026, 12, 2), 11, 55))) == 1
    message = rows("exercises")[0]
    assert message.expires_at == berlin(date(2026, 12, 2), 12)
    assert planner.plan(now=berlin(date(2026, 12, 3), 12)) == []  # down past the grace


def test_late_sending_never_reaches_into_quiet_hours(daily_client, choose):
    choose(daily_client.user, daily_hour=20, quiet_from=time(21), quiet_until=time(8))
    day = date(2026, 12, 2)
    assert planner.plan(now=berlin(day, 21, 5)) == []
    assert planner.plan(now=berlin(day + timedelta(days=1), 8)) == []  # not the next morning
    assert len(planner.plan(now=berlin(day + timedelta(days=1), 20, 30))) == 1
    assert rows("exercises")[0].expires_at == berlin(day + timedelta(days=1), 21)


def test_a_client_done_for_the_day_gets_no_exercise_reminder(daily_client, choose):
    choose(daily_client.user, daily_hour=9, **NO_QUIET)
    day = date(2026, 12, 2)
    assignment = daily_client.assignments.get()
    factories.CompletionFactory(assignment=assignment, completed_at=berlin(day, 7))
    assert planner.plan(now=berlin(day, 9)) == []


def test_a_reminder_done_before_it_is_sent_is_not_sent(daily_client, choose):
    choose(daily_client.user, daily_hour=9, **NO_QUIET)
    day = date(2026, 12, 2)
    with time_machine.travel(berlin(day, 9), tick=False):
        [message_id] = planner.plan()
        assignment = daily_client.assignments.get()
        factories.CompletionFactory(assignment=assignment, completed_at=berlin(day, 9))
        from clinic.outbox import delivery

        assert delivery.send(message_id) is False
    message = OutboxMessage.objects.get(pk=message_id)
    assert (message.sent_at, message.drop_reason) == (None, "not_needed")
    assert mail.outbox == []


def test_planning_twice_sends_once(daily_client, choose):
    choose(daily_client.user, daily_hour=9, **NO_QUIET)
    with time_machine.travel(berlin(date(2026, 12, 2), 9, 1), tick=False):
        assert reminders_plan.delay().get() == 1
        assert reminders_plan.delay().get() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [daily_client.user.email]


def test_an_exercise_not_started_or_ended_is_not_reminded(client_record, choose):
    choose(client_record.user, daily_hour=9, **NO_QUIET)
    day = date(2026, 12, 2)
    factories.AssignmentFactory(client=client_record, starts_on=day + timedelta(days=1))
    factories.AssignmentFactory(
        client=client_record, starts_on=date(2026, 11, 1), ends_on=day - timedelta(days=1)
    )
    factories.AssignmentFactory(client=client_record, starts_on=date(2026, 11, 1), status="paused")
    assert planner.plan(now=berlin(day, 9)) == []


def test_a_client_not_in_active_treatment_gets_nothing(daily_client, choose):
    choose(daily_client.user, daily_hour=9, **NO_QUIET)
    daily_client.status = "paused"
    daily_client.save()
    assert planner.plan(now=berlin(date(2026, 12, 2), 9)) == []


def test_a_pause_holds_everything_until_it_ends(daily_client, choose):
    day = date(2026, 12, 2)
    choose(daily_client.user, daily_hour=9, paused_until=berlin(day, 10), **NO_QUIET)
    assert planner.plan(now=berlin(day, 9)) == []
    assert len(planner.plan(now=berlin(day + timedelta(days=1), 9))) == 1


def test_who_decides_a_kind(daily_client, choose):
    """The clinic's default, the therapist's change for the client, the client's own
    choice; a therapist's "off" is final."""
    day = date(2026, 12, 2)
    settings = ClinicReminderSettings.objects.create(
        clinic=daily_client.clinic, kinds_off=["exercises"], quiet_from=time(0), quiet_until=time(0)
    )
    assert planner.plan(now=berlin(day, 9)) == []
    plan = ClientReminderPlan.objects.create(client=daily_client, kinds={"exercises": True})
    assert len(planner.plan(now=berlin(day, 9))) == 1
    choose(daily_client.user, kinds={"exercises": False})
    assert planner.plan(now=berlin(day + timedelta(days=1), 9)) == []
    plan.kinds = {"exercises": False}
    plan.save()
    choose(daily_client.user, kinds={"exercises": True})
    assert planner.plan(now=berlin(day + timedelta(days=2), 9)) == []
    settings.kinds_off = []
    settings.save()
    planner.plan(now=berlin(day + timedelta(days=3), 9))
    assert len(rows("exercises")) == 1  # the first day's only: still the therapist's "off"


def test_a_check_in_nudge_comes_once_after_the_chosen_days_of_silence(client_record, choose):
    choose(client_record.user, daily_hour=9, kinds={"exercises": False}, **NO_QUIET)
    ClientReminderPlan.objects.create(client=client_record, silence_days=3)
    day = date(2026, 12, 2)
    factories.CheckInFactory(client=client_record, occurred_at=berlin(day, 18))
    for offset in (1, 2):
        assert planner.plan(now=berlin(day + timedelta(days=offset), 9)) == []
    assert len(planner.plan(now=berlin(day + timedelta(days=3), 9))) == 1
    assert planner.plan(now=berlin(day + timedelta(days=4), 9)) == []  # once per silence
    # Keyed by the day the silence began: fewer days chosen meanwhile send nothing more.
    ClientReminderPlan.objects.filter(client=client_record).update(silence_days=2)
    assert planner.plan(now=berlin(day + timedelta(days=5), 9)) == []
    assert [row.key.rsplit(":", 1)[1] for row in rows("check_in")] == ["2026-12-02"]


def test_a_nudge_whose_day_was_missed_comes_at_the_next_hour(client_record, choose):
    choose(client_record.user, daily_hour=9, kinds={"exercises": False}, **NO_QUIET)
    ClientReminderPlan.objects.create(client=client_record, silence_days=3)
    day = date(2026, 12, 2)
    factories.CheckInFactory(client=client_record, occurred_at=berlin(day, 18))
    # Nothing ran on the 5th (or the client was paused): the 6th's hour takes it.
    assert len(planner.plan(now=berlin(day + timedelta(days=4), 9))) == 1


def test_a_therapist_can_turn_the_nudge_off_for_one_client(client_record, choose):
    choose(client_record.user, daily_hour=9, **NO_QUIET)
    ClientReminderPlan.objects.create(client=client_record, silence_days=0)
    factories.CheckInFactory(client=client_record, occurred_at=berlin(date(2026, 11, 1), 18))
    for offset in range(10):
        planner.plan(now=berlin(date(2026, 11, 2) + timedelta(days=offset), 9))
    assert rows("check_in") == []


def test_an_appointment_is_reminded_24_hours_before_in_the_clients_zone(client_record, choose):
    choose(client_record.user, **NO_QUIET)
    starts_at = berlin(date(2026, 12, 3), 15)
    session = factories.SessionFactory(client=client_record, starts_at=starts_at, mode="virtual")
    assert planner.plan(now=starts_at - timedelta(hours=24, minutes=5)) == []
    with time_machine.travel(starts_at - timedelta(hours=24), tick=False):
        assert reminders_plan.delay().get() == 1
    [row] = rows("session")
    assert row.object_id == session.pk and row.expires_at <= starts_at
    [email] = mail.outbox
    body = email.body
    assert "Thursday 3 December at 15:00 (Europe/Berlin time)" in body
    assert "online" in body


def test_an_appointment_moved_is_reminded_for_its_new_time_only(client_record, choose):
    choose(client_record.user, **NO_QUIET)
    starts_at = berlin(date(2026, 12, 3), 15)
    session = factories.SessionFactory(client=client_record, starts_at=starts_at)
    [message_id] = planner.plan(now=starts_at - timedelta(hours=24))
    session.starts_at = starts_at + timedelta(hours=2)
    session.save()
    from clinic.outbox import delivery

    with time_machine.travel(starts_at - timedelta(hours=24), tick=False):
        assert delivery.send(message_id) is False  # the old time: not sent
    assert len(planner.plan(now=starts_at - timedelta(hours=22))) == 1


def test_measures_are_reminded_once_on_the_day_they_fall_due(client_record, choose):
    choose(client_record.user, daily_hour=9, kinds={"exercises": False}, **NO_QUIET)
    day = date(2026, 12, 2)
    factories.MeasureScheduleFactory(client=client_record, cadence="weekly", starts_on=day)
    assert len(planner.plan(now=berlin(day, 9))) == 1
    assert planner.plan(now=berlin(day + timedelta(days=1), 9)) == []
    assert [row.kind for row in OutboxMessage.objects.all()] == ["reminder_measures"]


def test_the_therapists_morning_count_is_sent_only_when_asked_for(therapist, client_record, choose):
    day = date(2026, 12, 2)
    assert planner.plan(now=berlin(day, 9)) == [] or not rows("morning")
    choose(therapist.user, daily_hour=8, kinds={"morning": True}, **NO_QUIET)
    with time_machine.travel(berlin(day, 8), tick=False):
        reminders_plan.delay().get()
    [email] = [e for e in mail.outbox if e.to == [therapist.user.email]]
    assert "may need your attention today" in email.body
    assert client_record.label not in email.body


def test_a_full_day_of_planning_runs_writes_each_reminder_once(daily_client, choose):
    choose(daily_client.user, daily_hour=9)
    factories.SessionFactory(client=daily_client, starts_at=berlin(date(2026, 12, 3), 11))
    day = date(2026, 12, 2)
    for now in runs(berlin(day, 0), berlin(day, 23, 55)):
        planner.plan(now=now)
    assert sorted(row.kind for row in OutboxMessage.objects.all()) == [
        "reminder_exercises",
        "reminder_session",
    ]


def test_planning_reads_as_many_times_for_twelve_clients_as_for_three(therapist, choose):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clients.reminders.timing import Window

    day = date(2026, 12, 2)

    def add_clients(count):
        for _ in range(count):
            client = factories.ClientFactory(primary_therapist=therapist)
            choose(client.user, daily_hour=9, **NO_QUIET)
            factories.AssignmentFactory(client=client, starts_on=date(2026, 11, 1))
            factories.CheckInFactory(client=client, occurred_at=berlin(day, 9) - timedelta(days=4))
            factories.MeasureScheduleFactory(client=client, cadence="weekly", starts_on=day)
            factories.SessionFactory(client=client, starts_at=berlin(day, 9) + timedelta(hours=24))

    def reads(day_):
        with CaptureQueriesContext(connection) as queries:
            planned = planner.due_in(Window.at(berlin(day_, 9)))
        return len(queries), len(planned)

    add_clients(3)
    few = reads(day)
    add_clients(9)
    many = reads(day)
    assert few[1] == 3 * 4 and many[1] == 12 * 4
    assert few[0] == many[0]
    # A run minutes after the first finds them owed; the exercises are not even read again.
    planner.plan(now=berlin(day, 9))
    with CaptureQueriesContext(connection) as queries:
        again = planner.due_in(Window.at(berlin(day, 9, 5)))
    assert again == []
    assert len(queries) < many[0]


def test_an_hour_inside_quiet_hours_is_the_next_mornings_reminder_about_that_day(
    daily_client, choose
):
    choose(daily_client.user, daily_hour=22, quiet_from=time(21), quiet_until=time(8))
    day = date(2026, 12, 2)
    for now in runs(berlin(day, 12), berlin(day + timedelta(days=2), 12), every=timedelta(hours=1)):
        planner.plan(now=now)
    sent = [(row.key.rsplit(":", 1)[1], row.created_at) for row in rows("exercises")]
    assert sent == [
        ("2026-12-03", berlin(day + timedelta(days=1), 8)),
        ("2026-12-04", berlin(day + timedelta(days=2), 8)),
    ]


def test_a_session_booked_less_than_a_day_ahead_is_reminded_when_booked(client_record, choose):
    choose(client_record.user, **NO_QUIET)
    day = date(2026, 12, 2)
    with time_machine.travel(berlin(day, 17), tick=False):
        factories.SessionFactory(client=client_record, starts_at=berlin(day + timedelta(days=1), 9))
    assert len(planner.plan(now=berlin(day, 17, 5))) == 1


def test_a_session_moved_earlier_is_reminded_of_its_new_time(client_record, choose):
    choose(client_record.user, **NO_QUIET)
    day = date(2026, 12, 2)
    session = factories.SessionFactory(
        client=client_record, starts_at=berlin(day, 15) + timedelta(days=1)
    )
    with time_machine.travel(berlin(day, 14), tick=False):
        session.starts_at = berlin(day + timedelta(days=1), 9)
        session.save()
    assert len(planner.plan(now=berlin(day, 14, 5))) == 1
    [row] = rows("session")
    assert row.key.endswith("-20261203T0800Z")


def test_a_pause_ending_inside_a_window_leaves_the_rest_of_it(client_record, choose):
    day = date(2026, 12, 2)
    choose(client_record.user, paused_until=berlin(day, 10), **NO_QUIET)
    factories.SessionFactory(client=client_record, starts_at=berlin(day + timedelta(days=1), 9, 30))
    assert planner.plan(now=berlin(day, 9, 45)) == []
    assert len(planner.plan(now=berlin(day, 10, 5))) == 1


def test_a_questionnaire_set_up_after_the_hour_is_reminded_at_the_next(client_record, choose):
    choose(client_record.user, daily_hour=9, kinds={"exercises": False}, **NO_QUIET)
    day = date(2026, 12, 2)
    with time_machine.travel(berlin(day, 14), tick=False):
        factories.MeasureScheduleFactory(client=client_record, cadence="once", starts_on=day)
    assert planner.plan(now=berlin(day, 14, 5)) == []
    assert len(planner.plan(now=berlin(day + timedelta(days=1), 9))) == 1
    assert planner.plan(now=berlin(day + timedelta(days=2), 9)) == []  # once while waiting


def test_a_reminder_the_mail_server_may_have_had_when_its_worker_died_is_not_sent_again(
    daily_client, choose
):
    """The other side of "never twice": a safety e-mail in the same doubt is sent again
    (tests/clinic/outbox), a reminder is dropped as perhaps sent."""
    from clinic.outbox import delivery

    choose(daily_client.user, daily_hour=9, **NO_QUIET)
    nine = berlin(date(2026, 12, 2), 9)
    [message_id] = planner.plan(now=nine)
    # A worker claimed it, handed it to the mail server and was killed before the answer.
    OutboxMessage.objects.filter(pk=message_id).update(
        attempts=1, handed_at=nine, lease_until=nine + timedelta(minutes=2)
    )
    with time_machine.travel(nine + timedelta(minutes=3), tick=False):
        assert delivery.send(message_id) is False
    message = OutboxMessage.objects.get(pk=message_id)
    assert (message.sent_at, message.drop_reason) == (None, "in_doubt")
    assert mail.outbox == []


def test_a_reminder_waiting_in_a_mornings_batch_is_not_late_for_half_an_hour(daily_client, choose):
    choose(daily_client.user, daily_hour=9, **NO_QUIET)
    nine = berlin(date(2026, 12, 2), 9)
    [message_id] = planner.plan(now=nine)
    message = OutboxMessage.objects.get(pk=message_id)
    assert not OutboxMessage.objects.late(now=nine + timedelta(minutes=29)).exists()
    assert not message.is_late(now=nine + timedelta(minutes=29))
    assert OutboxMessage.objects.late(now=nine + timedelta(minutes=31)).get() == message
    assert message.is_late(now=nine + timedelta(minutes=31))
