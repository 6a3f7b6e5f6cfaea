"""A trigger the client logged again and again becomes a target, from session prep."""

import re

import pytest
from django.contrib.messages import get_messages
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
    shown = form_page.content.decode()
    assert "2 entries with the same words will be linked" in shown
    assert TRIGGER not in form_page.request["QUERY_STRING"]  # an id in the address, never words
    # The log is encrypted, the label is not: said next to the label, which keeps the words.
    assert form.fields["label"].help_text == (
        "The label is not encrypted: make it a few words of your own."
    )
    helptext = re.search(r'<div class="helptext" id="id_label_helptext">([^<]*)</div>', shown)
    assert helptext is not None and "The label is not encrypted" in helptext.group(1)

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
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == ["Target “His car at the gym” set up; 2 log entries linked to it."]
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


def test_a_plain_new_target_says_nothing_of_the_log(as_therapist, client_record):
    form_page = as_therapist.get(reverse("emdr-target-new", args=[client_record.pk]))
    shown = form_page.content.decode()
    assert "not encrypted" not in shown and "already linked" not in shown
    data = {"label": "The kitchen", "sequence": "past", "plan_order": ""}
    response = as_therapist.post(reverse("emdr-target-new", args=[client_record.pk]), data)
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == ["Target “The kitchen” set up."]


def test_an_entry_already_linked_is_said_so_and_starts_nothing(as_therapist, client_record):
    target = factories.TargetFactory(client=client_record, label="His car")
    linked = log(client_record, target=target)
    form_page = as_therapist.get(new_url(client_record, linked))
    assert form_page.status_code == 200
    shown = form_page.content.decode()
    assert "That log entry is already linked to a target." in shown
    assert form_page.context["form"].initial.get("label") is None
    assert "not encrypted" not in shown and "will be linked" not in shown


def test_an_entry_of_another_client_already_linked_is_never_told_apart(
    as_therapist, client_record, therapist
):
    neighbour = factories.ClientFactory(primary_therapist=therapist)
    theirs = log(neighbour, target=factories.TargetFactory(client=neighbour))
    for entry_id in (theirs.pk, theirs.pk + 1000, "x"):
        url = reverse("emdr-target-new", args=[client_record.pk]) + f"?from_entry={entry_id}"
        shown = as_therapist.get(url).content.decode()
        assert "already linked" not in shown and "not encrypted" not in shown
