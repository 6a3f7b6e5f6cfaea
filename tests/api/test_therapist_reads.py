import pytest
from django.core.management import call_command

from clients.models import Alert
from tests import factories
from tests.pages import EXTERNAL


@pytest.mark.django_db
def test_me_tells_a_client_who_they_are_and_who_their_therapist_is(client_record, as_user):
    me = as_user(client_record.user).get("/api/v1/me/").json()
    assert me["role"] == "client"
    assert me["clinic"]["id"] == client_record.clinic_id
    assert me["client"] == {
        "id": client_record.pk,
        "label": client_record.label,
        "status": "active",
        "discharged_on": None,
        "time_zone": client_record.time_zone,
        "therapist_name": client_record.primary_therapist.display_name,
        "next_session": None,
        "other_person": {
            # The factory's client works on a breakup: the default word is "ex".
            "for_client": "your ex",
            "charge_question": "What do you feel toward your ex right now?",
            "mind_space_question": "How much of today did your ex take up in your thoughts?",
            "charge_negative_end": "anger or resentment",
            "charge_positive_end": "love or longing",
        },
    }
    assert me["therapist_id"] is None


@pytest.mark.django_db
def test_emotions_are_my_clinics_vocabulary(client_record, other_clinic, as_user):
    other_clinic.emotion_labels.create(code="their-word", name="Their word")
    codes = [e["code"] for e in as_user(client_record.user).get("/api/v1/emotions/").json()]
    assert "grief" in codes and "their-word" not in codes


@pytest.mark.django_db
def test_therapist_lists_only_the_clients_they_treat(therapist, other_therapist, as_user):
    mine = factories.ClientFactory(primary_therapist=therapist, focus_areas=["betrayal"])
    factories.ClientFactory(primary_therapist=other_therapist)
    listed = as_user(therapist.user).get("/api/v1/clients/").json()["results"]
    assert [c["id"] for c in listed] == [mine.pk]
    assert listed[0]["focus_areas"] == ["betrayal"]


@pytest.mark.django_db
def test_exercises_are_my_clinics_library(therapist, other_clinic, as_user):
    listed = as_user(therapist.user).get("/api/v1/exercises/").json()["results"]
    assert {e["id"] for e in listed} == set(therapist.clinic.exercises.values_list("id", flat=True))


@pytest.mark.django_db
def test_open_alerts_filter_and_a_follow_up_resolves_once(therapist, client_record, as_user):
    open_alert = factories.AlertFactory(client=client_record)
    seen = factories.AlertFactory(client=client_record)
    api = as_user(therapist.user)
    done = api.post(
        f"/api/v1/alerts/{seen.pk}/follow-up/",
        {"action": "contacted", "note": "Called; safe tonight."},
        format="json",
    )
    assert done.status_code == 201
    assert done.json()["follow_ups"][0]["note"] == "Called; safe tonight."
    open_ids = [a["id"] for a in api.get("/api/v1/alerts/", {"open": "true"}).json()["results"]]
    assert open_ids == [open_alert.pk]
    closed = api.get("/api/v1/alerts/", {"open": "false"}).json()["results"]
    assert [a["id"] for a in closed] == [seen.pk]
    assert closed[0]["acknowledged_by"] == therapist.display_name
    first_time = Alert.objects.get(pk=seen.pk).acknowledged_at
    again = api.post(f"/api/v1/alerts/{seen.pk}/follow-up/", {"action": "other", "note": "x"})
    assert again.status_code == 400
    assert again.json()["errors"][0]["field"] == "alert"
    assert Alert.objects.get(pk=seen.pk).acknowledged_at == first_time
    assert Alert.objects.get(pk=seen.pk).follow_ups.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "action"),
        ({"action": "called"}, "action"),
        ({"action": "other"}, "note"),
        ({"action": "contacted", "note": "x" * 4001}, "note"),
    ],
)
def test_a_follow_up_without_what_was_done_is_refused_and_changes_nothing(
    therapist, client_record, as_user, body, field
):
    alert = factories.AlertFactory(client=client_record)
    answer = as_user(therapist.user).post(
        f"/api/v1/alerts/{alert.pk}/follow-up/", body, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == field
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is None
    assert not alert.follow_ups.exists()


@pytest.mark.django_db
def test_unknown_api_path_answers_json_404(as_user, client_record):
    response = as_user(client_record.user).get("/api/v1/check-ins/not-a-number/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_openapi_schema_is_valid_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert "/api/v1/check-ins/" in (tmp_path / "s.yml").read_text()


@pytest.mark.django_db
def test_schema_and_docs_are_public_and_docs_use_local_assets(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "swagger-ui" in page
    assert not EXTERNAL.search(page)  # every script and style from our own static files
    assert "/static/drf_spectacular_sidecar/" in page


@pytest.mark.django_db
def test_old_idempotency_keys_are_purged_after_their_time(client_record, settings):
    import datetime as dt

    from django.utils import timezone

    from clinic.models import IdempotencyKey
    from clinic.tasks import idempotency_keys_purge

    old = IdempotencyKey.objects.create(
        user=client_record.user, key="old-key-1", fingerprint="x", status_code=201
    )
    IdempotencyKey.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - settings.IDEMPOTENCY_KEY_TTL - dt.timedelta(minutes=1)
    )
    recent = IdempotencyKey.objects.create(
        user=client_record.user, key="new-key-1", fingerprint="x", status_code=201
    )
    assert idempotency_keys_purge.delay().get() == 1
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [recent.pk]
