"""The therapist's EMDR target pages: set up a target, edit it and change its status,
with the rule's suggestion followed; a form sent twice, a label taken in a race. Anyone but
the treating therapist gets a 404; a refusal names the field and stores nothing."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from clients.emdr import services
from clients.emdr.models import ProcessingRecord, Target
from clients.models import EmotionLabel
from clinic.models import AuditEvent
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


def new_url(client_record) -> str:
    return reverse("emdr-target-new", args=[client_record.pk])


def target_url(target) -> str:
    return reverse("emdr-target", args=[target.client_id, target.pk])


def words(clinic, n=2) -> list[str]:
    labels = EmotionLabel.objects.filter(clinic=clinic, is_active=True)
    return list(labels.values_list("code", flat=True)[:n])


# A target's words as typed.
TARGET_WORDS = {
    "label": "The car park",
    "memory": "Waiting in the car park, nobody came.",
    "worst_image": "The empty lot at dusk.",
    "negative_cognition": "I am alone.",
    "positive_cognition": "I can rely on myself and on others.",
    "body_location": "Chest",
    "sequence": "present",
    "focus_area": "attachment",
}


def target_post(**changes) -> dict:
    data = {**TARGET_WORDS, "shown_to_client": "on", "plan_order": "", **changes}
    return {key: value for key, value in data.items() if value is not None}


# --- Setting up and editing a target ---------------------------------------------------


def test_therapist_sets_up_a_target_with_every_field(as_therapist, client_record):
    codes = words(client_record.clinic)
    form = as_therapist.get(new_url(client_record))
    assert form.status_code == 200
    for code in codes:
        assert f'value="{code}"' in page(form)  # the clinic's words, as boxes to tick

    response = as_therapist.post(new_url(client_record), target_post(emotions=codes))
    made = Target.objects.get(client=client_record)
    assert response.status_code == 302
    assert response["Location"] == target_url(made)
    assert {name: getattr(made, name) for name in TARGET_WORDS} == TARGET_WORDS
    assert made.shown_to_client and made.status == "planned" and made.plan_order == 1
    assert sorted(made.emotions.values_list("code", flat=True)) == sorted(codes)

    shown = page(as_therapist.get(target_url(made)))
    assert "Target “The car park” set up." in shown
    assert "Waiting in the car park, nobody came." in shown
    assert "No session has recorded this target yet" in shown


def test_a_label_used_twice_is_refused_at_the_label(as_therapist, target):
    response = as_therapist.post(new_url(target.client), target_post(label=target.label))
    assert response.status_code == 400
    shown = page(response)
    assert "This client has a target with this label already." in shown
    assert 'aria-describedby="id_label_helptext id_label_error"' in shown
    assert Target.objects.count() == 1


def once_of(response) -> str:
    """The one-time token the new-target form was drawn with."""
    found = re.search(r'<input type="hidden" name="once" value="([0-9a-f-]{36})"', page(response))
    assert found, "the form carries no token"
    return found.group(1)


def test_the_same_form_sent_twice_sets_up_one_target_and_lands_on_it(as_therapist, client_record):
    once = once_of(as_therapist.get(new_url(client_record)))
    first = as_therapist.post(new_url(client_record), target_post(once=once))
    again = as_therapist.post(new_url(client_record), target_post(once=once))  # a double click
    made = Target.objects.get(client=client_record)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == target_url(made)
    shown = page(as_therapist.get(again["Location"]))
    assert "The form was sent twice: “The car park” was set up once." in shown
    assert "Nothing was stored" not in shown

    # Another form (a new token, or none) with that label is refused at the label.
    for other in (once_of(as_therapist.get(new_url(client_record))), None):
        response = as_therapist.post(new_url(client_record), target_post(once=other))
        assert response.status_code == 400
        assert "This client has a target with this label already." in page(response)
    assert Target.objects.count() == 1


def test_a_token_that_is_not_one_is_ignored(as_therapist, client_record):
    response = as_therapist.post(new_url(client_record), target_post(once="x" * 5000))
    assert response.status_code == 302
    assert Target.objects.count() == 1


def test_a_label_stored_a_moment_before_is_refused_at_the_label_not_a_500(
    as_therapist, target, monkeypatch
):
    # Both requests checked the label before either stored it: the database refuses one.
    monkeypatch.setattr(services, "_label_free", lambda target: None)
    with pytest.raises(IntegrityError):  # what the page now stands in front of
        services.target_create(client=target.client, by=None, label=target.label)
    once = once_of(as_therapist.get(new_url(target.client)))
    response = as_therapist.post(new_url(target.client), target_post(label=target.label, once=once))
    assert response.status_code == 400
    assert '<ul class="errorlist" id="id_label_error"><li>This client has a target' in page(
        response
    )
    assert Target.objects.count() == 1

    other = services.target_create(client=target.client, by=None, label="The car park")
    data = target_post(part="details", label=target.label, memory="Changed.")
    response = as_therapist.post(target_url(other), data)
    assert response.status_code == 400
    shown = page(response)
    assert '<ul class="errorlist" id="id_label_error"><li>This client has a target' in shown
    assert "<h1>The car park</h1>" in shown
    other.refresh_from_db()
    assert (other.label, other.memory) == ("The car park", "")


def test_the_plan_order_has_the_models_limit(as_therapist, target):
    response = as_therapist.post(new_url(target.client), target_post(plan_order="1000"))
    assert response.status_code == 400
    assert 'id="id_plan_order_error"' in page(response)
    data = target_post(part="details", label=target.label, plan_order="999")
    assert as_therapist.post(target_url(target), data).status_code == 302
    target.refresh_from_db()
    assert target.plan_order == 999


def test_an_edit_refused_shows_the_stored_target_and_changes_nothing(as_therapist, target):
    services.target_create(client=target.client, by=None, label="The car park")
    data = target_post(part="details", label="The car park", memory="Changed.")
    response = as_therapist.post(target_url(target), data)
    assert response.status_code == 400
    shown = page(response)
    assert "<h1>The kitchen, age 9</h1>" in shown
    assert '<ul class="errorlist" id="id_label_error"><li>This client has a target' in shown
    target.refresh_from_db()
    assert (target.label, target.memory) == ("The kitchen, age 9", "Father shouting at the table.")


def test_therapist_edits_a_target(as_therapist, target):
    codes = words(target.client.clinic, 3)
    data = target_post(part="details", label="The kitchen, age 10", emotions=codes, plan_order="4")
    response = as_therapist.post(target_url(target), data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.label, target.plan_order, target.memory) == (
        "The kitchen, age 10",
        4,
        "Waiting in the car park, nobody came.",
    )
    assert sorted(target.emotions.values_list("code", flat=True)) == sorted(codes)
    assert target.status == "planned"  # the set-up never moves the status
    # The order left empty keeps the target where it is.
    as_therapist.post(target_url(target), {**data, "plan_order": ""})
    target.refresh_from_db()
    assert target.plan_order == 4


# --- Resolved: the product suggests, the therapist decides -----------------------------


def test_a_session_that_meets_the_rule_suggests_resolving_and_the_therapist_resolves(
    as_therapist, target
):
    session = held(target.client)
    ends = {"sud_end": "0", "voc_installed": "7", "body_scan_clear": "yes", "closure": "complete"}
    as_therapist.post(session_url(session), record_post(target, **ends))
    shown = page(as_therapist.get(session_url(session)))
    assert "“The kitchen, age 9” may be resolved" in shown
    assert "ended at SUD 0, VoC 7, body scan clear: this reads as resolved." in shown
    assert f'href="{target_url(target)}#status"' in shown

    assert "this reads as resolved." in page(as_therapist.get(target_url(target)))
    response = as_therapist.post(target_url(target), {"part": "status", "status": "resolved"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == "resolved"
    shown = page(as_therapist.get(target_url(target)))
    assert "Grounds: SUD 0, VoC 7, clear body scan" in shown
    assert "Marked resolved on" in shown and "this reads as resolved" not in shown
    # Resolved, it is suggested no more.
    assert "may be resolved" not in page(as_therapist.get(session_url(session)))


def test_a_later_reevaluation_alone_is_shown_and_the_rule_reads_the_processing_before_it(
    as_therapist, target
):
    ends = {"sud_end": "0", "voc_installed": "7", "body_scan_clear": "yes", "closure": "complete"}
    processed = held(target.client, days_ago=9)
    as_therapist.post(session_url(processed), record_post(target, **ends))
    services.target_status_set(target=target, status="resolved", by=None)
    services.record_save(
        session=held(target.client),
        target=target,
        by=None,
        phases=[8],
        reevaluation_sud=1,
        closure="complete",
    )
    services.target_status_set(target=target, status="in_progress", by=None, reason="Stirred.")
    shown = page(as_therapist.get(target_url(target)))
    assert '<th scope="col">SUD at reevaluation</th>' in shown
    cells = re.findall(r'<td class="numbers-cell">([^<]*)</td>', shown)
    assert cells == ["6", "8 → 0", "2 → 7", "1", "– → –", "– → –"]  # oldest first
    zone = ZoneInfo(target.client.clinic.time_zone)
    day = date_format(timezone.localtime(processed.starts_at, zone), "D j M Y")
    assert f"The session of {day} ended at SUD 0, VoC 7, body scan clear" in shown
    response = as_therapist.post(target_url(target), {"part": "status", "status": "resolved"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == "resolved"


def test_a_target_only_reevaluated_says_resolving_has_nothing_to_read(as_therapist, target):
    services.record_save(
        session=held(target.client),
        target=target,
        by=None,
        phases=[8],
        reevaluation_sud=2,
        closure="complete",
    )
    shown = page(as_therapist.get(target_url(target)))
    assert "No session has processed this target yet (phases 3 to 6)" in shown


def test_voc_six_needs_a_reason_and_the_refusal_changes_nothing(as_therapist, target):
    session = held(target.client)
    ends = {"sud_end": "0", "voc_installed": "6", "body_scan_clear": "yes", "closure": "complete"}
    as_therapist.post(session_url(session), record_post(target, **ends))
    assert "resolved is within your judgement" in page(as_therapist.get(session_url(session)))

    response = as_therapist.post(target_url(target), {"part": "status", "status": "resolved"})
    assert response.status_code == 400
    shown = page(response)
    assert '<ul class="errorlist" id="id_reason_error"><li>VoC 6: say why it is accepted' in shown
    target.refresh_from_db()
    assert target.status == "in_progress"
    assert [c.status for c in target.status_changes.all()] == ["planned", "in_progress"]

    reason = "Seven would not be true to life: he did leave."
    response = as_therapist.post(
        target_url(target), {"part": "status", "status": "resolved", "reason": reason}
    )
    assert response.status_code == 302
    change = target.status_changes.last()
    assert (change.status, change.grounds, change.reason) == ("resolved", "voc_accepted", reason)
    shown = page(as_therapist.get(target_url(target)))
    assert reason in shown and "Grounds: VoC 5-6 accepted" in shown


def test_sud_one_needs_the_therapists_judgement(as_therapist, target):
    ends = {"sud_end": "1", "voc_installed": "7", "body_scan_clear": "yes", "closure": "complete"}
    as_therapist.post(session_url(held(target.client)), record_post(target, **ends))
    response = as_therapist.post(target_url(target), {"part": "status", "status": "resolved"})
    assert response.status_code == 400
    assert 'id="id_sud_one_fitting_error"' in page(response)
    response = as_therapist.post(
        target_url(target), {"part": "status", "status": "resolved", "sud_one_fitting": "on"}
    )
    assert response.status_code == 302
    assert target.status_changes.last().grounds == "sud_one"


def test_resolving_against_the_numbers_says_what_stands_in_the_way(as_therapist, target):
    as_therapist.post(session_url(held(target.client)), record_post(target))  # SUD 3, not clear
    shown = page(as_therapist.get(target_url(target)))
    assert "ended at SUD 3, VoC 5, body scan not clear: this does not read as resolved." in shown
    response = as_therapist.post(
        target_url(target), {"part": "status", "status": "resolved", "reason": "Enough."}
    )
    assert response.status_code == 400
    shown = page(response)
    assert 'id="id_status_error"' in shown
    assert "SUD 3 at the end: resolved needs 0 (or 1)." in shown
    target.refresh_from_db()
    assert target.status == "in_progress"


def test_setting_a_target_aside_is_dated_in_its_history(as_therapist, target):
    response = as_therapist.post(
        target_url(target), {"part": "status", "status": "set_aside", "reason": "Not now."}
    )
    assert response.status_code == 302
    shown = page(as_therapist.get(target_url(target)))
    zone = ZoneInfo(target.client.clinic.time_zone)
    when = timezone.localtime(target.status_changes.last().changed_at, zone)
    assert f"Set aside</strong> · {when:%-d %b %Y, %H:%M}" in shown
    assert "Not now." in shown


# --- Who may ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_therapist", "other_clinic_therapist"])
def test_another_therapist_gets_404_and_changes_nothing(client, target, who, request):
    session = held(target.client)
    client.force_login(request.getfixturevalue(who).user)
    for url in (new_url(target.client), target_url(target), session_url(session)):
        assert client.get(url).status_code == 404, url
    status = {"part": "status", "status": "set_aside"}
    assert client.post(new_url(target.client), target_post()).status_code == 404
    assert client.post(target_url(target), status).status_code == 404
    assert client.post(session_url(session), record_post(target)).status_code == 404
    assert Target.objects.count() == 1 and not ProcessingRecord.objects.exists()
    target.refresh_from_db()
    assert target.status == "planned"


def test_a_target_or_session_of_another_client_is_a_404(as_therapist, target, therapist):
    other = factories.ClientFactory(primary_therapist=therapist)
    theirs, their_session = factories.TargetFactory(client=other), held(other)
    for url in (
        reverse("emdr-target", args=[target.client_id, theirs.pk]),
        reverse("emdr-session", args=[target.client_id, their_session.pk]),
    ):
        assert as_therapist.get(url).status_code == 404, url


def test_a_client_cannot_open_the_therapists_pages(client, target):
    client.force_login(target.client.user)
    assert client.get(target_url(target)).status_code == 403


def test_reads_are_in_the_audit_trail(as_therapist, target):
    session = held(target.client)
    as_therapist.post(session_url(session), record_post(target))
    as_therapist.get(target_url(target))
    viewed = AuditEvent.objects.filter(action="view")
    assert viewed.filter(object_type="target", object_ids=[target.pk]).exists()
    record = ProcessingRecord.objects.get()
    assert viewed.filter(object_type="processingrecord", object_ids=[record.pk]).count() == 1
    as_therapist.get(session_url(session))
    assert viewed.filter(object_type="processingrecord", object_ids=[record.pk]).count() == 2


def test_a_discharged_clients_record_is_read_only(as_therapist, target):
    session = held(target.client)
    target.client.status = "discharged"
    target.client.discharged_on = timezone.localdate()
    target.client.discharge_reason = "goals_met"
    target.client.save()
    shown = page(as_therapist.get(session_url(session)))
    assert "read-only" in shown and 'name="phases"' not in shown
    response = as_therapist.post(session_url(session), record_post(target))
    assert response.status_code == 302
    assert not ProcessingRecord.objects.exists()
    assert 'name="part"' not in page(as_therapist.get(target_url(target)))


# --- What the pages cost ---------------------------------------------------------------


@pytest.mark.parametrize(("n_targets", "n_sessions"), [(1, 1), (6, 12)])
def test_query_counts_do_not_grow_with_targets_and_sessions(
    as_therapist, client_record, django_assert_max_num_queries, n_targets, n_sessions
):
    targets = [factories.TargetFactory(client=client_record) for _ in range(n_targets)]
    sessions = [held(client_record, days_ago=40 - n) for n in range(n_sessions)]
    label = EmotionLabel.objects.filter(clinic=client_record.clinic).first()
    for target in targets:
        target.emotions.set([label])
        for session in sessions:
            factories.ProcessingRecordFactory(session=session, target=target)
    as_therapist.get(new_url(client_record))  # the login's first request saves its session
    # Besides the signed-in user's own (4): the client, the target, its words and the
    # clinic's, its records, its status changes, the held sessions, and two audit rows.
    with django_assert_max_num_queries(13):
        assert as_therapist.get(target_url(targets[0])).status_code == 200
    # The client, the session, its records, the targets, the library, two audit rows.
    with django_assert_max_num_queries(11):
        assert as_therapist.get(session_url(sessions[-1])).status_code == 200
    with django_assert_max_num_queries(7):
        assert as_therapist.get(new_url(client_record)).status_code == 200
