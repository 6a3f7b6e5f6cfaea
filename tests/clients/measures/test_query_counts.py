"""The measure pages and endpoints not pinned beside their other tests: each costs the same
number of queries for one response or schedule as for many."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


@pytest.fixture
def record(client_record):
    client_record.started_on = timezone.localdate() - dt.timedelta(weeks=20)
    client_record.save(update_fields=["started_on"])
    return client_record


def answered(record, times: int) -> list:
    return [
        factories.measure_response(
            record, code, completed_at=timezone.now() - dt.timedelta(days=7 * n + 1)
        )
        for n in range(times)
        for code in ("phq9", "gad7")
    ]


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    # The session's own write (the staff idle clock) comes with the moment, not the data.
    return sum(
        1
        for query in captured.captured_queries
        if "django_session" not in query["sql"] and "SAVEPOINT" not in query["sql"]
    )


@pytest.mark.django_db
def test_the_therapists_measure_pages_and_endpoints_do_not_grow(client, as_user, therapist, record):
    client.force_login(therapist.user)
    api = as_user(therapist.user)
    for code in ("phq9", "gad7"):
        factories.MeasureScheduleFactory(client=record, instrument=code)
    first = answered(record, 1)[0]
    detail = reverse("client-measure-response", args=[record.pk, first.pk])
    calls = {
        "answers page": lambda: client.get(detail),
        "paper form": lambda: client.get(reverse("client-measure-enter", args=[record.pk])),
        "FHIR": lambda: api.get(f"/api/v1/clients/{record.pk}/fhir/"),
        "schedules": lambda: api.get("/api/v1/measure-schedules/", {"client": record.pk}),
        "due": lambda: api.get("/api/v1/measures/due/", {"client": record.pk}),
        "instruments": lambda: api.get("/api/v1/instruments/"),
    }
    few = {name: queries(call) for name, call in calls.items()}
    answered(record, 12)
    for code in ("pcl5", "itq"):
        factories.MeasureScheduleFactory(client=record, instrument=code)
    many = {name: queries(call) for name, call in calls.items()}
    assert many == few


@pytest.mark.django_db
def test_the_clients_due_list_does_not_grow(as_user, record):
    me = as_user(record.user)
    factories.MeasureScheduleFactory(client=record, instrument="phq9")
    few = queries(lambda: me.get("/api/v1/measures/due/"))
    for code in ("gad7", "pcl5", "itq"):
        factories.MeasureScheduleFactory(client=record, instrument=code)
    answered(record, 6)
    assert queries(lambda: me.get("/api/v1/measures/due/")) == few
