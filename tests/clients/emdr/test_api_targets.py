"""The EMDR API: targets and their status."""

import pytest

from clients.emdr.models import Target, TicesEntry
from tests import factories
from tests.clients.emdr.helpers import RECORDS, TARGETS, TICES, fields, new_key, tices_body

pytestmark = pytest.mark.usefixtures("_fresh_throttle_counters")


def target_body(who, **overrides) -> dict:
    return {
        "client": who.pk,
        "label": "The kitchen, age 9",
        "shown_to_client": True,
        "memory": "Father shouting at the table.",
        "worst_image": "His hand on the table.",
        "negative_cognition": "I am not safe.",
        "positive_cognition": "I am safe now.",
        "emotions": ["grief", "longing"],
        "body_location": "Chest",
        "sequence": "past",
        "focus_area": "childhood",
        **overrides,
    }


@pytest.fixture
def target(client_record):
    return factories.TargetFactory(client=client_record, label="The car park", shown_to_client=True)


@pytest.fixture
def outsiders(as_user, other_therapist, other_clinic_therapist):
    return [as_user(other_therapist.user), as_user(other_clinic_therapist.user)]


# --- targets ------------------------------------------------------------------------
@pytest.mark.django_db
def test_therapist_sets_up_a_target_stored_once_per_key(staff, client_record):
    key = new_key()
    first = staff.post(TARGETS, target_body(client_record), format="json", **key)
    again = staff.post(TARGETS, target_body(client_record), format="json", **key)
    assert first.status_code == again.status_code == 201, first.json()
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    made = first.json()
    assert made["memory"] == "Father shouting at the table."
    assert {e["code"] for e in made["emotions"]} == {"grief", "longing"}
    assert (made["status"], made["plan_order"], made["resolution"]) == ("planned", 1, None)
    assert [c["status"] for c in made["status_changes"]] == ["planned"]
    assert Target.objects.count() == 1
    assert staff.get(f"{TARGETS}{made['id']}/").json() == made


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"emotions": ["grief", "no-such-word"]}, "emotions"),
        ({"label": ""}, "label"),
        ({"label": "x" * 61}, "label"),
        ({"sequence": "someday"}, "sequence"),
        ({"plan_order": 0}, "plan_order"),
        ({"plan_order": 1000}, "plan_order"),  # the model's limit, as on the page
        ({"plan_order": "2"}, "plan_order"),
        ({"shown_to_client": "yes"}, "shown_to_client"),
        ({"memory": 5}, "memory"),
        ({"emotions": "grief"}, "emotions"),
        ({"emotions": ["grief"] * 21}, "emotions"),
        ({"client": None}, "client"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_wrong_target_is_400_naming_the_field_and_stores_nothing(
    staff, client_record, overrides, field
):
    response = staff.post(
        TARGETS, target_body(client_record, **overrides), format="json", **new_key()
    )
    assert response.status_code == 400
    assert field in fields(response)
    assert not Target.objects.exists()


@pytest.mark.django_db
def test_a_target_names_a_client_i_treat_and_a_label_new_for_them(
    staff, client_record, target, other_clinic_therapist
):
    for outsider in (
        factories.ClientFactory(
            primary_therapist=factories.TherapistFactory(clinic=client_record.clinic)
        ),
        factories.ClientFactory(primary_therapist=other_clinic_therapist),
    ):
        response = staff.post(TARGETS, target_body(outsider), format="json", **new_key())
        assert (response.status_code, fields(response)) == (400, {"client"})
    taken = staff.post(TARGETS, target_body(client_record, label="The car park"), **new_key())
    assert (taken.status_code, fields(taken)) == (400, {"label"})
    assert Target.objects.count() == 1


@pytest.mark.django_db
def test_therapist_changes_what_a_target_says(staff, target):
    url = f"{TARGETS}{target.pk}/"
    changed = staff.patch(url, {"label": "Car park, at night", "emotions": ["hopeful"]})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["label"] == "Car park, at night"
    assert [e["code"] for e in changed.json()["emotions"]] == ["hopeful"]
    assert changed.json()["memory"] == target.memory  # left alone
    assert fields(staff.patch(url, {"sud_end": 0})) == {"sud_end"}
    assert fields(staff.patch(url, {"plan_order": None})) == {"plan_order"}


@pytest.mark.django_db
def test_a_client_sees_only_the_labels_shown_and_never_the_memory(me, target, hidden):
    listed = me.get(TARGETS).json()["results"]
    assert listed == [{"id": target.pk, "label": "The car park"}]
    assert me.get(f"{TARGETS}{target.pk}/").json() == {"id": target.pk, "label": "The car park"}
    assert me.get(f"{TARGETS}{hidden.pk}/").status_code == 404
    assert me.patch(f"{TARGETS}{target.pk}/", {"label": "Mine"}).status_code == 403
    assert me.post(TARGETS, target_body(target.client), **new_key()).status_code == 403


@pytest.mark.django_db
def test_other_therapist_and_other_clinic_get_404(outsiders, client_record, target):
    record = factories.ProcessingRecordFactory(target=target)
    factories.TicesEntryFactory(client=client_record)
    for api in outsiders:
        assert api.get(f"{TARGETS}{target.pk}/").status_code == 404
        assert api.patch(f"{TARGETS}{target.pk}/", {"label": "x"}).status_code == 404
        assert api.post(f"{TARGETS}{target.pk}/status/", {"status": "set_aside"}).status_code == 404
        assert api.get(f"{RECORDS}{record.pk}/").status_code == 404
        assert api.patch(f"{RECORDS}{record.pk}/", {"sud_end": 0}).status_code == 404
        for url in (TARGETS, RECORDS, TICES):
            assert api.get(url, {"client": client_record.pk}).status_code == 404
            assert api.get(url).json()["results"] == []
        assert api.get(RECORDS, {"target": target.pk}).status_code == 404
    target.refresh_from_db()
    assert target.label == "The car park" and target.status == "planned"


@pytest.mark.django_db
def test_a_discharged_clients_new_target_and_log_entry_are_403(staff, me, client_record):
    client_record.status = "discharged"
    client_record.discharged_on = client_record.started_on
    client_record.save(update_fields=["status", "discharged_on"])
    response = staff.post(TARGETS, target_body(client_record), format="json", **new_key())
    assert response.status_code == 403 and "ended" in response.json()["errors"][0]["message"]
    assert me.post(TICES, tices_body(), format="json", **new_key()).status_code == 403
    assert not Target.objects.exists() and not TicesEntry.objects.exists()


@pytest.mark.django_db
def test_target_list_query_count_does_not_grow(staff, client_record, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            factories.ProcessingRecordFactory(target=factories.TargetFactory(client=client_record))

    add(2)
    with django_assert_num_queries(8) as few:
        staff.get(TARGETS)
    add(15)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(staff.get(TARGETS).json()["results"]) == 17


# --- status and the resolution rule -------------------------------------------------
def _worked(target, **numbers):
    return factories.ProcessingRecordFactory(
        target=target, phases=[4, 5, 6, 7], closure="complete", **numbers
    )


@pytest.mark.django_db
def test_a_resolution_with_voc_6_needs_a_reason_then_is_accepted(staff, target):
    _worked(target, sud_end=0, voc_installed=6, body_scan_clear=True)
    url = f"{TARGETS}{target.pk}/status/"
    refused = staff.post(url, {"status": "resolved"})
    assert (refused.status_code, fields(refused)) == (400, {"reason"})
    target.refresh_from_db()
    assert target.status == "planned"
    accepted = staff.post(url, {"status": "resolved", "reason": "Seven would not be true."})
    assert accepted.status_code == 200, accepted.json()
    body = accepted.json()
    assert body["status"] == "resolved"
    assert body["resolution"]["meets_rule"] is False
    assert body["resolution"]["needs_judgement"] is True
    assert body["status_changes"][-1]["grounds"] == "voc_accepted"
    assert body["status_changes"][-1]["reason"] == "Seven would not be true."


@pytest.mark.django_db
def test_the_answer_says_what_the_rule_reads_for_the_app_to_suggest(staff, target):
    _worked(target, sud_end=0, voc_installed=7, body_scan_clear=True)
    shown = staff.get(f"{TARGETS}{target.pk}/").json()["resolution"]
    assert (shown["meets_rule"], shown["problems"]) == (True, {})
    resolved = staff.post(f"{TARGETS}{target.pk}/status/", {"status": "resolved"})
    assert resolved.json()["status_changes"][-1]["grounds"] == "rule"


@pytest.mark.django_db
def test_sud_one_asks_for_the_therapists_judgement(staff, target):
    _worked(target, sud_end=1, voc_installed=7, body_scan_clear=True)
    url = f"{TARGETS}{target.pk}/status/"
    assert fields(staff.post(url, {"status": "resolved"})) == {"sud_one_fitting"}
    done = staff.post(url, {"status": "resolved", "sud_one_fitting": True})
    assert done.json()["status_changes"][-1]["grounds"] == "sud_one"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "resolved"}, "status"),  # no session has worked it yet
        ({"status": "done"}, "status"),
        ({}, "status"),
        ({"status": "set_aside", "sud_one_fitting": "true"}, "sud_one_fitting"),
        ({"status": "set_aside", "reason": ["x"]}, "reason"),
    ],
)
def test_a_wrong_status_change_is_400_naming_the_field(staff, target, body, field):
    response = staff.post(f"{TARGETS}{target.pk}/status/", body, format="json")
    assert (response.status_code, fields(response)) == (400, {field})
    assert target.status_changes.count() == 0


@pytest.mark.django_db
def test_sud_two_cannot_be_resolved_and_the_answer_names_it(staff, target):
    _worked(target, sud_end=2, voc_installed=7, body_scan_clear=True)
    response = staff.post(f"{TARGETS}{target.pk}/status/", {"status": "resolved", "reason": "x"})
    assert fields(response) == {"sud_end"}
    assert staff.get(f"{TARGETS}{target.pk}/").json()["resolution"]["problems"].keys() == {
        "sud_end"
    }
