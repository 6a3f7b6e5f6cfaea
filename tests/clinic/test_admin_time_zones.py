"""Time zones are picked from a short list of readable names, the clinic's own first; any
zone zoneinfo knows stays valid, in the clinic admin, the client admin and the new-client form."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.urls import reverse

from clinic.time_zones import COMMON_ZONES, TimeZoneField, zone_name
from reports.forms import NewClientForm
from tests import factories


def test_the_short_list_is_short_readable_and_every_zone_in_it_exists():
    zones = [zone for zone, _name in COMMON_ZONES]
    assert 25 <= len(zones) <= 45
    assert len(set(zones)) == len(zones)
    assert set(zones) <= zoneinfo.available_timezones()
    assert zone_name("America/Los_Angeles") == "Los Angeles (Pacific)"
    assert {"UTC", "Europe/London", "Africa/Lagos", "Asia/Tokyo", "Australia/Sydney"} <= set(zones)


def test_the_clinics_zone_comes_first_then_the_short_list_once():
    field = TimeZoneField(first="Europe/Berlin")
    zones = [zone for zone, _name in field.choices]
    assert zones[0] == "Europe/Berlin"
    assert zones.count("Europe/Berlin") == 1
    assert zones[1:] == [z for z, _n in COMMON_ZONES if z != "Europe/Berlin"]
    outside = TimeZoneField(first="Europe/Vilnius")
    assert outside.choices[0] == ("Europe/Vilnius", "Europe/Vilnius")


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Los Angeles (Pacific)", "America/Los_Angeles"),
        ("america/los_angeles", "America/Los_Angeles"),
        ("Europe/Vilnius", "Europe/Vilnius"),  # not in the short list, still a zone
        ("vilnius", "Europe/Vilnius"),
        ("  New   York ", "America/New_York"),
    ],
)
def test_a_zone_is_typed_by_its_readable_name_its_iana_name_or_its_city(typed, zone):
    assert TimeZoneField().clean(typed) == zone


@pytest.mark.parametrize("typed", ["Pacific", "Mars/Olympus", "Europe/"])
def test_anything_else_is_refused_with_a_reason(typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        TimeZoneField().clean(typed)
    assert "is not a time zone we know" in refused.value.messages[0]


def test_the_box_shows_the_readable_name_and_offers_the_list_to_search():
    html = TimeZoneField(first="Asia/Tokyo").widget.render(
        "time_zone", "America/Los_Angeles", {"id": "id_time_zone"}
    )
    assert 'value="Los Angeles (Pacific)"' in html.split("<datalist")[0]
    assert 'list="id_time_zone_zones"' in html
    options = re.findall(r'<option value="([^"]+)">([^<]+)</option>', html)
    assert options[0] == ("Tokyo (Japan)", "Asia/Tokyo")
    assert ("Berlin (Central European)", "Europe/Berlin") in options


def test_a_stored_zone_outside_the_list_is_shown_as_it_is():
    html = TimeZoneField(first="UTC").widget.render("time_zone", "Europe/Vilnius")
    assert 'value="Europe/Vilnius"' in html.split("<datalist")[0]
    assert '<option value="Europe/Vilnius">Europe/Vilnius</option>' in html


@pytest.fixture
def clinic_admin(clinic):
    return factories.ClinicAdminFactory(clinic=clinic)


def _clinic_post(clinic, time_zone: str) -> dict:
    return {
        "name": clinic.name,
        "slug": clinic.slug,
        "time_zone": time_zone,
        "escalate_after_minutes": 120,
        "crisis_lines-TOTAL_FORMS": "0",
        "crisis_lines-INITIAL_FORMS": "0",
        "crisis_lines-MIN_NUM_FORMS": "0",
        "crisis_lines-MAX_NUM_FORMS": "1000",
        "instruments-TOTAL_FORMS": "0",
        "instruments-INITIAL_FORMS": "0",
    }


@pytest.mark.django_db
def test_the_clinic_admin_picks_the_clinics_zone_by_name(client, clinic_admin, clinic):
    client.force_login(clinic_admin)
    url = reverse("admin:clinic_clinic_change", args=[clinic.pk])
    page = client.get(url).content.decode()
    assert 'value="Berlin (Central European)"' in page  # the factory's clinic is in Berlin
    assert "<datalist" in page
    response = client.post(url, _clinic_post(clinic, "Los Angeles (Pacific)"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    clinic.refresh_from_db()
    assert clinic.time_zone == "America/Los_Angeles"
    refused = client.post(url, _clinic_post(clinic, "Pacific"))
    assert "time_zone" in refused.context["adminform"].form.errors


@pytest.mark.django_db
def test_a_clinic_zone_outside_the_list_stays_valid_and_shown(client, clinic_admin, clinic):
    clinic.time_zone = "Europe/Vilnius"
    clinic.save(update_fields=["time_zone"])
    client.force_login(clinic_admin)
    url = reverse("admin:clinic_clinic_change", args=[clinic.pk])
    assert 'value="Europe/Vilnius"' in client.get(url).content.decode()
    assert client.post(url, _clinic_post(clinic, "Europe/Vilnius")).status_code == 302
    clinic.refresh_from_db()
    assert clinic.time_zone == "Europe/Vilnius"


@pytest.mark.django_db
def test_a_new_client_in_the_admin_starts_in_the_clinics_zone(client, clinic_admin, clinic):
    clinic.time_zone = "Asia/Tokyo"
    clinic.save(update_fields=["time_zone"])
    client.force_login(clinic_admin)
    form = client.get(reverse("admin:clients_client_add")).context["adminform"].form
    assert form["time_zone"].value() == "Asia/Tokyo"
    assert form.fields["time_zone"].choices[0] == ("Asia/Tokyo", "Tokyo (Japan)")


@pytest.mark.django_db
def test_the_new_client_form_offers_the_clinics_zone_first_and_takes_a_name():
    form = NewClientForm(
        data={"label": "Robin M.", "email": "robin@example.org", "time_zone": "Sydney"},
        default_zone="Europe/Lisbon",
    )
    assert form.fields["time_zone"].initial == "Europe/Lisbon"
    assert form.fields["time_zone"].choices[0][0] == "Europe/Lisbon"
    assert form.is_valid(), form.errors
    assert form.cleaned_data["time_zone"] == "Australia/Sydney"


@pytest.mark.django_db
def test_the_add_client_page_shows_the_searchable_box(client, therapist):
    client.force_login(therapist.user)
    page = client.get(reverse("client-new")).content.decode()
    assert 'list="id_time_zone_zones"' in page
    assert 'value="Berlin (Central European)"' in page


@pytest.mark.django_db
def test_an_alert_is_named_by_the_day_of_the_zone_that_shows_it(client_record):
    from django.utils import timezone as tz

    alert = factories.AlertFactory(
        client=client_record, created_at=dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
    )
    with tz.override("Europe/Berlin"):
        assert str(alert).endswith("(2026-12-01)")
    with tz.override("America/Los_Angeles"):
        assert str(alert).endswith("(2026-11-30)")
