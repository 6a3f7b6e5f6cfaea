"""A clinic admin sets, on the clinic's page, from which disturbance a client's log entry
shows them their calming exercises; targets, records and log entries are read only there,
without what anyone wrote, and another clinic's admin sees none of ours."""

import pytest
from django.urls import reverse

from clients.emdr import services
from clients.emdr.models import CALMING_AT_DEFAULT, EmdrSettings
from tests import factories

pytestmark = pytest.mark.django_db

MEMORY = "Father shouting at the kitchen table."


@pytest.fixture
def clinic_admin(clinic):
    return factories.ClinicAdminFactory(clinic=clinic)


@pytest.fixture
def admin_browser(client, clinic_admin):
    client.force_login(clinic_admin)
    return client


@pytest.fixture
def target(client_record):
    return factories.TargetFactory(
        client=client_record, label="The kitchen, age 9", memory=MEMORY, shown_to_client=True
    )


def _clinic_page(clinic) -> str:
    return reverse("admin:clinic_clinic_change", args=[clinic.pk])


def _clinic_post(clinic, **emdr) -> dict:
    """The clinic's page as shown, crisis lines and measures unchanged, with the EMDR
    section's fields (none: the section is not sent)."""
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
    if emdr:
        stored = EmdrSettings.objects.filter(clinic=clinic).first()
        data["emdr_settings-TOTAL_FORMS"] = "1"
        data["emdr_settings-INITIAL_FORMS"] = "1" if stored else "0"
        if stored:
            data["emdr_settings-0-id"] = str(stored.pk)
        data["emdr_settings-0-clinic"] = str(clinic.pk)
        for name, value in emdr.items():
            data[f"emdr_settings-0-{name}"] = str(value)
    return data


def test_the_clinic_admin_sets_the_calming_level_and_changes_it(admin_browser, clinic):
    page = admin_browser.get(_clinic_page(clinic)).content.decode()
    assert "Show calming exercises from disturbance" in page
    assert "shows them their calming exercises at once" in page
    assert f'name="emdr_settings-0-calming_at" value="{CALMING_AT_DEFAULT}"' in page

    response = admin_browser.post(_clinic_page(clinic), _clinic_post(clinic, calming_at=5))
    assert response.status_code == 302
    assert services.calming_at(clinic.pk) == 5

    response = admin_browser.post(_clinic_page(clinic), _clinic_post(clinic, calming_at=9))
    assert response.status_code == 302
    assert services.calming_at(clinic.pk) == 9
    assert EmdrSettings.objects.filter(clinic=clinic).count() == 1


def test_a_level_off_the_scale_is_refused_and_nothing_changes(admin_browser, clinic):
    response = admin_browser.post(_clinic_page(clinic), _clinic_post(clinic, calming_at=11))
    assert response.status_code == 200  # the admin shows its page again, with the error
    assert "Ensure this value is less than or equal to 10." in response.content.decode()
    assert not EmdrSettings.objects.exists()
    assert services.calming_at(clinic.pk) == CALMING_AT_DEFAULT


def test_the_page_left_as_shown_or_without_the_section_stores_no_setting(admin_browser, clinic):
    shown = _clinic_post(clinic, calming_at=CALMING_AT_DEFAULT)
    assert admin_browser.post(_clinic_page(clinic), shown).status_code == 302
    assert not EmdrSettings.objects.exists()  # unchanged: the default, without a row
    EmdrSettings.objects.create(clinic=clinic, calming_at=4)
    # A form from before the section existed saves the rest and keeps the level.
    response = admin_browser.post(_clinic_page(clinic), _clinic_post(clinic))
    assert response.status_code == 302
    assert services.calming_at(clinic.pk) == 4


def test_another_clinics_admin_cannot_set_ours(client, clinic, other_clinic):
    client.force_login(factories.ClinicAdminFactory(clinic=other_clinic))
    response = client.post(_clinic_page(clinic), _clinic_post(clinic, calming_at=2))
    assert response.status_code in (302, 403, 404)
    assert not EmdrSettings.objects.filter(clinic=clinic).exists()


def test_our_admin_reads_targets_without_their_words_and_cannot_change_them(admin_browser, target):
    listing = admin_browser.get(reverse("admin:emdr_target_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [target]
    text = listing.content.decode()
    assert f"target #{target.pk}" in text
    assert "kitchen" not in text and MEMORY not in text
    change = admin_browser.get(reverse("admin:emdr_target_change", args=[target.pk]))
    assert change.status_code == 200
    assert MEMORY not in change.content.decode()
    assert "kitchen" not in change.content.decode()  # not in its title or breadcrumb either
    assert "Planned" in change.content.decode()  # its status history, dated
    assert admin_browser.get(reverse("admin:emdr_target_add")).status_code == 403


def test_another_clinics_admin_cannot_see_our_targets_records_or_log(client, target, other_clinic):
    record = factories.ProcessingRecordFactory(target=target, notes="Anger, then sadness.")
    entry = factories.TicesEntryFactory(client=target.client)
    client.force_login(factories.ClinicAdminFactory(clinic=other_clinic))
    for name, row in [("target", target), ("processingrecord", record), ("ticesentry", entry)]:
        listing = client.get(reverse(f"admin:emdr_{name}_changelist"))
        assert listing.status_code == 200
        assert list(listing.context["cl"].result_list) == []
        change = client.get(reverse(f"admin:emdr_{name}_change", args=[row.pk]))
        assert change.status_code == 302  # "does not exist", back to the admin's index
        assert target.client.label not in client.get(change["Location"]).content.decode()


def test_records_and_log_entries_are_listed_without_notes_or_the_clients_words(
    admin_browser, target
):
    factories.ProcessingRecordFactory(target=target, notes="Anger, then sadness.")
    entry = factories.TicesEntryFactory(client=target.client)
    records = admin_browser.get(reverse("admin:emdr_processingrecord_changelist"))
    text = records.content.decode()
    assert records.status_code == 200 and target.client.label in text
    assert "Anger" not in text and "kitchen" not in text
    log = admin_browser.get(reverse("admin:emdr_ticesentry_changelist"))
    assert log.status_code == 200 and entry.trigger not in log.content.decode()
    assert admin_browser.get(reverse("admin:emdr_ticesentry_add")).status_code == 403
