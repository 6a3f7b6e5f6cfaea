import datetime as dt

from clients.schedule import due_next

WED = dt.date(2026, 3, 11)
MON = dt.date(2026, 3, 9)


def _due(**overrides):
    values = {
        "schedule": "daily",
        "times_per_week": None,
        "starts_on": MON,
        "ends_on": None,
        "active": True,
        "today": WED,
        "done_days": [],
        "done_ever": 0,
    }
    values.update(overrides)
    return due_next(**values)


def test_daily_is_due_today_until_done_then_tomorrow():
    assert _due() == WED
    assert _due(done_days=[WED], done_ever=1) == dt.date(2026, 3, 12)


def test_not_yet_started_is_due_on_its_first_day():
    assert _due(starts_on=dt.date(2026, 3, 20)) == dt.date(2026, 3, 20)


def test_once_is_due_until_done():
    assert _due(schedule="once") == WED
    assert _due(schedule="once", done_ever=1) is None


def test_three_a_week_is_due_until_three_are_done_this_week_then_next_monday():
    two_done = [MON, dt.date(2026, 3, 10)]
    assert _due(schedule="weekly", times_per_week=3, done_days=two_done) == WED
    # last week's completions do not count toward this week
    last_week = [dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)]
    assert _due(schedule="weekly", times_per_week=3, done_days=last_week) == WED
    three_done = [*two_done, WED]
    assert _due(schedule="weekly", times_per_week=3, done_days=three_done) == dt.date(2026, 3, 16)


def test_nothing_is_due_when_paused_or_past_its_end():
    assert _due(active=False) is None
    assert _due(ends_on=dt.date(2026, 3, 10)) is None
    # done today on its last day: nothing more
    assert _due(ends_on=WED, done_days=[WED], done_ever=1) is None
