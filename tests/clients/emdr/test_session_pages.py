"""The therapist's EMDR session page: record what a held session did with a target,
correct it, reevaluate a resolved one. A refusal names the field and stores nothing."""

import re

import pytest

from clients.emdr import services
from clients.emdr.models import ProcessingRecord
from clients.models import Exercise
from tests import factories
from tests.clients.emdr.helpers import held, page, record_post, session_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(client_record):
    return services.target_create(
        client=client_record,
        by=client_record.primary_therapist.user,
        label="The kitchen, age 9",
        memory="Father shouting at the table.",
        negative_cognition="I am not safe.",
        positive_cognition="I am safe now.",
    )


# --- A session's processing ------------------------------------------------------------


def test_the_session_page_opens_on_the_first_target_in_progress(as_therapist, target):
    session = held(target.client)
    services.target_create(client=target.client, by=None, label="First")
    services.target_update(target=target, by=None, plan_order=5)  # "First" comes first
    aside = services.target_create(client=target.client, by=None, label="Set aside for now")
    services.target_status_set(target=aside, status="set_aside", by=None)
    services.record_save(
        session=held(target.client, days_ago=9),
        target=target,
        by=None,
        phases=[3, 4],
        closure="incomplete",
    )
    response = as_therapist.get(session_url(session))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["target"] == target.pk  # in progress beats planned, first in the plan
    shown = page(response)
    assert "First" in shown and "The kitchen, age 9" in shown
    assert "Set aside for now" not in shown  # only open targets, and any recorded here
    assert shown.count("Not recorded in this session.") == 2


def test_therapist_records_a_session_with_every_field_then_corrects_it(as_therapist, target):
    session = held(target.client)
    exercise = target.client.clinic.exercises.filter(is_active=True).first()
    response = as_therapist.post(
        session_url(session), record_post(target, calming_exercise=str(exercise.pk))
    )
    assert response.status_code == 302
    assert response["Location"] == session_url(session)
    record = ProcessingRecord.objects.get()
    assert (record.session, record.target, record.phases) == (session, target, [3, 4, 5, 6, 7])
    assert (record.reevaluation_sud, record.sud_start, record.sud_end) == (6, 8, 3)
    assert (record.voc_setup, record.voc_installed) == (2, 5)
    assert (record.sets_count, record.sets_kind, record.body_scan_clear) == (24, "tapping", False)
    assert (record.closure, record.calming_technique, record.calming_exercise) == (
        "contained",
        "Container",
        exercise,
    )
    assert record.notes == "Much anger at the father, then sadness."
    assert record.plan_next == "Reevaluate; go on with the kitchen."
    target.refresh_from_db()
    assert target.status == "in_progress"

    shown = page(as_therapist.get(session_url(session)))
    assert "Recorded the processing of “The kitchen, age 9”." in shown
    assert "SUD 8 → 3 · VoC 2 → 5" in shown

    # Opened again on that target, the form shows what was saved; saving corrects it.
    again = as_therapist.get(session_url(session) + f"?target={target.pk}")
    assert again.context["form"].initial["notes"] == record.notes
    assert "saving again corrects it" in page(again)
    response = as_therapist.post(
        session_url(session),
        record_post(target, sud_end="1", body_scan_clear="", closure="complete"),
    )
    assert response.status_code == 302
    record = ProcessingRecord.objects.get()
    assert (record.sud_end, record.body_scan_clear, record.closure) == (1, None, "complete")
    assert record.calming_exercise is None
    assert "Corrected the record of “The kitchen, age 9”." in page(
        as_therapist.get(session_url(session))
    )


def test_correcting_a_record_keeps_its_exercise_retired_since(as_therapist, target):
    session = held(target.client)
    exercise = target.client.clinic.exercises.filter(is_active=True).first()
    as_therapist.post(session_url(session), record_post(target, calming_exercise=str(exercise.pk)))
    Exercise.objects.filter(pk=exercise.pk).update(is_active=False)

    opened = as_therapist.get(session_url(session) + f"?target={target.pk}").context["form"]
    assert opened.initial["calming_exercise"] == exercise.pk
    offered = dict(opened.fields["calming_exercise"].choices)
    assert offered[exercise.pk] == f"{exercise.title} (no longer in the library)"
    response = as_therapist.post(
        session_url(session),
        record_post(target, sud_end="2", calming_exercise=str(exercise.pk)),
    )
    assert response.status_code == 302
    record = ProcessingRecord.objects.get()
    assert (record.sud_end, record.calming_exercise) == (2, exercise)

    # Retired, it is offered for that record alone.
    other = services.target_create(client=target.client, by=None, label="The car park")
    fresh = as_therapist.get(session_url(session) + f"?target={other.pk}").context["form"]
    assert exercise.pk not in dict(fresh.fields["calming_exercise"].choices)
    refused = as_therapist.post(
        session_url(session), record_post(other, calming_exercise=str(exercise.pk))
    )
    assert refused.status_code == 400
    assert 'id="id_calming_exercise_error"' in page(refused)
    assert ProcessingRecord.objects.count() == 1


def test_a_resolved_target_is_offered_for_a_reevaluation_alone(as_therapist, target):
    ends = {"sud_end": "0", "voc_installed": "7", "body_scan_clear": "yes", "closure": "complete"}
    as_therapist.post(session_url(held(target.client, days_ago=9)), record_post(target, **ends))
    services.target_status_set(target=target, status="resolved", by=None)
    open_one = services.target_create(client=target.client, by=None, label="The car park")
    session = held(target.client)

    response = as_therapist.get(session_url(session))
    form = response.context["form"]
    assert form.fields["target"].choices == [
        (open_one.pk, "The car park · planned"),  # the open ones first
        (target.pk, "The kitchen, age 9 · resolved: reevaluation only"),
    ]
    assert form.initial["target"] == open_one.pk

    # Processing it again asks for it to be reopened first; nothing is stored.
    refused = as_therapist.post(session_url(session), record_post(target))
    assert refused.status_code == 400
    assert 'id="id_target_error"' in page(refused)
    assert not session.emdr_records.exists()

    reevaluation = record_post(
        target,
        phases=["8"],
        reevaluation_sud="0",
        sud_start=None,
        sud_end=None,
        voc_setup=None,
        voc_installed=None,
        sets_count=None,
        sets_kind=None,
        body_scan_clear="",
        closure="complete",
        notes="Still calm about the kitchen.",
    )
    response = as_therapist.post(session_url(session), reevaluation)
    assert response.status_code == 302
    record = session.emdr_records.get()
    assert (record.target, record.phases, record.reevaluation_sud) == (target, [8], 0)
    target.refresh_from_db()
    assert target.status == "resolved"  # looked at again, not reopened
    shown = page(as_therapist.get(session_url(session)))
    assert "Recorded the processing of “The kitchen, age 9”." in shown
    assert "may be resolved" not in shown


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"sud_end": "11"}, "sud_end", "SUD at the end</a>: From 0 to 10."),
        ({"voc_installed": "0"}, "voc_installed", "VoC after installation</a>: From 1 to 7."),
        ({"phases": ["4", "9"]}, "phases", "9 is not one of the available choices"),
        ({"phases": None}, "phases", "Tick the phases done, from 1 to 8."),
        ({"closure": None}, "closure", "Choose how the session closed."),
        ({"sud_start": "many"}, "sud_start", "A whole number, from 0 to 10."),
    ],
)
def test_a_refused_value_names_its_field_and_stores_nothing(
    as_therapist, target, change, field, message
):
    session = held(target.client)
    response = as_therapist.post(session_url(session), record_post(target, **change))
    assert response.status_code == 400
    shown = page(response)
    assert "Nothing was stored." in shown
    assert f'<ul class="errorlist" id="id_{field}_error"><li>' in shown
    assert message in shown
    assert f'aria-describedby="id_{field}_error"' in shown  # the box, or its group, tied to it
    assert not ProcessingRecord.objects.exists()
    target.refresh_from_db()
    assert target.status == "planned"


def test_a_target_of_another_client_cannot_be_chosen(as_therapist, target, therapist):
    other = factories.TargetFactory(client=factories.ClientFactory(primary_therapist=therapist))
    response = as_therapist.post(session_url(held(target.client)), record_post(other))
    assert response.status_code == 400
    assert 'id="id_target_error"' in page(response)
    assert not ProcessingRecord.objects.exists()


@pytest.mark.parametrize("status", ["scheduled", "cancelled", "no_show"])
def test_a_session_not_held_offers_nothing_to_record(as_therapist, target, status):
    session = factories.SessionFactory(client=target.client, status=status)
    response = as_therapist.get(session_url(session))
    assert response.status_code == 200
    shown = page(response)
    assert "not held: there is nothing to record." in shown
    assert 'name="phases"' not in shown and response.context["form"] is None
    response = as_therapist.post(session_url(session), record_post(target))
    assert response.status_code == 400
    assert 'name="phases"' not in page(response)
    assert not ProcessingRecord.objects.exists()


# --- What the panel shows ----------------------------------------------------------------


def test_the_panel_shows_the_sud_at_reevaluation(as_therapist, target):
    session = held(target.client)
    as_therapist.post(session_url(session), record_post(target))
    reevaluated = services.target_create(client=target.client, by=None, label="The car park")
    services.record_save(
        session=session,
        target=reevaluated,
        by=None,
        phases=[8],
        reevaluation_sud=1,
        closure="complete",
    )
    shown = page(as_therapist.get(session_url(session)))
    assert "Reevaluation SUD 6 · SUD 8 → 3 · VoC 2 → 5" in shown
    assert "Reevaluation SUD 1</span>" in shown  # a reevaluation alone: no "– → –"


def test_a_later_reevaluation_alone_leaves_the_suggestion_with_the_session_that_processed(
    as_therapist, target
):
    ends = {"sud_end": "0", "voc_installed": "7", "body_scan_clear": "yes", "closure": "complete"}
    processed = held(target.client, days_ago=9)
    as_therapist.post(session_url(processed), record_post(target, **ends))
    later = held(target.client)
    services.record_save(
        session=later, target=target, by=None, phases=[8], reevaluation_sud=0, closure="complete"
    )
    assert "“The kitchen, age 9” may be resolved" in page(as_therapist.get(session_url(processed)))
    assert "may be resolved" not in page(as_therapist.get(session_url(later)))

    # A later session that processed it again takes the suggestion away from the first.
    services.record_save(
        session=later, target=target, by=None, phases=[4, 8], sud_end=2, closure="incomplete"
    )
    assert "may be resolved" not in page(as_therapist.get(session_url(processed)))


# --- Removing a record made by mistake ---------------------------------------------------


def _status_url(session) -> str:
    from django.urls import reverse

    return reverse("client-session-status", args=[session.client_id, session.pk])


def test_a_record_is_removed_from_the_page_and_the_session_can_then_be_marked_not_held(
    as_therapist, target
):
    from clinic.models import AuditEvent

    session = held(target.client)
    as_therapist.post(session_url(session), record_post(target))
    record = ProcessingRecord.objects.get()

    refused = page(as_therapist.post(_status_url(session), {"status": "scheduled"}, follow=True))
    assert "Remove its processing records on the session's EMDR page first" in refused
    session.refresh_from_db()
    assert session.status == "completed"

    shown = page(as_therapist.get(session_url(session)))
    assert "clinic/confirm.js" in shown
    form = re.search(r'<form method="post"[^>]*data-confirm>(.*?)</form>', shown, re.S)
    assert form is not None
    assert 'name="csrfmiddlewaretoken"' in form.group(1)
    assert f'name="remove" value="{record.pk}"' in form.group(1)
    assert ">Remove this record</button>" in form.group(1)
    assert (
        "data-confirm-text=\"Remove this session's record of “The kitchen, age 9”?" in form.group(1)
    )

    response = as_therapist.post(session_url(session), {"remove": str(record.pk)})
    assert response.status_code == 302
    assert response["Location"] == session_url(session)
    assert not ProcessingRecord.objects.exists()
    target.refresh_from_db()
    assert target.status == "in_progress"  # the therapist's decision, left as it was
    assert AuditEvent.objects.filter(
        action="delete", object_type="processingrecord", object_ids=[record.pk]
    ).exists()
    shown = page(as_therapist.get(session_url(session)))
    assert "Removed the record of “The kitchen, age 9” from this session." in shown
    assert "No EMDR processing is recorded for this session now." in shown

    response = as_therapist.post(_status_url(session), {"status": "scheduled"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "scheduled"


@pytest.mark.parametrize("who", ["other_therapist", "other_clinic_therapist"])
def test_another_therapist_cannot_remove_a_record(client, target, who, request):
    session = held(target.client)
    record, _created = services.record_save(
        session=session, target=target, by=None, phases=[4], closure="complete"
    )
    client.force_login(request.getfixturevalue(who).user)
    assert client.post(session_url(session), {"remove": str(record.pk)}).status_code == 404
    assert ProcessingRecord.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("sent", ["other_session", "nonsense", ""])
def test_a_record_not_of_this_session_is_a_404(as_therapist, target, sent):
    session, other = held(target.client), held(target.client, days_ago=9)
    record, _created = services.record_save(
        session=other, target=target, by=None, phases=[4], closure="complete"
    )
    value = {"other_session": str(record.pk), "nonsense": "abc", "": ""}[sent]
    assert as_therapist.post(session_url(session), {"remove": value}).status_code == 404
    assert ProcessingRecord.objects.filter(pk=record.pk).exists()


def test_a_discharged_clients_record_is_not_removed(as_therapist, target):
    session = held(target.client)
    record, _created = services.record_save(
        session=session, target=target, by=None, phases=[4], closure="complete"
    )
    client_record = target.client
    client_record.status = "discharged"
    client_record.discharged_on = client_record.started_on
    client_record.save(update_fields=["status", "discharged_on"])
    assert "Remove this record" not in page(as_therapist.get(session_url(session)))
    response = as_therapist.post(session_url(session), {"remove": str(record.pk)}, follow=True)
    assert "This client has been discharged" in page(response)
    assert ProcessingRecord.objects.filter(pk=record.pk).exists()
