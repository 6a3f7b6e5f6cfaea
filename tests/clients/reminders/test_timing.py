"""When a reminder may go out: pure rules, worked by hand."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from clients.reminders.timing import QuietHours, Window, local_moment, send_window

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
NIGHT = QuietHours(time(21), time(8))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_wall_time_the_spring_clock_skips_is_read_as_the_hour_after():
    # Berlin, 29 March 2026: 02:00 CET jumps to 03:00 CEST.
    assert local_moment(date(2026, 3, 29), time(2, 30), BERLIN) == utc(2026, 3, 29, 1, 30)
    # Los Angeles, 8 March 2026: 02:00 PST jumps to 03:00 PDT.
    assert local_moment(date(2026, 3, 8), time(2, 30), LOS_ANGELES) == utc(2026, 3, 8, 10, 30)


def test_a_wall_time_the_autumn_clock_repeats_is_its_first_occurrence():
    # Berlin, 25 October 2026: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice.
    assert local_moment(date(2026, 10, 25), time(2, 30), BERLIN) == utc(2026, 10, 25, 0, 30)


def test_quiet_hours_across_midnight():
    def at(hour, minute=0):
        return local_moment(date(2026, 12, 1), time(hour, minute), BERLIN)

    assert NIGHT.holds(at(21), BERLIN)
    assert NIGHT.holds(at(23, 59), BERLIN)
    assert NIGHT.holds(at(7, 59), BERLIN)
    assert not NIGHT.holds(at(8), BERLIN)
    assert not NIGHT.holds(at(20, 59), BERLIN)
    assert not QuietHours(time(0), time(0)).holds(at(3), BERLIN)


def test_quiet_hours_within_a_day():
    lunch = QuietHours(time(12), time(13))
    noon = local_moment(date(2026, 12, 1), time(12, 30), BERLIN)
    assert lunch.holds(noon, BERLIN)
    assert lunch.ends_after(noon, BERLIN) == local_moment(date(2026, 12, 1), time(13), BERLIN)


def test_a_moment_in_quiet_hours_waits_for_their_end():
    seven = local_moment(date(2026, 12, 1), time(7), BERLIN)
    opens, closes = send_window(seven, zone=BERLIN, quiet=NIGHT, grace=timedelta(hours=3))
    assert opens == local_moment(date(2026, 12, 1), time(8), BERLIN)
    assert closes == opens + timedelta(hours=3)


def test_late_sending_stops_where_the_next_quiet_hours_begin():
    evening = local_moment(date(2026, 12, 1), time(20), BERLIN)
    opens, closes = send_window(evening, zone=BERLIN, quiet=NIGHT, grace=timedelta(hours=3))
    assert (opens, closes) == (evening, local_moment(date(2026, 12, 1), time(21), BERLIN))


def test_late_sending_stops_when_what_it_is_about_begins():
    moment = utc(2026, 12, 1, 10)
    window = send_window(
        moment,
        zone=UTC_ZONE,
        quiet=NIGHT,
        grace=timedelta(hours=3),
        until=moment + timedelta(hours=1),
    )
    assert window == (moment, moment + timedelta(hours=1))
    assert (
        send_window(moment, zone=UTC_ZONE, quiet=NIGHT, grace=timedelta(hours=3), until=moment)
        is None
    )


UTC_ZONE = ZoneInfo("UTC")


def test_a_live_window_takes_what_is_open_now_and_a_preview_what_opens_ahead():
    now = utc(2026, 12, 1, 9)
    assert Window.at(now).takes(now - timedelta(hours=1), now + timedelta(hours=1))
    assert not Window.at(now).takes(now, now)  # closed as it opens
    assert not Window.at(now).takes(now + timedelta(minutes=1), now + timedelta(hours=1))
    ahead = Window(now, now + timedelta(hours=24))
    assert ahead.takes(now + timedelta(hours=3), now + timedelta(hours=6))
    assert not ahead.takes(now, now + timedelta(hours=6))  # open already: the live run's
