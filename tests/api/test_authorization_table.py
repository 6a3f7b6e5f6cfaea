"""Who may call what: every API route and method, for every kind of requester.

A route the server offers that is missing from TABLE fails the test, so a new
endpoint cannot ship without saying who may use it.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests import factories

ROLES = [
    "anonymous",
    "client",
    "other_client",
    "therapist",
    "other_therapist",
    "other_clinic_therapist",
    "clinic_admin",
    "covering_therapist",
]


def row(anonymous, client, other_client, therapist, other_therapist, other_clinic, admin, cover):
    """``cover``: a colleague who covers alerts; they reach an escalated alert and no more."""
    return dict(
        zip(
            ROLES,
            [
                anonymous,
                client,
                other_client,
                therapist,
                other_therapist,
                other_clinic,
                admin,
                cover,
            ],
            strict=True,
        )
    )


# (method, path) -> expected status per role. {client}, {check_in}, ... are filled in
# from the records below. Empty POST/PATCH bodies: 400 means "allowed, but say what".
TABLE = {
    ("POST", "auth/login/"): row(400, 400, 400, 400, 400, 400, 400, 400),
    ("POST", "auth/logout/"): row(401, 204, 204, 204, 204, 204, 204, 204),
    ("POST", "auth/logout-all/"): row(401, 204, 204, 204, 204, 204, 204, 204),
    ("GET", "me/"): row(401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "emotions/"): row(401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "check-ins/"): row(401, 200, 200, 200, 200, 200, 403, 200),
    ("POST", "check-ins/"): row(401, 400, 400, 403, 403, 403, 403, 403),
    ("GET", "check-ins/{check_in}/"): row(401, 200, 404, 200, 404, 404, 403, 404),
    ("GET", "assignments/"): row(401, 200, 200, 200, 200, 200, 403, 200),
    ("POST", "assignments/"): row(401, 403, 403, 400, 400, 400, 403, 400),
    ("GET", "assignments/{assignment}/"): row(401, 200, 404, 200, 404, 404, 403, 404),
    ("PATCH", "assignments/{assignment}/"): row(401, 403, 403, 200, 404, 404, 403, 404),
    ("POST", "assignments/{assignment}/completions/"): row(401, 400, 404, 403, 403, 403, 403, 403),
    # The client takes back what they just recorded; no one else may.
    ("DELETE", "assignments/{assignment}/completions/{completion}/"): row(
        401, 204, 404, 403, 403, 403, 403, 403
    ),
    ("GET", "clients/"): row(401, 403, 403, 200, 200, 200, 403, 200),
    ("GET", "clients/{client}/"): row(401, 403, 403, 200, 404, 404, 403, 404),
    ("GET", "clients/{client}/metrics/"): row(401, 403, 403, 200, 404, 404, 403, 404),
    ("GET", "clients/{client}/summaries/"): row(401, 403, 403, 200, 404, 404, 403, 404),
    ("GET", "exercises/"): row(401, 403, 403, 200, 200, 200, 403, 200),
    ("GET", "exercises/{exercise}/"): row(401, 403, 403, 200, 200, 404, 403, 200),
    ("GET", "alerts/"): row(401, 403, 403, 200, 200, 200, 403, 200),
    ("GET", "alerts/{alert}/"): row(401, 403, 403, 200, 404, 404, 403, 404),
    ("POST", "alerts/{alert}/follow-up/"): row(401, 403, 403, 400, 404, 404, 403, 404),
    # Replaced by follow-up/: says so (410) to whoever could have used it.
    ("POST", "alerts/{alert}/acknowledge/"): row(401, 403, 403, 410, 404, 404, 403, 404),
    # Escalated: the covering colleague may open and follow it up; others still not.
    ("GET", "alerts/{escalated_alert}/"): row(401, 403, 403, 200, 404, 404, 403, 200),
    ("POST", "alerts/{escalated_alert}/follow-up/"): row(401, 403, 403, 400, 404, 404, 403, 400),
    # Outcome measures. Instruments: anyone at the clinic, as the clinic uses them.
    ("GET", "instruments/"): row(401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "measure-schedules/"): row(401, 200, 200, 200, 200, 200, 403, 200),
    ("POST", "measure-schedules/"): row(401, 403, 403, 400, 400, 400, 403, 400),
    ("GET", "measure-schedules/{schedule}/"): row(401, 200, 404, 200, 404, 404, 403, 404),
    ("PATCH", "measure-schedules/{schedule}/"): row(401, 403, 403, 200, 404, 404, 403, 404),
    ("POST", "measure-schedules/{schedule}/stop/"): row(401, 403, 403, 200, 404, 404, 403, 404),
    # Therapists name the client (400 without one); clients get their own.
    ("GET", "measures/due/"): row(401, 200, 200, 400, 400, 400, 403, 400),
    ("GET", "measure-responses/"): row(401, 200, 200, 200, 200, 200, 403, 200),
    # Clients send their own; a therapist enters a paper form for a client they treat.
    ("POST", "measure-responses/"): row(401, 400, 400, 400, 400, 400, 403, 400),
    ("GET", "measure-responses/{measure_response}/"): row(401, 200, 404, 200, 404, 404, 403, 404),
    ("GET", "clients/{client}/fhir/"): row(401, 403, 403, 200, 404, 404, 403, 404),
    # Aggregates: a therapist's own caseload, the admin's whole clinic; never a client.
    ("GET", "outcomes/"): row(401, 403, 403, 200, 200, 200, 200, 200),
    # EMDR. Targets: the treating therapist's; a client reads the labels shown to them.
    ("GET", "emdr/targets/"): row(401, 200, 200, 200, 200, 200, 403, 200),
    ("POST", "emdr/targets/"): row(401, 403, 403, 400, 400, 400, 403, 400),
    ("GET", "emdr/targets/{target}/"): row(401, 200, 404, 200, 404, 404, 403, 404),
    ("GET", "emdr/targets/{hidden_target}/"): row(401, 404, 404, 200, 404, 404, 403, 404),
    ("PATCH", "emdr/targets/{target}/"): row(401, 403, 403, 200, 404, 404, 403, 404),
    ("POST", "emdr/targets/{target}/status/"): row(401, 403, 403, 400, 404, 404, 403, 404),
    # Processing records hold the therapist's notes: never a client's to read.
    ("GET", "emdr/records/"): row(401, 403, 403, 200, 200, 200, 403, 200),
    ("POST", "emdr/records/"): row(401, 403, 403, 400, 400, 400, 403, 400),
    ("GET", "emdr/records/{emdr_record}/"): row(401, 403, 403, 200, 404, 404, 403, 404),
    ("PATCH", "emdr/records/{emdr_record}/"): row(401, 403, 403, 200, 404, 404, 403, 404),
    # The TICES log: the client writes their own; their therapist reads it.
    ("GET", "emdr/tices/"): row(401, 200, 200, 200, 200, 200, 403, 200),
    ("POST", "emdr/tices/"): row(401, 400, 400, 403, 403, 403, 403, 403),
    # Reminders: each client and therapist their own choices; the treating therapist a
    # client's plan. An empty change changes nothing (200).
    ("GET", "reminders/preferences/"): row(401, 200, 200, 200, 200, 200, 403, 200),
    ("PATCH", "reminders/preferences/"): row(401, 200, 200, 200, 200, 200, 403, 200),
    ("GET", "clients/{client}/reminders/"): row(401, 403, 403, 200, 404, 404, 403, 404),
    ("PATCH", "clients/{client}/reminders/"): row(401, 403, 403, 200, 404, 404, 403, 404),
}

# Filters name a client too; outside the scope that client "does not exist".
FILTERS = {
    ("GET", "check-ins/?client={client}"): row(401, 200, 404, 200, 404, 404, 403, 404),
    ("GET", "assignments/?client={client}"): row(401, 200, 404, 200, 404, 404, 403, 404),
    ("GET", "measure-schedules/?client={client}"): row(401, 200, 404, 200, 404, 404, 403, 404),
    ("GET", "measures/due/?client={client}"): row(401, 200, 404, 200, 404, 404, 403, 404),
    ("GET", "measure-responses/?client={client}"): row(401, 200, 404, 200, 404, 404, 403, 404),
    ("GET", "measure-responses/?instrument=phq9"): row(401, 200, 200, 200, 200, 200, 403, 200),
    ("GET", "emdr/targets/?client={client}"): row(401, 200, 404, 200, 404, 404, 403, 404),
    ("GET", "emdr/records/?client={client}"): row(401, 403, 403, 200, 404, 404, 403, 404),
    ("GET", "emdr/records/?target={target}"): row(401, 403, 403, 200, 404, 404, 403, 404),
    ("GET", "emdr/tices/?client={client}"): row(401, 200, 404, 200, 404, 404, 403, 404),
}


def _api_routes() -> set[tuple[str, str]]:
    """Every (method, path) the server offers under /api/v1/, ids written as {name}."""
    found = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                path = prefix + str(pattern.pattern)
                if not path.startswith("api/v1/") or "format" in path:
                    continue
                path = re.sub(r"\(\?P<\w+>[^)]*\)", "{id}", path)
                path = path.replace("^", "").replace("$", "").replace("/?", "/")
                callback = pattern.callback
                actions = getattr(callback, "actions", None)
                if actions:
                    methods = {method.upper() for method in actions}
                else:
                    view = callback.cls
                    methods = {m.upper() for m in view.http_method_names if hasattr(view, m)}
                for method in methods - {"OPTIONS", "HEAD"}:
                    found.add((method, path.removeprefix("api/v1/")))

    walk(get_resolver().url_patterns, "")
    return found


def test_every_api_route_is_in_the_table():
    in_table = {(method, re.sub(r"\{\w+\}", "{id}", path)) for method, path in TABLE}
    assert _api_routes() == in_table


@pytest.fixture
def world(db):
    """Two clinics; in the first, two therapists, and two clients of the first therapist."""
    therapist = factories.TherapistFactory()
    clinic = therapist.clinic
    client = factories.ClientFactory(primary_therapist=therapist)
    assignment = factories.AssignmentFactory(client=client)
    records = {
        "client": client,
        "check_in": factories.CheckInFactory(client=client),
        "assignment": assignment,
        "completion": factories.CompletionFactory(assignment=assignment),
        "exercise": clinic.exercises.first(),
        "alert": factories.AlertFactory(client=client),
        "escalated_alert": factories.AlertFactory(client=client, escalated_at=timezone.now()),
        "schedule": factories.MeasureScheduleFactory(client=client),
        "measure_response": factories.measure_response(client),
        "target": factories.TargetFactory(client=client, shown_to_client=True),
        "hidden_target": factories.TargetFactory(client=client),
        "emdr_record": factories.ProcessingRecordFactory(target__client=client),
    }
    users = {
        "anonymous": None,
        "client": client.user,
        "other_client": factories.ClientFactory(primary_therapist=therapist).user,
        "therapist": therapist.user,
        "other_therapist": factories.TherapistFactory(clinic=clinic).user,
        "other_clinic_therapist": factories.TherapistFactory().user,
        "clinic_admin": factories.ClinicAdminFactory(clinic=clinic),
        "covering_therapist": factories.TherapistFactory(clinic=clinic, covers_alerts=True).user,
    }
    return users, {name: obj.pk for name, obj in records.items()}


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), list(TABLE) + list(FILTERS), ids=lambda v: v)
def test_route_answers_each_role_as_the_table_says(world, as_user, method, path):
    users, ids = world
    expected = {**TABLE, **FILTERS}[(method, path)]
    url = "/api/v1/" + path.format(**ids)
    answered = {}
    for role in ROLES:
        api = as_user(users[role])
        response = api.generic(method, url, b"", content_type="application/json")
        answered[role] = response.status_code
    assert answered == expected
