"""A safety answer is kept even when something else in its check-in is wrong: the alert
is raised, the therapist told, and the answer names what was left out."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from clients.models import Alert, CheckIn
from clinic.outbox.models import OutboxMessage

URL = "/api/v1/check-ins/"
WORDS = "I can't keep myself safe tonight."


@pytest.fixture
def me(client_record, as_user):
    return as_user(client_record.user)


def send(me, body, key=None):
    return me.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()))


def answer(**fields) -> dict:
    return {
        "occurred_at": timezone.now().isoformat(),
        "safety_concern": True,
        "note": WORDS,
        **fields,
    }


def not_kept(response) -> dict:
    return {item["field"]: item["message"] for item in response.json()["not_kept"]}


@pytest.mark.django_db
def test_a_phone_clock_ten_minutes_ahead_does_not_lose_a_safety_answer(me, client_record):
    ahead = (timezone.now() + dt.timedelta(minutes=10)).isoformat()
    response = send(me, answer(occurred_at=ahead))
    assert response.status_code == 201, response.json()
    assert response.json()["crisis_resources"] is not None
    assert "occurred_at" in not_kept(response)
    assert not_kept(response)["occurred_at"].startswith("Not kept: ")
    stored = CheckIn.objects.get(client=client_record)
    assert stored.safety_concern and stored.note == WORDS
    assert abs((stored.occurred_at - timezone.now()).total_seconds()) < 5, "when it arrived"
    alert = Alert.objects.get(check_in=stored)
    assert OutboxMessage.objects.filter(kind="alert_notify", object_id=alert.pk).exists()


@pytest.mark.django_db
def test_a_note_over_the_limit_keeps_as_much_as_fits(me, client_record):
    long_note = WORDS + " " + "x" * 5000
    response = send(me, answer(note=long_note))
    assert response.status_code == 201
    assert not_kept(response)["note"] == "Kept the first 3998 characters."
    assert CheckIn.objects.get(client=client_record).note == long_note[:3998] + " …"


@pytest.mark.django_db
def test_a_rating_past_the_scale_is_kept_at_its_end_unknown_things_are_left_out(me, client_record):
    response = send(
        me,
        answer(
            distress=11,
            emotions=[
                {"label": "retired-word", "intensity": 5},
                {"label": "grief", "intensity": 7},
            ],
            mood="low",
        ),
    )
    assert response.status_code == 201, response.json()
    said = not_kept(response)
    assert set(said) == {"distress", "emotions", "mood"}
    assert said["distress"] == "Kept as 10, the end of the scale."
    assert "retired-word" in said["emotions"] and "grief" not in said["emotions"]
    stored = CheckIn.objects.get(client=client_record)
    assert stored.distress == 10, "the strongest signal the client gave is kept"
    assert [e.label.code for e in stored.emotions.all()] == ["grief"]
    assert stored.note == WORDS


@pytest.mark.django_db
def test_a_valid_body_with_a_feeling_outside_the_vocabulary_keeps_the_rest(me, client_record):
    response = send(
        me,
        answer(
            distress=8,
            emotions=[{"label": "grief", "intensity": 6}, {"label": "nope", "intensity": 2}],
        ),
    )
    assert response.status_code == 201, response.json()
    assert set(not_kept(response)) == {"emotions"}
    stored = CheckIn.objects.get(client=client_record)
    assert stored.distress == 8 and stored.safety_concern
    assert [e.label.code for e in stored.emotions.all()] == ["grief"], "the valid one stays"


@pytest.mark.django_db
def test_a_retry_of_a_kept_answer_is_answered_the_same_and_stored_once(me, client_record):
    key = str(uuid.uuid4())
    ahead = (timezone.now() + dt.timedelta(minutes=10)).isoformat()
    first = send(me, answer(occurred_at=ahead), key)
    again = send(me, answer(occurred_at=ahead), key)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and "not_kept" in again.json()
    assert CheckIn.objects.filter(client=client_record).count() == 1
    assert Alert.objects.filter(client=client_record).count() == 1


@pytest.mark.django_db
def test_anything_else_wrong_without_a_safety_answer_is_still_refused(me, client_record):
    ahead = (timezone.now() + dt.timedelta(minutes=10)).isoformat()
    body = answer(occurred_at=ahead, safety_concern=False, distress=5)
    body["emotions"] = [{"label": "grief", "intensity": 4}]
    response = send(me, body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "occurred_at"
    assert not CheckIn.objects.filter(client=client_record).exists()


@pytest.mark.django_db
def test_a_discharged_clients_answer_is_still_refused_as_treatment_has_ended(
    client_record, as_user
):
    client_record.status = client_record.Status.DISCHARGED
    client_record.discharged_on = timezone.localdate()
    client_record.save()
    response = send(as_user(client_record.user), answer(distress=11))
    assert response.status_code == 403
    assert "Treatment has ended" in response.json()["errors"][0]["message"]
    assert not CheckIn.objects.filter(client=client_record).exists()
