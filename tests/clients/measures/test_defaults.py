"""A new client starts with the clinic's default schedules, from their first day, wherever
they are added; and the README carries each instrument's licence and attribution."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from clients.measures import services
from clients.measures.instruments import INSTRUMENTS
from clients.measures.models import ClinicInstrument, MeasureSchedule
from clients.models import Client
from tests import factories


def _defaults(clinic, **cadences) -> None:
    for code, cadence in cadences.items():
        ClinicInstrument.objects.create(clinic=clinic, instrument=code, default_cadence=cadence)


def _schedules(client) -> dict[str, tuple]:
    return {
        s.instrument: (s.cadence, s.starts_on, s.ends_on, s.created_by_id)
        for s in MeasureSchedule.objects.filter(client=client)
    }


@pytest.mark.django_db
def test_a_new_client_gets_the_clinics_defaults_from_their_first_day(clinic, therapist):
    _defaults(clinic, phq9="every_2_weeks", gad7="every_2_weeks", pcl5="")
    first_day = services.client_today(factories.ClientFactory.build()) + dt.timedelta(days=4)
    record = factories.ClientFactory(primary_therapist=therapist, started_on=first_day)
    made = services.schedules_from_clinic_defaults(client=record, by=therapist.user)
    assert {s.instrument for s in made} == {"phq9", "gad7"}
    assert _schedules(record) == {
        "phq9": ("every_2_weeks", first_day, None, therapist.user.pk),
        "gad7": ("every_2_weeks", first_day, None, therapist.user.pk),
    }


@pytest.mark.django_db
def test_a_client_whose_treatment_began_before_the_record_starts_today(clinic, therapist):
    # Not from March: every fortnight since then would be due, and overdue, at once.
    _defaults(clinic, phq9="every_2_weeks")
    record = factories.ClientFactory(primary_therapist=therapist, started_on=dt.date(2026, 3, 2))
    services.schedules_from_clinic_defaults(client=record)
    assert _schedules(record)["phq9"][1] == services.client_today(record)


@pytest.mark.django_db
def test_no_defaults_no_schedules_and_an_instrument_off_gives_none(clinic, therapist):
    record = factories.ClientFactory(primary_therapist=therapist)
    assert services.schedules_from_clinic_defaults(client=record) == []
    ClinicInstrument.objects.create(
        clinic=clinic, instrument="phq9", enabled=False, default_cadence="weekly"
    )
    assert services.schedules_from_clinic_defaults(client=record) == []
    assert not MeasureSchedule.objects.exists()


@pytest.mark.django_db
def test_the_other_clinics_defaults_never_apply(clinic, therapist, other_clinic):
    _defaults(other_clinic, phq9="weekly")
    record = factories.ClientFactory(primary_therapist=therapist)
    assert services.schedules_from_clinic_defaults(client=record) == []


@pytest.mark.django_db
def test_a_client_added_by_their_therapist_starts_with_the_defaults(
    client, clinic, therapist, other_clinic
):
    _defaults(clinic, phq9="every_2_weeks", gad7="every_4_weeks")
    _defaults(other_clinic, pcl5="weekly")
    client.force_login(therapist.user)
    response = client.post(
        reverse("client-new"),
        {"label": "Robin K.", "email": "robin@example.org", "time_zone": "Europe/Berlin"},
    )
    assert response.status_code == 302
    new = Client.objects.get(label="Robin K.")
    assert _schedules(new) == {
        "phq9": ("every_2_weeks", new.started_on, None, therapist.user.pk),
        "gad7": ("every_4_weeks", new.started_on, None, therapist.user.pk),
    }


@pytest.mark.django_db
def test_a_refused_new_client_leaves_no_schedules(client, clinic, therapist, client_record):
    _defaults(clinic, phq9="every_2_weeks")
    client.force_login(therapist.user)
    response = client.post(
        reverse("client-new"),
        {"label": "Someone", "email": client_record.user.email, "time_zone": "UTC"},
    )
    assert response.status_code == 200
    assert not MeasureSchedule.objects.exists()


@pytest.mark.django_db
def test_a_client_added_in_the_admin_starts_with_the_defaults(client, clinic, therapist):
    _defaults(clinic, gad7="every_2_weeks")
    admin = factories.ClinicAdminFactory(clinic=clinic)
    login = factories.UserFactory(clinic=clinic, role="client")
    client.force_login(admin)
    response = client.post(
        reverse("admin:clients_client_add"),
        {
            "label": "Added A.",
            "user": login.pk,
            "primary_therapist": therapist.pk,
            "time_zone": "Europe/Berlin",
            "status": "active",
            "started_on": "2026-03-02",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Client.objects.get(label="Added A.")
    assert _schedules(added) == {
        "gad7": ("every_2_weeks", services.client_today(added), None, admin.pk),
    }
    # Saving the client again changes none of them.
    MeasureSchedule.objects.filter(client=added).update(cadence="weekly")
    client.post(
        reverse("admin:clients_client_change", args=[added.pk]),
        {
            "label": "Added A.",
            "user": login.pk,
            "primary_therapist": therapist.pk,
            "time_zone": "Europe/Berlin",
            "status": "active",
            "started_on": "2026-03-02",
        },
    )
    assert MeasureSchedule.objects.get(client=added).cadence == "weekly"


def test_the_readme_carries_each_instruments_licence_and_attribution_verbatim():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    # The README wraps its lines; the words must be the definitions' own.
    flowing = " ".join(readme.split())
    for definition in INSTRUMENTS.values():
        assert " ".join(definition.attribution.split()) in flowing, definition.code
        assert " ".join(str(definition.licence).split()) in flowing, definition.code
