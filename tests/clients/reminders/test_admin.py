"""A clinic admin sets the clinic's reminder defaults on the clinic's page: the kinds off by
default as boxes of the registered kinds, the hour, quiet hours and the check-in nudge. A page
left as shown stores nothing, and another clinic's admin cannot set ours."""

from datetime import time

import pytest
from django.urls import reverse

from clients.reminders.models import ClinicReminderSettings
from clients.reminders.people import clinic_settings, person_for
from tests import factories

pytestmark = pytest.mark.django_db

PREFIX = "reminder_settings"


@pytest.fixture
def admin_browser(client, clinic):
    client.force_login(factories.ClinicAdminFactory(clinic=clinic))
    return client


def _clinic_page(clinic) -> str:
    return reverse("admin:clinic_clinic_change", args=[clinic.pk])


def _clinic_post(clinic, kinds_off=(), **reminders) -> dict:
    """The clinic's page as shown, other sections unchanged, with the reminders section
    (left out altogether when ``reminders`` is None)."""
    data = {
        "name": clinic.name,
        "slug": clinic.slug,
        "time_zone": clinic.time_zone,
        "escalate_after_minutes": 120,
        "crisis_lines-TOTAL_FORMS": "0",
        "crisis_lines-INITIAL_FORMS": "0",
        "instruments-TOTAL_FORMS": "0",
        "instruments-INITIAL_FORMS": "0",
    }
    if reminders.pop("section", True):
        stored = ClinicReminderSettings.objects.filter(clinic=clinic).first()
        values = {
            "daily_hour": 9,
            "quiet_from": "21:00",
            "quiet_until": "08:00",
            "silence_days": 4,
            "grace_hours": 3,
            **reminders,
        }
        data[f"{PREFIX}-TOTAL_FORMS"] = "1"
        data[f"{PREFIX}-INITIAL_FORMS"] = "1" if stored else "0"
        if stored:
            data[f"{PREFIX}-0-id"] = str(stored.pk)
        data[f"{PREFIX}-0-clinic"] = str(clinic.pk)
        for name, value in values.items():
            data[f"{PREFIX}-0-{name}"] = str(value)
        data[f"{PREFIX}-0-kinds_off"] = list(kinds_off)  # each ticked box, one value
    return data


def _post(browser, clinic, **fields):
    return browser.post(_clinic_page(clinic), _clinic_post(clinic, **fields))


def test_the_section_lists_every_kind_on_by_default_as_a_box(admin_browser, clinic):
    page = admin_browser.get(_clinic_page(clinic)).content.decode()
    assert "Reminders off by default" in page
    for name in ("exercises", "measures", "check_in", "session"):
        assert f'name="{PREFIX}-0-kinds_off" value="{name}"' in page
    assert "Clients: Something planned for today" in page
    # The therapists' morning count is off by default anyway: a box for it would do nothing.
    assert 'value="morning"' not in page
    assert "A morning count of clients who may need attention" not in page


def test_the_clinic_admin_sets_the_defaults_and_people_follow_them(
    admin_browser, clinic, client_record
):
    response = _post(
        admin_browser,
        clinic,
        kinds_off=["check_in", "session"],
        daily_hour=7,
        quiet_from="22:00",
        quiet_until="06:30",
        silence_days=0,
    )
    assert response.status_code == 302
    stored = ClinicReminderSettings.objects.get(clinic=clinic)
    assert stored.kinds_off == ["check_in", "session"]
    assert (stored.daily_hour, stored.silence_days) == (7, 0)
    assert (stored.quiet_from, stored.quiet_until) == (time(22), time(6, 30))
    person = person_for(client_record.user)
    assert person.kinds == {"exercises", "measures"} and person.daily_hour == 7

    # Changed again, the one row is kept.
    assert _post(admin_browser, clinic, kinds_off=["measures"], daily_hour=8).status_code == 302
    assert ClinicReminderSettings.objects.filter(clinic=clinic).count() == 1
    assert clinic_settings(clinic).kinds_off == ["measures"]
    page = admin_browser.get(_clinic_page(clinic)).content.decode()
    assert f'value="measures" id="id_{PREFIX}-0-kinds_off_1" checked' in page


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"daily_hour": 24}, "less than or equal to 23"),
        ({"silence_days": 61}, "less than or equal to 60"),
        ({"grace_hours": 0}, "greater than or equal to 1"),
        ({"kinds_off": ["nonsense"]}, "Select a valid choice"),
        ({"kinds_off": ["morning"]}, "Select a valid choice"),
        # The clinic's hour inside the clinic's quiet hours, across midnight or not.
        ({"daily_hour": 7}, "inside the clinic&#x27;s quiet hours (21:00–08:00)"),
        ({"daily_hour": 21}, "a reminder would wait until they end"),
        (
            {"daily_hour": 13, "quiet_from": "12:30", "quiet_until": "14:00"},
            "inside the clinic&#x27;s quiet hours (12:30–14:00)",
        ),
    ],
)
def test_a_value_out_of_range_is_refused_and_nothing_is_stored(
    admin_browser, clinic, fields, words
):
    response = _post(admin_browser, clinic, **fields)
    assert response.status_code == 200  # the page again, with the error
    assert words in response.content.decode()
    assert not ClinicReminderSettings.objects.exists()


@pytest.mark.parametrize(
    ("hour", "start", "end"),
    [(8, "21:00", "08:00"), (20, "21:00", "08:00"), (7, "00:00", "00:00"), (12, "06:00", "12:00")],
)
def test_an_hour_outside_the_quiet_hours_is_kept(admin_browser, clinic, hour, start, end):
    # The quiet hours end at "until": a reminder at that very hour goes out; equal times
    # mean no quiet hours at all.
    response = _post(admin_browser, clinic, daily_hour=hour, quiet_from=start, quiet_until=end)
    assert response.status_code == 302
    assert ClinicReminderSettings.objects.get(clinic=clinic).daily_hour == hour


def test_a_page_left_as_shown_or_without_the_section_stores_nothing(admin_browser, clinic):
    assert _post(admin_browser, clinic).status_code == 302
    assert not ClinicReminderSettings.objects.exists()  # the defaults, without a row
    ClinicReminderSettings.objects.create(clinic=clinic, daily_hour=6)
    assert _post(admin_browser, clinic, section=False).status_code == 302
    assert ClinicReminderSettings.objects.get(clinic=clinic).daily_hour == 6


def test_another_clinics_admin_cannot_set_ours(client, clinic, other_clinic):
    client.force_login(factories.ClinicAdminFactory(clinic=other_clinic))
    response = _post(client, clinic, daily_hour=5)
    assert response.status_code in (302, 403, 404)
    assert not ClinicReminderSettings.objects.filter(clinic=clinic).exists()


def test_people_s_choices_and_plans_are_not_in_the_admin(admin_browser):
    from django.contrib import admin

    from clients.reminders.models import ClientReminderPlan, ReminderPreference

    assert ClientReminderPlan not in admin.site._registry
    assert ReminderPreference not in admin.site._registry
    assert ClinicReminderSettings not in admin.site._registry  # only on the clinic's page
