"""The reminder pages: a client's or a therapist's own choices at /reminders/ (and the card
on /me/), and the treating therapist's plan for one client. Each acts on the requester's
own choices or their own client's plan; a refused form changes nothing."""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.reminders import services
from clients.reminders.forms import inside_quiet
from clients.reminders.models import ClientReminderPlan, ClinicReminderSettings, ReminderPreference
from clients.reminders.people import person_for
from clinic.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

PAGE = "/reminders/"


def _plan_url(client_record) -> str:
    return reverse("client-reminders", args=[client_record.pk])


def _save(**fields) -> dict:
    """The main form as a client who changes nothing sends it (every kind on, clinic hours)."""
    data = {
        "action": "save",
        "kind_exercises": "on",
        "kind_measures": "on",
        "kind_check_in": "on",
        "kind_session": "on",
        "daily_hour": "",
        "quiet": "clinic",
        "quiet_from": "",
        "quiet_until": "",
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def _plan_post(**fields) -> dict:
    data = {
        "kind_exercises": "default",
        "kind_measures": "default",
        "kind_check_in": "default",
        "kind_session": "default",
        "silence": "default",
        "silence_days": "",
    }
    data.update(fields)
    return data


@pytest.fixture
def me(client, client_record):
    client.force_login(client_record.user)
    return client


@pytest.fixture
def as_therapist(client, therapist):
    client.force_login(therapist.user)
    return client


# --- The person's own page -------------------------------------------------------------


def test_a_client_sees_their_kinds_and_the_clinics_defaults(me):
    page = me.get(PAGE).content.decode()
    assert "Something planned for today" in page
    assert "At your hour, on days something is planned and not yet done." in page
    assert "An appointment coming up" in page
    assert "morning count" not in page  # a therapist's kind
    assert "Clinic default (09:00)" in page
    assert "The clinic&#x27;s: 21:00–08:00" in page
    assert "Messages about your safety are not reminders: they cannot be turned off." in page
    assert "In your time zone (Europe/Berlin)." in page
    assert page.count('type="checkbox"') == 4 and " disabled" not in page
    assert 'for="id_kind_exercises"' in page  # every box has its label


def test_a_client_saves_their_choices_and_only_what_they_changed_becomes_theirs(me, client_record):
    response = me.post(
        PAGE,
        _save(
            kind_check_in=None, daily_hour="8", quiet="own", quiet_from="22:00", quiet_until="07:30"
        ),
        follow=True,
    )
    assert response.redirect_chain == [(PAGE, 302)]
    page = response.content.decode()
    assert "Saved. Your reminders follow these choices now." in page
    preference = ReminderPreference.objects.get(user=client_record.user)
    assert preference.kinds == {"check_in": False}  # the rest keep following the clinic
    assert preference.daily_hour == 8
    assert (preference.quiet_from, preference.quiet_until) == (time(22), time(7, 30))
    person = person_for(client_record.user)
    assert person.kinds == {"exercises", "measures", "session"}
    assert person.daily_hour == 8
    # Shown as saved: the box unticked, the hour and the own quiet hours chosen.
    assert 'id="id_kind_check_in" aria' in page
    assert '<option value="8" selected>08:00</option>' in page
    assert "Your quiet hours now: 22:00–07:30 (your own)" in page
    assert 'id="id_quiet_1" required checked' in page
    assert 'value="22:00"' in page and 'value="07:30"' in page

    # Back to the clinic's hour and quiet hours.
    me.post(PAGE, _save(kind_check_in=None, quiet_from="22:00", quiet_until="07:30"))
    preference.refresh_from_db()
    assert preference.daily_hour is None
    assert preference.quiet_from is None and preference.quiet_until is None
    assert preference.kinds == {"check_in": False}


def test_a_therapist_chooses_their_morning_count(client, therapist):
    client.force_login(therapist.user)
    page = client.get(PAGE).content.decode()
    assert "A morning count of clients who may need attention" in page
    assert "Something planned for today" not in page
    assert "Safety alerts about your clients are not reminders" in page
    response = client.post(
        PAGE, {"action": "save", "kind_morning": "on", "daily_hour": "8", "quiet": "clinic"}
    )
    assert response.status_code == 302
    person = person_for(therapist.user)
    assert person.kinds == {"morning"} and person.daily_hour == 8


def test_pause_and_resume(me, client_record):
    before = timezone.now()
    response = me.post(PAGE, {"action": "pause", "pause": "3"}, follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    preference = ReminderPreference.objects.get(user=client_record.user)
    assert before + timedelta(days=3) <= preference.paused_until
    assert preference.paused_until <= timezone.now() + timedelta(days=3)
    local = preference.paused_until.astimezone(ZoneInfo("Europe/Berlin"))
    shown = f"{local:%-d %B %Y, %H:%M}"
    page = response.content.decode()
    assert f"All reminders are paused until {shown}." in page
    assert f"Paused until {shown}." in page
    assert "Resume now" in page and "Pause all reminders" not in page
    assert f"Paused until {shown}." in me.get("/me/").content.decode()

    response = me.post(PAGE, {"action": "resume"}, follow=True)
    assert "Reminders are on again." in response.content.decode()
    preference.refresh_from_db()
    assert preference.paused_until is None
    assert "Pause all reminders" in response.content.decode()
    card = me.get("/me/").content.decode()
    assert "On: daily reminders at 09:00, your time." in card
    assert reverse("reminder-preferences") in card


def test_a_pause_that_has_ended_is_not_shown(me, client_record):
    services.preference_save(
        user=client_record.user,
        paused_until=timezone.now() - timedelta(minutes=1),
        fields={"paused_until"},
    )
    assert "Paused until" not in me.get(PAGE).content.decode()
    assert "On: daily reminders at 09:00" in me.get("/me/").content.decode()


def test_a_kind_the_therapist_turned_off_is_shown_and_cannot_be_turned_on(
    me, client_record, therapist
):
    services.plan_save(
        client=client_record, by=therapist.user, kinds={"exercises": False}, fields={"kinds"}
    )
    page = me.get(PAGE).content.decode()
    assert 'name="kind_exercises" id="id_kind_exercises" disabled' in page
    assert "Turned off by your therapist." in page

    # A box that was disabled but sent anyway (an old page, a crafted form) changes nothing.
    assert me.post(PAGE, _save(kind_exercises="on")).status_code == 302
    preference = ReminderPreference.objects.get(user=client_record.user)
    assert "exercises" not in preference.kinds
    assert "exercises" not in person_for(client_record.user).kinds


def test_every_kind_off_says_so_on_the_card(me, client_record):
    me.post(
        PAGE,
        _save(kind_exercises=None, kind_measures=None, kind_check_in=None, kind_session=None),
    )
    assert "Off: you get no reminders." in me.get("/me/").content.decode()


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"daily_hour": "24"}, "daily_hour", "Select a valid choice."),
        ({"quiet": "own", "quiet_from": "22:00"}, "quiet_until", "Give both times"),
        ({"quiet": "own"}, "quiet_from", "Give both times"),
        ({"quiet": "own", "quiet_from": "25:00", "quiet_until": "06:00"}, "quiet_from", "valid"),
        ({"quiet": "later"}, "quiet", "Select a valid choice."),
    ],
)
def test_invalid_choices_are_answered_on_the_form_and_nothing_is_saved(
    me, client_record, fields, field, words
):
    response = me.post(PAGE, _save(**{"kind_session": None, "daily_hour": "7", **fields}))
    assert response.status_code == 400
    assert words in " ".join(response.context["form"].errors[field])
    assert words.replace("'", "&#x27;") in response.content.decode()
    assert not ReminderPreference.objects.exists()


def test_with_the_clinics_quiet_hours_typed_own_times_are_ignored(me, client_record):
    for typed in ({"quiet_from": "22:00"}, {"quiet_until": "06:00"}, {"quiet_from": "25:00"}):
        response = me.post(PAGE, _save(daily_hour="10", quiet="clinic", **typed))
        assert response.status_code == 302, response.context["form"].errors
    preference = ReminderPreference.objects.get(user=client_record.user)
    assert preference.quiet_from is None and preference.quiet_until is None
    assert preference.daily_hour == 10


def test_the_same_time_twice_means_no_quiet_hours_and_is_shown_as_none(me, client_record):
    page = me.get(PAGE).content.decode()
    assert "Your quiet hours now: 21:00–08:00 (the clinic&#x27;s)" in page
    assert "The same time for “from” and “until” means no quiet hours at all." in page
    assert 'aria-describedby="quiet-same"' in page  # the times are described by it

    # No quiet hours: any hour will do, even one inside the clinic's.
    response = me.post(
        PAGE, _save(daily_hour="23", quiet="own", quiet_from="00:00", quiet_until="00:00")
    )
    assert response.status_code == 302
    page = me.get(PAGE).content.decode()
    assert "Your quiet hours now: None" in page
    assert "00:00 / 00:00" not in page and "00:00–00:00" not in page


def test_the_clinics_quiet_hours_of_none_are_named_so(me, client_record):
    ClinicReminderSettings.objects.create(
        clinic=client_record.clinic, quiet_from=time(0), quiet_until=time(0)
    )
    page = me.get(PAGE).content.decode()
    assert "The clinic&#x27;s: None" in page
    assert "Your quiet hours now: None" in page


@pytest.mark.parametrize(
    ("fields", "hours"),
    [
        ({"daily_hour": "7", "quiet": "clinic"}, "21:00–08:00"),  # the clinic's, past midnight
        ({"daily_hour": "21", "quiet": "clinic"}, "21:00–08:00"),  # the first quiet hour
        (
            {"daily_hour": "23", "quiet": "own", "quiet_from": "22:00", "quiet_until": "06:30"},
            "22:00–06:30",
        ),
        (
            {"daily_hour": "13", "quiet": "own", "quiet_from": "12:00", "quiet_until": "14:00"},
            "12:00–14:00",
        ),
        # The clinic's hour (09:00) inside quiet hours of one's own.
        (
            {"daily_hour": "", "quiet": "own", "quiet_from": "22:00", "quiet_until": "10:00"},
            "22:00–10:00",
        ),
    ],
)
def test_a_daily_hour_inside_the_quiet_hours_is_refused(me, fields, hours):
    response = me.post(PAGE, _save(**fields))
    assert response.status_code == 400
    words = f"This hour is inside your quiet hours ({hours}): a reminder would wait until they end."
    assert response.context["form"].errors["daily_hour"] == [words]
    assert words in response.content.decode()
    assert 'aria-describedby="hour-help hour-errors" aria-invalid="true"' in (
        response.content.decode()
    )
    assert not ReminderPreference.objects.exists()


@pytest.mark.parametrize(
    ("fields"),
    [
        {"daily_hour": "8", "quiet": "clinic"},  # quiet hours end at 08:00
        {"daily_hour": "20", "quiet": "clinic"},
        {"daily_hour": "7", "quiet": "own", "quiet_from": "22:00", "quiet_until": "07:00"},
        {"daily_hour": "", "quiet": "own", "quiet_from": "22:00", "quiet_until": "06:00"},
    ],
)
def test_a_daily_hour_outside_the_quiet_hours_is_kept(me, fields):
    assert me.post(PAGE, _save(**fields)).status_code == 302


def test_the_clinics_own_hour_in_its_quiet_hours_does_not_stop_a_person_saving(me, client_record):
    # Mended on the clinic's page, not the person's: they can still turn a kind off.
    ClinicReminderSettings.objects.create(clinic=client_record.clinic, daily_hour=22)
    assert me.post(PAGE, _save(kind_check_in=None)).status_code == 302


@pytest.mark.parametrize(
    ("hour", "start", "end", "inside"),
    [
        (21, time(21), time(8), True),
        (0, time(21), time(8), True),
        (7, time(21), time(8), True),
        (8, time(21), time(8), False),
        (20, time(21), time(8), False),
        (12, time(12), time(14), True),
        (14, time(12), time(14), False),
        (11, time(12), time(14), False),
        (8, time(7, 30), time(8, 30), True),
        (7, time(7, 30), time(8, 30), False),
        (5, time(0), time(0), False),
        (0, time(0), time(0), False),
    ],
)
def test_inside_quiet(hour, start, end, inside):
    assert inside_quiet(hour, start, end) is inside


def test_resume_without_a_pause_does_not_say_reminders_are_on_again(me, client_record):
    response = me.post(PAGE, {"action": "resume"}, follow=True)
    page = response.content.decode()
    assert "Reminders are on again." not in page
    assert "Reminders were not paused." in page
    assert not ReminderPreference.objects.exists()

    # A pause that has run out is not ended by Resume either.
    services.preference_save(
        user=client_record.user,
        paused_until=timezone.now() - timedelta(minutes=1),
        fields={"paused_until"},
    )
    page = me.post(PAGE, {"action": "resume"}, follow=True).content.decode()
    assert "Reminders are on again." not in page
    assert "Reminders were not paused." in page

    # Resuming twice: said once.
    me.post(PAGE, {"action": "pause", "pause": "1"})
    assert (
        "Reminders are on again."
        in me.post(PAGE, {"action": "resume"}, follow=True).content.decode()
    )
    again = me.post(PAGE, {"action": "resume"}, follow=True).content.decode()
    assert "Reminders are on again." not in again and "Reminders were not paused." in again


def test_the_card_says_which_reminders_are_on(me, client_record):
    me.post(PAGE, _save(kind_exercises=None, kind_measures=None, kind_check_in=None))
    card = me.get("/me/").content.decode()
    assert "On: a reminder before each appointment." in card
    assert "daily reminders" not in card

    me.post(PAGE, _save(kind_exercises=None, kind_measures=None, kind_session=None))
    card = me.get("/me/").content.decode()
    assert "On: daily reminders at 09:00, your time." in card
    assert "before each appointment" not in card


def test_an_unknown_pause_or_action_changes_nothing(me):
    assert me.post(PAGE, {"action": "pause", "pause": "5"}).status_code == 400
    response = me.post(PAGE, {"action": "other"})
    assert response.status_code == 400
    assert "Please use one of the buttons" in response.content.decode()
    assert not ReminderPreference.objects.exists()


def test_others_get_an_explanation_not_a_form(client, clinic, client_record):
    assert client.get(PAGE).status_code == 302  # to sign in
    client.force_login(factories.ClinicAdminFactory(clinic=clinic))
    response = client.get(PAGE)
    assert response.status_code == 403
    assert "Your account gets none" in response.content.decode()
    assert client.post(PAGE, {"action": "pause", "pause": "1"}).status_code == 403
    assert not ReminderPreference.objects.exists()


def test_a_discharged_client_is_told_they_get_none(me, client_record):
    client_record.status = "discharged"
    client_record.discharged_on = client_record.started_on
    client_record.save(update_fields=["status", "discharged_on"])
    page = me.get(PAGE).content.decode()
    assert "You get no reminders while you are not in active treatment" in page
    assert "<form" not in page.split('id="reminders"', 1)[1]
    assert "Reminders" not in me.get("/me/").content.decode().split("calendar-card", 1)[1]


def test_the_pages_read_a_fixed_number_of_queries(
    me, client_record, therapist, django_assert_max_num_queries
):
    ClinicReminderSettings.objects.create(clinic=client_record.clinic, daily_hour=8)
    services.plan_save(
        client=client_record, by=therapist.user, kinds={"session": False}, fields={"kinds"}
    )
    services.preference_save(user=client_record.user, daily_hour=7, fields={"daily_hour"})
    # The session, its user and their clinic (the top bar), then the client with their
    # choices, plan and clinic's settings in one query.
    with django_assert_max_num_queries(4):
        assert me.get(PAGE).status_code == 200
    # Saving: the service's locked read, its full_clean (user, uniqueness, two constraints
    # in savepoints), the update, the audit row (which looks the user up again: the
    # service does not keep it on the row), the session.
    with django_assert_max_num_queries(21):
        assert me.post(PAGE, _save(daily_hour="10")).status_code == 302


def test_the_me_page_card_costs_one_query(me):
    with CaptureQueriesContext(connection) as queries:
        me.get("/me/")
    assert sum("reminders_" in query["sql"] for query in queries.captured_queries) == 1


def test_the_staff_account_page_links_to_the_therapists_reminders(client, therapist):
    client.force_login(therapist.user)
    page = client.get(reverse("two-factor")).content.decode()
    assert reverse("reminder-preferences") in page


# --- The therapist's plan for one client ------------------------------------------------


def test_the_therapist_sets_a_clients_plan(as_therapist, client_record, therapist):
    progress = as_therapist.get(reverse("client-progress", args=[client_record.pk]))
    assert _plan_url(client_record) in progress.content.decode()

    page = as_therapist.get(_plan_url(client_record)).content.decode()
    assert f"Reminders for {client_record.label}" in page
    assert "Clinic default (on)" in page
    assert "Clinic default (after 4 days)" in page
    assert AuditEvent.objects.filter(
        actor=therapist.user, action="view", object_type="client", client=client_record
    ).exists()

    response = as_therapist.post(
        _plan_url(client_record),
        _plan_post(kind_exercises="off", kind_session="on", silence="days", silence_days="10"),
        follow=True,
    )
    assert response.redirect_chain == [(_plan_url(client_record), 302)]
    assert "Saved. The client&#x27;s reminders follow it now." in response.content.decode()
    plan = ClientReminderPlan.objects.get(client=client_record)
    assert plan.kinds == {"exercises": False, "session": True}
    assert plan.silence_days == 10 and plan.updated_by == therapist.user
    assert "exercises" not in person_for(client_record.user).kinds
    assert AuditEvent.objects.filter(
        actor=therapist.user,
        action="create",
        object_type="clientreminderplan",
        client=client_record,
    ).exists()

    # Back to the clinic's way for one kind; the nudge off.
    as_therapist.post(
        _plan_url(client_record), _plan_post(kind_session="on", silence="off", silence_days="10")
    )
    plan.refresh_from_db()
    assert plan.kinds == {"session": True} and plan.silence_days == 0
    as_therapist.post(_plan_url(client_record), _plan_post())
    plan.refresh_from_db()
    assert plan.kinds == {} and plan.silence_days is None


def test_the_plan_explains_each_kind_to_the_therapist(as_therapist, client_record):
    page = as_therapist.get(_plan_url(client_record)).content.decode()
    assert "At the client&#x27;s hour, on days something is planned for them" in page
    assert "in the client&#x27;s time zone" in page
    assert "At your hour" not in page and "your time zone" not in page


def test_the_plan_help_falls_back_to_the_label():
    from clients.reminders.forms import PlanForm, kind_field
    from clients.reminders.registry import CLIENT, every_kind

    kinds = every_kind(CLIENT)
    form = PlanForm(kinds=kinds, settings=ClinicReminderSettings(), plan=None, helps={})
    assert [form[kind_field(kind)].help_text for kind in kinds] == [k.label for k in kinds]


@pytest.mark.parametrize("silence", ["off", "default"])
@pytest.mark.parametrize("days", ["0", "61", "ten", ""])
def test_the_days_are_read_only_when_n_days_is_chosen(as_therapist, client_record, silence, days):
    response = as_therapist.post(
        _plan_url(client_record),
        _plan_post(kind_exercises="off", silence=silence, silence_days=days),
    )
    assert response.status_code == 302
    plan = ClientReminderPlan.objects.get(client=client_record)
    assert plan.silence_days == (0 if silence == "off" else None)


def test_the_clinics_defaults_are_named_on_the_plan(as_therapist, client_record):
    ClinicReminderSettings.objects.create(
        clinic=client_record.clinic, kinds_off=["measures"], silence_days=0
    )
    page = as_therapist.get(_plan_url(client_record)).content.decode()
    assert "Clinic default (off)" in page
    assert "Clinic default (off)" in page.split("Nudge after days without a check-in", 1)[1]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"silence": "days", "silence_days": "61"}, "silence_days", "less than or equal to 60"),
        ({"silence": "days", "silence_days": "0"}, "silence_days", "greater than or equal to 1"),
        ({"silence": "days"}, "silence_days", "Give a number of days from 1 to 60."),
        ({"kind_session": "maybe"}, "kind_session", "Select a valid choice."),
    ],
)
def test_an_invalid_plan_is_answered_on_the_form_and_nothing_is_saved(
    as_therapist, client_record, fields, field, words
):
    response = as_therapist.post(
        _plan_url(client_record), _plan_post(kind_exercises="off", **fields)
    )
    assert response.status_code == 400
    assert words in " ".join(response.context["form"].errors[field])
    assert not ClientReminderPlan.objects.exists()


@pytest.mark.parametrize("who", ["other_therapist", "other_clinic_therapist"])
def test_another_therapist_gets_404(client, client_record, who, request):
    client.force_login(request.getfixturevalue(who).user)
    assert client.get(_plan_url(client_record)).status_code == 404
    response = client.post(_plan_url(client_record), _plan_post(kind_exercises="off"))
    assert response.status_code == 404
    assert not ClientReminderPlan.objects.exists()


def test_the_client_an_admin_and_a_stranger_cannot_open_it(client, client_record, clinic):
    assert client.get(_plan_url(client_record)).status_code == 302  # to sign in
    for user in (client_record.user, factories.ClinicAdminFactory(clinic=clinic)):
        client.force_login(user)
        assert client.get(_plan_url(client_record)).status_code == 403
        response = client.post(_plan_url(client_record), _plan_post(kind_exercises="off"))
        assert response.status_code == 403
    assert not ClientReminderPlan.objects.exists()


def test_a_discharged_clients_plan_is_read_only(as_therapist, client_record):
    client_record.status = "discharged"
    client_record.discharged_on = client_record.started_on
    client_record.save(update_fields=["status", "discharged_on"])
    page = as_therapist.get(_plan_url(client_record)).content.decode()
    assert "this plan is read only" in page
    assert 'type="submit"' not in page.split('id="client-reminders"', 1)[1]
    assert page.count(" disabled") >= 5
    response = as_therapist.post(
        _plan_url(client_record), _plan_post(kind_exercises="off"), follow=True
    )
    assert "reactivate them to change their reminders" in response.content.decode()
    assert not ClientReminderPlan.objects.exists()


def test_the_plan_page_reads_a_fixed_number_of_queries(
    as_therapist, client_record, therapist, django_assert_max_num_queries
):
    ClinicReminderSettings.objects.create(clinic=client_record.clinic)
    services.plan_save(
        client=client_record, by=therapist.user, kinds={"session": False}, fields={"kinds"}
    )
    # The session, its user, their clinic and therapist record; the client; the clinic's
    # settings; the plan with who changed it; the audit row; the session kept (3).
    with django_assert_max_num_queries(11):
        assert as_therapist.get(_plan_url(client_record)).status_code == 200
