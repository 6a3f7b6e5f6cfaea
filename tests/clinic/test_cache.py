"""The shared cache holds counts only: with Redis unreachable, a check-in (a safety answer
above all) and a "Forgot password?" request go through uncounted instead of failing."""

import datetime as dt
import logging
import uuid

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from clients.models import Alert, CheckIn
from clinic.cache import CountsRedisCache

# Nothing listens on port 1: the connection is refused at once.
NOWHERE = "redis://127.0.0.1:1/0"
UNREACHABLE = {
    "default": {
        "BACKEND": "clinic.cache.CountsRedisCache",
        "LOCATION": NOWHERE,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}


def test_an_unreachable_cache_reads_defaults_and_skips_writes(caplog):
    counts = CountsRedisCache(NOWHERE, {"OPTIONS": {"socket_connect_timeout": 1}})
    CountsRedisCache._warned_at = float("-inf")
    with caplog.at_level(logging.WARNING, logger="clinic.cache"):
        assert counts.get("throttle_user_1", []) == []
        counts.set("throttle_user_1", [1.0], 60)
        assert counts.add("password-reset:ip:x", 0, 3600) is True
        with pytest.raises(ValueError):
            counts.incr("password-reset:ip:x")
        assert counts.delete("throttle_user_1") is False
    # Said once, not once per request; and never what the key was about.
    assert [r.getMessage() for r in caplog.records] == [
        "Cache unreachable; limits are not counted (ConnectionError)"
    ]


@pytest.mark.django_db
def test_a_safety_answer_is_stored_and_answered_while_the_cache_is_away(
    client_record, as_user, django_capture_on_commit_callbacks
):
    me = as_user(client_record.user)
    body = {
        "occurred_at": (timezone.now() - dt.timedelta(minutes=2)).isoformat(),
        "emotions": [{"label": "grief", "intensity": 7}],
        "distress": 8,
        "safety_concern": True,
    }
    with override_settings(CACHES=UNREACHABLE), django_capture_on_commit_callbacks(execute=True):
        response = me.post(
            "/api/v1/check-ins/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
        )
    assert response.status_code == 201, response.content
    assert "crisis_resources" in response.json()
    assert CheckIn.objects.filter(client=client_record).count() == 1
    assert Alert.objects.get(client=client_record).is_open


@pytest.mark.django_db
def test_forgot_password_answers_as_usual_while_the_cache_is_away(client, client_record):
    cache.clear()
    with override_settings(CACHES=UNREACHABLE):
        response = client.post(
            reverse("password_reset"), {"email": client_record.user.email}, REMOTE_ADDR="192.0.2.9"
        )
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")


@pytest.mark.django_db
def test_healthz_says_degraded_not_down_while_the_cache_is_away(client):
    from clinic.outbox import delivery

    delivery.sweep()  # beat's heartbeat: only the cache is amiss
    with override_settings(CACHES=UNREACHABLE):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {
            "database": "ok",
            "broker": "ok",
            "cache": "unreachable",
            "email": "ok",
            "beat": "ok",
        },
    }
