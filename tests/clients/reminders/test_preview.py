"""The operator's preview: what goes out in the next hours, and nothing sent."""

from datetime import date, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from clients.reminders.timing import local_moment
from clinic.outbox.models import OutboxMessage
from tests import factories

from .conftest import NO_QUIET


def test_the_preview_lists_the_next_day_and_sends_nothing(client_record, choose):
    choose(client_record.user, daily_hour=9, **NO_QUIET)
    factories.AssignmentFactory(client=client_record, starts_on=date(2026, 11, 1))
    evening = local_moment(date(2026, 12, 1), time(20), ZoneInfo("Europe/Berlin"))
    factories.SessionFactory(client=client_record, starts_at=evening + timedelta(hours=30))
    out = StringIO()
    with time_machine.travel(evening, tick=False):
        call_command("reminders_preview", stdout=out)
    lines = out.getvalue().splitlines()
    # 24 hours before 02:00 Berlin on Thursday (this client chose no quiet hours).
    assert lines[0].startswith("2026-12-02 01:00 UTC  Wed 02:00 Europe/Berlin")
    assert "session" in lines[0]
    assert lines[1].startswith("2026-12-02 08:00 UTC  Wed 09:00 Europe/Berlin")
    assert "exercises" in lines[1] and client_record.user.email in lines[1]
    assert lines[-1] == (
        "2 reminders in the next 24 hours (exercises 1, session 1); nothing was sent."
    )
    assert not OutboxMessage.objects.exists() and mail.outbox == []


def test_the_preview_for_one_person(client_record, choose):
    choose(client_record.user, daily_hour=9, **NO_QUIET)
    factories.AssignmentFactory(client=client_record, starts_on=date(2026, 11, 1))
    out = StringIO()
    call_command("reminders_preview", "--user", "nobody@example.org", stdout=out)
    assert out.getvalue().startswith("0 reminders in the next 24 hours")
    out = StringIO()
    email = client_record.user.email
    call_command("reminders_preview", "--user", email, "--hours", "1", stdout=out)
    assert out.getvalue().splitlines()[-1].endswith(" in the next hour; nothing was sent.")
    with pytest.raises(CommandError):
        call_command("reminders_preview", "--hours", "0")
