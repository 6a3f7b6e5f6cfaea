"""Requests a careless or hostile client might send: each gets a clear 4xx, never a 500."""

import base64
import datetime as dt

import pytest
from django.utils import timezone

from clients.models import CheckIn
from clinic.api.throttles import LoginPerIPThrottle
from tests import factories
from tests.api.test_check_ins import body

URL = "/api/v1/check-ins/"


@pytest.fixture
def me(client_record, as_user):
    return as_user(client_record.user)


@pytest.mark.django_db
def test_deeply_nested_json_is_400(me, key):
    response = me.generic("POST", URL, b"[" * 5000, content_type="application/json", **key)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["\u00b2", "\u0661", "1.0", "-1", "1" * 30])
def test_client_filter_takes_plain_digits_only(me, value):
    assert me.get(URL, {"client": value}).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [{"until": "9999-12-31T23:59:59-14:00"}, {"since": "0001-01-01T00:00:00+14:00"}],
)
def test_times_that_overflow_in_utc_are_400(me, params):
    response = me.get(URL, params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "overflow"


@pytest.mark.django_db
@pytest.mark.parametrize("position", ["p=garbage", "o=x&p=1"])
def test_an_edited_cursor_is_invalid_not_a_crash(me, therapist, as_user, client_record, position):
    factories.CheckInFactory(client=client_record)
    cursor = base64.b64encode(position.encode()).decode()
    response = me.get(URL, {"cursor": cursor})
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "cursor"
    assert as_user(therapist.user).get("/api/v1/alerts/", {"cursor": cursor}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("page_size", ["0", "201", "-5", "null", "1e3", ""])
def test_a_page_size_outside_1_to_200_is_400_naming_it(me, page_size):
    response = me.get(URL, {"page_size": page_size})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "page_size", "code": "invalid", "message": "A whole number from 1 to 200."}
    ]


@pytest.mark.django_db
def test_a_repeated_page_size_is_400(me):
    assert me.get(f"{URL}?page_size=5&page_size=6").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("param", ["since", "until"])
def test_an_empty_filter_is_400_not_ignored(me, param):
    response = me.get(f"{URL}?{param}=")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == param


@pytest.mark.django_db
def test_an_empty_metrics_window_end_is_400(therapist, client_record, as_user):
    response = as_user(therapist.user).get(f"/api/v1/clients/{client_record.pk}/metrics/?until=")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "until"


@pytest.mark.django_db
def test_a_cursor_past_the_end_of_time_is_not_a_crash(me, client_record):
    # SQLite cannot hold year 10000 in UTC (404, invalid cursor); PostgreSQL can (an
    # honest page of everything before it). Either way, no 500.
    factories.CheckInFactory(client=client_record)
    cursor = base64.b64encode(b"p=9999-12-31 23:59:59-14:00").decode()
    assert me.get(URL, {"cursor": cursor}).status_code in {200, 404}


@pytest.mark.django_db
def test_post_without_the_trailing_slash_reaches_the_same_view(me, key):
    response = me.post(URL.rstrip("/"), body(), format="json", **key)
    assert response.status_code == 201
    assert CheckIn.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("moment", ["2026-03-01T09:30:00", "2026-03-01"])
def test_a_time_without_its_utc_offset_is_refused(me, key, moment):
    response = me.post(URL, body(occurred_at=moment), format="json", **key)
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "field": "occurred_at",
        "code": "offset",
        "message": "Give the date and time with a UTC offset, e.g. 2026-03-01T09:30:00+01:00.",
    }


@pytest.mark.django_db
def test_null_client_uuid_means_none_given(me, key):
    assert me.post(URL, body(client_uuid=None), format="json", **key).status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["1", "maybe", ""])
def test_open_filter_takes_true_or_false_only(therapist, as_user, value):
    response = as_user(therapist.user).get("/api/v1/alerts/", {"open": value})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "open"


@pytest.mark.django_db
def test_forwarded_for_header_does_not_dodge_the_login_limit(as_user, monkeypatch):
    monkeypatch.setattr(LoginPerIPThrottle, "rate", "2/min", raising=False)
    statuses = [
        as_user(None)
        .post(
            "/api/v1/auth/login/",
            {"email": f"user{n}@example.org", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"10.9.0.{n}",
        )
        .status_code
        for n in range(3)
    ]
    assert statuses == [400, 400, 429]


@pytest.mark.django_db
def test_occurred_at_far_in_the_past_after_offset_is_too_old(me, key):
    moment = (timezone.now() - dt.timedelta(days=40)).isoformat()
    assert me.post(URL, body(occurred_at=moment), format="json", **key).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["2026-11-01", "2026-11-01T09:30:00"])
def test_a_filter_time_without_its_offset_is_400(me, value):
    response = me.get(URL, {"since": value})
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "field": "since",
        "code": "offset",
        "message": "Give the date and time with a UTC offset, e.g. 2026-03-01T09:30:00+01:00.",
    }


# --- outcome measures ---------------------------------------------------------------
MEASURE_RESPONSES = "/api/v1/measure-responses/"


def measure_body(**overrides) -> dict:
    return {
        "instrument": "phq9",
        "answers": factories.measure_answers("phq9", 1),
        "completed_at": (timezone.now() - dt.timedelta(minutes=3)).isoformat(),
        **overrides,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/measure-schedules/", "/api/v1/measures/due/", MEASURE_RESPONSES]
)
@pytest.mark.parametrize("value", ["\u00b2", "1.0", "-1", "1" * 30, ""])
def test_measure_lists_take_a_plain_client_id_only(therapist, as_user, path, value):
    response = as_user(therapist.user).get(path, {"client": value})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "client"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"answers": [[[[[1]]]]]}, "answers"),
        ({"answers": "1,1,1,1,1,1,1,1,1"}, "answers"),
        ({"answers": None}, "answers"),
        ({"answers": {"x" * 500: 1}}, "answers"),
        ({"answers": {str(n): 1 for n in range(1000)}}, "answers"),
        ({"answers": {**factories.measure_answers("phq9"), "9": 10**40}}, "answers.9"),
        ({"answers": {**factories.measure_answers("phq9"), "9": {"value": 1}}}, "answers.9"),
        ({"answers": {**factories.measure_answers("phq9"), "9": -1}}, "answers.9"),
        ({"instrument": ["phq9"]}, "instrument"),
        ({"instrument": "PHQ9"}, "instrument"),
        ({"difficulty": True}, "difficulty"),
        ({"difficulty": 10**40}, "difficulty"),
        ({"completed_at": "9999-12-31T23:59:59-14:00"}, "completed_at"),
        ({"completed_at": "0001-01-01T00:00:00+14:00"}, "completed_at"),
        ({"client_uuid": "not-a-uuid"}, "client_uuid"),
        ({"client": "me"}, "client"),
        ({"score": 0}, "score"),
    ],
)
def test_a_hostile_measure_response_is_400_naming_the_field_and_stores_nothing(
    me, key, overrides, field
):
    from clients.measures.models import MeasureResponse

    response = me.post(MEASURE_RESPONSES, measure_body(**overrides), format="json", **key)
    assert response.status_code == 400
    assert field in {error["field"] for error in response.json()["errors"]}
    assert not MeasureResponse.objects.exists()


@pytest.mark.django_db
def test_a_measure_response_body_that_is_not_an_object_is_400(me, key):
    for raw in (b"[]", b'"phq9"', b"null", b"[" * 5000):
        response = me.generic(
            "POST", MEASURE_RESPONSES, raw, content_type="application/json", **key
        )
        assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"instrument": "bdi"}, {"instrument": ""}, {"cursor": "x"}])
def test_measure_response_list_filters_are_checked(me, params):
    assert me.get(MEASURE_RESPONSES, params).status_code in {400, 404}


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-02-30", 20261201])
def test_a_schedule_day_far_from_today_or_impossible_is_400(therapist, client_record, as_user, day):
    body = {"client": client_record.pk, "instrument": "phq9", "cadence": "once", "starts_on": day}
    api = as_user(therapist.user)
    response = api.post(
        "/api/v1/measure-schedules/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-schedule-1"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "starts_on"
    schedule = factories.MeasureScheduleFactory(client=client_record)
    response = api.patch(
        f"/api/v1/measure-schedules/{schedule.pk}/", {"ends_on": day}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "ends_on"


@pytest.mark.django_db
def test_a_fhir_export_of_an_id_past_any_integer_is_404(therapist, as_user):
    api = as_user(therapist.user)
    assert api.get(f"/api/v1/clients/{'9' * 30}/fhir/").status_code == 404
    assert api.get("/api/v1/clients/abc/fhir/").status_code == 404
