"""A trigger the client logged again and again becomes a target, from session prep."""

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.emdr.models import Target, TicesEntry
from tests import factories

pytestmark = pytest.mark.django_db

TRIGGER = "Seeing his car parked outside the gym"


@pytest.fixture
def as_therapist(client, therapist):
    client.force_login(therapist.user)
    return client


def log(client_record, trigger=TRIGGER, **extra) -> TicesEntry:
    return factories.TicesEntryFactory(
        client=client_record, trigger=trigger, occurred_at=timezone.now(), **extra
    )


def new_url(client_record, entry) -> str:
    return reverse("emdr-target-new", args=[client_record.pk]) + f"?from_entry={entry.pk}"


def test_the_form_starts_from_the_trigger_and_the_target_takes_its_entries(
    as_therapist, client_record
):
    entries = [log(client_record), log(client_record, "seeing his car parked outside the gym!")]
    other = log(client_record, "A song in the shop")
    form_page = as_therapist.get(new_url(client_record, entries[0]))
    assert form_page.status_code == 200
    form = form_page.context["form"]
    assert (form.initial["label"], form.initial["sequence"]) == (TRIGGER, "present")
    assert "2 entries with the same words will be linked" in form_page.content.decode()
    assert TRIGGER not in form_page.request["QUERY_STRING"]  # an id in the address, never words

    data = {
        "label": "His car at the gym",
        "sequence": "present",
        "plan_order": "",
        "once": form.initial["once"],
        "from_entry": str(entries[0].pk),
    }
    response = as_therapist.post(reverse("emdr-target-new", args=[client_record.pk]), data)
    assert response.status_code == 302
    target = Target.objects.get(label="His car at the gym")
    assert {entry.target_id for entry in TicesEntry.objects.filter(trigger__isnull=False)} == {
        target.pk,
        None,
    }
    other.refresh_from_db()
    assert other.target_id is None
    assert TicesEntry.objects.filter(target=target).count() == 2


def test_an_entry_of_another_client_starts_nothing_and_links_nothing(
    as_therapist, client_record, therapist
):
    neighbour = factories.ClientFactory(primary_therapist=therapist)
    theirs = log(neighbour)
    form_page = as_therapist.get(new_url(client_record, theirs))
    assert form_page.status_code == 200
    assert form_page.context["form"].initial.get("label") is None
    assert "will be linked" not in form_page.content.decode()
    data = {"label": "Mine", "sequence": "past", "plan_order": "", "from_entry": str(theirs.pk)}
    as_therapist.post(reverse("emdr-target-new", args=[client_record.pk]), data)
    theirs.refresh_from_db()
    assert theirs.target_id is None
