import datetime as dt
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from clients.models import Alert, CheckIn
from tests import factories

URL = "/api/v1/check-ins/"


def body(**overrides):
    data = {
        "occurred_at": (timezone.now() - dt.timedelta(minutes=3)).isoformat(),
        "emotions": [
            {"label": "grief", "intensity": 7},
            {"label": "longing", "intensity": 5},
            {"label": "hopeful", "intensity": 2},
        ],
        "distress": 6,
        "charge": 3,
        "mind_space": 55,
        "self_compassion": 4,
        "resistance": 2,
        "wants_to_discuss": True,
        "safety_concern": False,
        "note": "Found the old photos today.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def me(client_record, as_user):
    return as_user(client_record.user)


@pytest.mark.django_db
def test_client_sends_a_check_in_and_gets_it_back(me, client_record, key):
    response = me.post(URL, body(), format="json", **key)
    assert response.status_code == 201, response.json()
    stored = response.json()
    assert stored["client"] == client_record.pk
    assert [e["label"] for e in stored["emotions"]] == ["grief", "longing", "hopeful"]
    assert stored["emotions"][0]["name"] == "Grief"
    assert stored["distress"] == 6 and stored["charge"] == 3 and stored["mind_space"] == 55
    assert stored["note"] == "Found the old photos today."
    assert stored["crisis_resources"] is None
    assert stored["occurred_at"].endswith(("Z", "+00:00"))
    assert me.get(f"{URL}{stored['id']}/").json() == stored


@pytest.mark.django_db
def test_skipped_ratings_are_stored_as_unanswered(me, key):
    data = body()
    for name in ("charge", "mind_space", "self_compassion", "resistance", "note"):
        del data[name]
    stored = me.post(URL, data, format="json", **key).json()
    assert stored["charge"] is None and stored["self_compassion"] is None
    assert stored["note"] == ""


@pytest.mark.django_db
def test_retry_with_same_key_returns_the_original_and_stores_nothing(me, key):
    data = body()
    first = me.post(URL, data, format="json", **key)
    again = me.post(URL, data, format="json", **key)
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert CheckIn.objects.count() == 1


@pytest.mark.django_db
def test_same_key_with_a_different_body_is_422(me, key):
    me.post(URL, body(), format="json", **key)
    response = me.post(URL, body(distress=2), format="json", **key)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert CheckIn.objects.get().distress == 6


@pytest.mark.django_db
def test_keys_belong_to_one_user(me, other_client_record, as_user, key):
    me.post(URL, body(), format="json", **key)
    response = as_user(other_client_record.user).post(URL, body(), format="json", **key)
    assert response.status_code == 201
    assert CheckIn.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("header", [None, "short", "has spaces in it", "x" * 129])
def test_missing_or_malformed_key_is_400(me, header):
    extra = {} if header is None else {"HTTP_IDEMPOTENCY_KEY": header}
    response = me.post(URL, body(), format="json", **extra)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_repeated_client_uuid_is_stored_once_even_with_a_new_key(me):
    data = body(client_uuid=str(uuid.uuid4()))
    first = me.post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY="key-one-1")
    later = me.post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY="key-two-2")
    assert first.status_code == 201
    assert later.status_code == 200
    assert later.json()["id"] == first.json()["id"]
    assert CheckIn.objects.count() == 1


def _fields(response):
    return {(e["field"], e["code"]) for e in response.json()["errors"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        (body(emotions=[]), "emotions", "empty"),
        (body(emotions=[{"label": "euphoric", "intensity": 4}]), "emotions", "invalid"),
        (
            body(emotions=[{"label": "grief", "intensity": 4}, {"label": "grief", "intensity": 5}]),
            "emotions",
            "duplicate",
        ),
        (
            body(emotions=[{"label": "grief", "intensity": 11}]),
            "emotions[0].intensity",
            "max_value",
        ),
        (body(emotions=[{"label": "grief"}]), "emotions[0].intensity", "required"),
        (
            body(emotions=[{"label": "grief", "intensity": 3, "x": 1}]),
            "emotions[0].x",
            "unknown_field",
        ),
        (body(distress=11), "distress", "max_value"),
        (body(distress=-1), "distress", "min_value"),
        (body(distress="5"), "distress", "invalid"),
        (body(distress=5.5), "distress", "invalid"),
        (body(distress=None), "distress", "required"),
        ({k: v for k, v in body().items() if k != "distress"}, "distress", "required"),
        ({k: v for k, v in body().items() if k != "emotions"}, "emotions", "empty"),
        (body(charge=-6), "charge", "min_value"),
        (body(charge=6), "charge", "max_value"),
        (body(mind_space=101), "mind_space", "max_value"),
        (body(self_compassion=11), "self_compassion", "max_value"),
        (body(resistance=-1), "resistance", "min_value"),
        (body(safety_concern="yes"), "safety_concern", "invalid"),
        (body(note="x" * 4001), "note", "max_length"),
        (body(note=5), "note", "invalid"),
        (body(occurred_at="yesterday"), "occurred_at", "invalid"),
        (
            body(occurred_at=(timezone.now() + dt.timedelta(minutes=6)).isoformat()),
            "occurred_at",
            "in_future",
        ),
        (
            body(occurred_at=(timezone.now() - dt.timedelta(days=31)).isoformat()),
            "occurred_at",
            "too_old",
        ),
        (body(client_uuid="not-a-uuid"), "client_uuid", "invalid"),
        (body(mood="fine"), "mood", "unknown_field"),
        (body(id=5), "id", "unknown_field"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_input_names_field_and_reason_and_stores_nothing(me, key, data, field, code):
    response = me.post(URL, data, format="json", **key)
    assert response.status_code == 400
    assert (field, code) in _fields(response), response.json()
    assert all(e["message"] for e in response.json()["errors"])
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_emotion_from_another_clinics_vocabulary_is_refused(me, other_clinic, key):
    other_clinic.emotion_labels.create(code="their-word", name="Their word")
    response = me.post(
        URL, body(emotions=[{"label": "their-word", "intensity": 3}]), format="json", **key
    )
    assert response.status_code == 400
    assert _fields(response) == {("emotions", "invalid")}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b"", "application/json"),
    ],
)
def test_malformed_bodies_are_400(me, key, payload, content_type):
    response = me.generic("POST", URL, payload, content_type=content_type, **key)
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_body_over_64_kb_is_refused(me, key):
    payload = b'{"note": "' + b"x" * (64 * 1024) + b'"}'
    response = me.generic("POST", URL, payload, content_type="application/json", **key)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "body_too_large"


@pytest.mark.django_db
def test_form_encoded_body_is_415(me, key):
    response = me.post(URL, {"distress": 3}, format="multipart", **key)
    assert response.status_code == 415


@pytest.mark.django_db
def test_safety_concern_raises_an_alert_returns_crisis_resources_and_emails_without_details(
    me, client_record, key, django_capture_on_commit_callbacks
):
    clinic = client_record.clinic
    clinic.crisis_resources = "Call 116 123 any time."
    clinic.save(update_fields=["crisis_resources"])
    with django_capture_on_commit_callbacks(execute=True):
        response = me.post(URL, body(safety_concern=True), format="json", **key)
    assert response.status_code == 201
    assert response.json()["crisis_resources"] == "Call 116 123 any time."
    alert = Alert.objects.get(client=client_record)
    assert alert.is_open and alert.check_in_id == response.json()["id"]
    assert alert.notified_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [client_record.primary_therapist.user.email]
    text = message.subject + message.body
    assert "photos" not in text and client_record.label not in text
    assert "http" in message.body


@pytest.mark.django_db
def test_list_is_newest_first_cursor_paginated_and_filtered_by_time(me, client_record):
    now = timezone.now()
    for days in range(5):
        factories.CheckInFactory(client=client_record, occurred_at=now - dt.timedelta(days=days))
    page = me.get(URL, {"page_size": 2}).json()
    first_two = [r["occurred_at"] for r in page["results"]]
    assert first_two == sorted(first_two, reverse=True)
    assert page["next"] and "cursor=" in page["next"]
    rest = me.get(page["next"]).json()
    assert len(rest["results"]) == 2
    since = (now - dt.timedelta(days=1, hours=1)).isoformat()
    assert len(me.get(URL, {"since": since}).json()["results"]) == 2
    until = (now - dt.timedelta(days=3, hours=1)).isoformat()
    assert len(me.get(URL, {"until": until}).json()["results"]) == 1
    bad = me.get(URL, {"since": "last tuesday"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "since"


@pytest.mark.django_db
def test_client_sees_only_their_own_check_ins(me, other_client_record, client_record):
    mine = factories.CheckInFactory(client=client_record)
    theirs = factories.CheckInFactory(client=other_client_record)
    ids = [r["id"] for r in me.get(URL).json()["results"]]
    assert ids == [mine.pk]
    assert me.get(f"{URL}{theirs.pk}/").status_code == 404
    assert me.get(URL, {"client": other_client_record.pk}).status_code == 404


@pytest.mark.django_db
def test_therapist_reads_a_clients_check_ins_only_when_treating_them(
    as_user, therapist, other_therapist, other_clinic_therapist, client_record
):
    check_in = factories.CheckInFactory(client=client_record)
    url = f"{URL}?client={client_record.pk}"
    assert as_user(therapist.user).get(url).json()["results"][0]["id"] == check_in.pk
    assert as_user(other_therapist.user).get(url).status_code == 404
    assert as_user(other_clinic_therapist.user).get(url).status_code == 404
    assert as_user(other_therapist.user).get(f"{URL}{check_in.pk}/").status_code == 404
    assert as_user(therapist.user).get(f"{URL}?client=abc").status_code == 400


@pytest.mark.django_db
def test_list_query_count_does_not_grow(me, client_record, django_assert_max_num_queries):
    for _ in range(30):
        factories.CheckInEmotionFactory(check_in=factories.CheckInFactory(client=client_record))
    with django_assert_max_num_queries(9):
        assert len(me.get(URL).json()["results"]) == 30


@pytest.mark.django_db
def test_no_health_information_in_logs(me, key, caplog):
    sentinel = "SENTINEL-tell-no-one"
    with caplog.at_level("DEBUG"):
        me.post(URL, body(note=sentinel), format="json", **key)
        me.post(
            URL, body(note=sentinel, distress=99), format="json", HTTP_IDEMPOTENCY_KEY="k-2-bad-one"
        )
        me.post(URL, body(note=sentinel + "x"), format="json", **key)  # 422: reused key
    assert caplog.records  # the rejected requests were logged...
    assert sentinel not in caplog.text  # ...without what the client wrote


@pytest.mark.django_db
def test_requests_are_throttled_per_user(me, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "rate", "3/min", raising=False)
    statuses = [me.get(URL).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.django_db
def test_every_offending_field_is_reported_at_once(me, key):
    data = body(distress=11, mood="fine", emotions=[{"label": "grief", "intensity": 12}])
    response = me.post(URL, data, format="json", **key)
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {
        "distress",
        "mood",
        "emotions[0].intensity",
    }


@pytest.mark.django_db
def test_a_discharged_client_cannot_send_check_ins(me, client_record, key):
    client_record.status = "discharged"
    client_record.discharged_on = client_record.started_on
    client_record.save(update_fields=["status", "discharged_on"])
    response = me.post(URL, body(), format="json", **key)
    assert response.status_code == 403
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "missing",
    [("emotions",), ("distress",), ("emotions", "distress", "charge", "mind_space")],
    ids=lambda v: "+".join(v),
)
def test_a_safety_answer_is_kept_whatever_else_is_missing(me, client_record, key, missing):
    data = {k: v for k, v in body(safety_concern=True).items() if k not in missing}
    data["note"] = "I can't do this anymore."
    response = me.post(URL, data, format="json", **key)
    assert response.status_code == 201, response.json()
    stored = CheckIn.objects.get()
    assert stored.safety_concern and stored.note == "I can't do this anymore."
    assert Alert.objects.get(check_in=stored).kind == "safety_concern"
    assert response.json()["crisis"] is not None
    if "distress" in missing:
        assert stored.distress is None and response.json()["distress"] is None


@pytest.mark.django_db
def test_reports_read_a_safety_answer_without_ratings(client_record, as_user, client):
    from clients.services import check_in_prepare, check_in_record

    factories.CheckInFactory(client=client_record, distress=6)
    draft = check_in_prepare(
        client=client_record, occurred_at=timezone.now(), emotions=[], safety_concern=True
    )
    check_in, _ = check_in_record(draft=draft)
    therapist = client_record.primary_therapist.user
    client.force_login(therapist)
    for url in ("/", f"/clients/{client_record.pk}/", f"/clients/{client_record.pk}/prep/"):
        assert client.get(url).status_code == 200, url
    alert = Alert.objects.get(check_in=check_in)
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "not given" in page
    metrics = as_user(therapist).get(f"/api/v1/clients/{client_record.pk}/metrics/")
    assert metrics.status_code == 200
    assert metrics.json()["check_ins"] == 2 and metrics.json()["distress"]["count"] == 1
    client.force_login(client_record.user)
    assert client.get("/me/").status_code == 200


@pytest.mark.django_db
def test_a_check_in_without_feelings_or_distress_names_both(me, key):
    data = {k: v for k, v in body().items() if k not in ("emotions", "distress")}
    response = me.post(URL, data, format="json", **key)
    assert response.status_code == 400
    assert {("emotions", "empty"), ("distress", "required")} <= _fields(response)
    assert not CheckIn.objects.exists()
