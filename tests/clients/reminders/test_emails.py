"""What a reminder says, and the link that stops it: no health information, both parts,
the List-Unsubscribe headers, and a link nobody can forge."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from clients.reminders import tokens
from clients.reminders.models import ReminderPreference
from clients.reminders.tasks import reminders_plan
from clients.reminders.timing import local_moment
from tests import factories

from .conftest import NO_QUIET

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 12, 2)


def at_nine(day=DAY):
    return local_moment(day, time(9), BERLIN)


@pytest.fixture
def sent(client_record, choose):
    """Every client kind due at 09:00 on DAY, planned and sent."""
    choose(client_record.user, daily_hour=9, **NO_QUIET)
    factories.AssignmentFactory(client=client_record, starts_on=date(2026, 11, 1))
    factories.MeasureScheduleFactory(client=client_record, cadence="weekly", starts_on=DAY)
    factories.CheckInFactory(client=client_record, occurred_at=at_nine() - timedelta(days=4))
    factories.SessionFactory(client=client_record, starts_at=at_nine() + timedelta(hours=24))
    with time_machine.travel(at_nine(), tick=False):
        assert reminders_plan.delay().get() == 4
    return {email.subject: email for email in mail.outbox}


def test_every_client_reminder_is_sent_in_two_parts_with_the_unsubscribe_headers(sent):
    assert len(sent) == 4
    for email in sent.values():
        html = dict((mime, body) for body, mime in email.alternatives)["text/html"]
        stop = email.extra_headers["List-Unsubscribe"]
        assert stop.startswith("<http") and "/reminders/stop/" in stop
        assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = stop.strip("<>")
        assert link in email.body and link.replace("&", "&amp;") in html
        assert "Open your page" in html or "Check in" in html


def test_no_reminder_names_an_exercise_a_questionnaire_or_a_feeling(sent, client_record):
    exercise = client_record.assignments.get().exercise
    forbidden = [exercise.title, "PHQ", "depress", "therap", "exercise", "distress", "EMDR"]
    for email in sent.values():
        text = " ".join([email.subject, email.body, email.alternatives[0][0]])
        for word in forbidden:
            assert word.lower() not in text.lower(), (email.subject, word)


def test_the_clinics_own_name_may_say_therapy(client_record, choose):
    client_record.clinic.name = "Harbor Therapy Collective"
    client_record.clinic.save()
    choose(client_record.user, daily_hour=9, **NO_QUIET)
    factories.AssignmentFactory(client=client_record, starts_on=date(2026, 11, 1))
    with time_machine.travel(at_nine(), tick=False):
        reminders_plan.delay().get()
    [email] = mail.outbox
    assert "A reminder from Harbor Therapy Collective." in email.body


def test_the_unsubscribe_link_shows_a_button_and_stops_that_kind_when_pressed(client, sent):
    email = sent["Something planned for today"]
    link = email.extra_headers["List-Unsubscribe"].strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and b"Stop these reminders" in page.content
    assert (
        ReminderPreference.objects.get(user__email=email.to[0]).kinds.get("exercises") is not False
    )
    # A mail program's one-click button: a post with no cookie and no CSRF token.
    answer = client.post("/" + path, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    preference = ReminderPreference.objects.get(user__email=email.to[0])
    assert preference.kinds["exercises"] is False
    assert preference.kinds.get("session") is not False  # only that kind
    mail.outbox.clear()
    with time_machine.travel(at_nine(DAY + timedelta(days=1)), tick=False):
        reminders_plan.delay().get()
    assert "Something planned for today" not in [e.subject for e in mail.outbox]


def test_an_unsubscribe_link_cannot_be_forged(client, client_record, other_clinic_therapist):
    genuine = tokens.unsubscribe_token(client_record.user_id, "exercises")
    user_id, rest = genuine.split(".", 1)
    someone_else = factories.ClientFactory(primary_therapist=other_clinic_therapist)
    forged = [
        genuine[:-1] + ("A" if genuine[-1] != "A" else "B"),
        f"{someone_else.user_id}.{rest}",
        genuine.replace(".e:", ".s:"),
        "1.e",
    ]
    for token in forged:
        assert client.post(f"/reminders/stop/{token}/").status_code == 404, token
    assert not ReminderPreference.objects.exists()


def test_a_plain_visit_to_the_link_changes_nothing(client, client_record):
    token = tokens.unsubscribe_token(client_record.user_id, "session")
    assert client.get(f"/reminders/stop/{token}/").status_code == 200
    assert client.head(f"/reminders/stop/{token}/").status_code == 200
    assert not ReminderPreference.objects.exists()


def test_the_link_of_a_closed_account_leads_nowhere(client, client_record):
    token = tokens.unsubscribe_token(client_record.user_id, "session")
    client_record.user.is_active = False
    client_record.user.save()
    assert client.post(f"/reminders/stop/{token}/").status_code == 404
