"""Plain helpers shared by the EMDR test files: the API's (test_api_*) and the
therapist pages' (test_target_pages, test_session_pages)."""

import datetime as dt
import uuid
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests import factories

# --- the API --------------------------------------------------------------------------
TARGETS = "/api/v1/emdr/targets/"
RECORDS = "/api/v1/emdr/records/"
TICES = "/api/v1/emdr/tices/"


def new_key() -> dict:
    return {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}


def fields(response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def tices_body(**overrides) -> dict:
    return {
        "occurred_at": (timezone.now() - dt.timedelta(hours=3)).isoformat(),
        "trigger": "His car outside the shop.",
        "image": "The car door.",
        "cognition": "I am alone.",
        "sensation": "Tight throat.",
        "emotions": ["grief"],
        "disturbance": 8,
        **overrides,
    }


# --- the therapist's pages -------------------------------------------------------------
def held(client_record, days_ago=2):
    return factories.SessionFactory(
        client=client_record,
        status="completed",
        starts_at=timezone.now() - timedelta(days=days_ago),
    )


def session_url(session) -> str:
    return reverse("emdr-session", args=[session.client_id, session.pk])


def page(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


# A session's processing with every field filled in.
def record_post(target, **changes) -> dict:
    data = {
        "target": target.pk,
        "phases": ["3", "4", "5", "6", "7"],
        "reevaluation_sud": "6",
        "sud_start": "8",
        "sud_end": "3",
        "voc_setup": "2",
        "voc_installed": "5",
        "sets_count": "24",
        "sets_kind": "tapping",
        "body_scan_clear": "no",
        "closure": "contained",
        "calming_technique": "Container",
        "calming_exercise": "",
        "notes": "Much anger at the father, then sadness.",
        "plan_next": "Reevaluate; go on with the kitchen.",
        **changes,
    }
    return {key: value for key, value in data.items() if value is not None}
