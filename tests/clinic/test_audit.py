"""The audit trail: staff reads and all writes are recorded, append-only, browsable per clinic."""

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditEvent
from reports.tasks import summaries_plan
from tests import factories

API_HEADERS = {"HTTP_IDEMPOTENCY_KEY": "audit-test-key-0001"}


@pytest.fixture
def history(client_record):
    check_ins = factories.CheckInFactory.create_batch(2, client=client_record)
    assignment = factories.AssignmentFactory(client=client_record)
    factories.AlertFactory(client=client_record, check_in=check_ins[0])
    return check_ins, assignment


def views_of(user, **filters):
    return AuditEvent.objects.filter(actor=user, action="view", **filters)


STAFF_PAGES = [  # the page, what the row names as read, and the route it records
    ("/", "client", "home"),
    ("/clients/{id}/", "client", "client-progress"),
    ("/clients/{id}/prep/", "client", "client-prep"),
    ("/clients/{id}/summaries/", "client", "client-weekly-summaries"),
    ("/summaries/", "weeklysummary", "summaries"),
    ("/alerts/{alert}/", "alert", "alert-page"),
]
STAFF_API_READS = [
    ("/api/v1/clients/", "client"),
    ("/api/v1/clients/{id}/", "client"),
    ("/api/v1/clients/{id}/metrics/", "client"),
    ("/api/v1/clients/{id}/summaries/", "client"),
    ("/api/v1/check-ins/?client={id}", "checkin"),
    ("/api/v1/check-ins/{check_in}/", "checkin"),
    ("/api/v1/assignments/", "assignment"),
    ("/api/v1/assignments/{assignment}/", "assignment"),
    ("/api/v1/alerts/", "alert"),
    ("/api/v1/alerts/{alert}/", "alert"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "object_type", "route"), STAFF_PAGES)
def test_every_staff_page_of_client_data_is_recorded(
    client, client_record, history, url, object_type, route
):
    therapist = client_record.primary_therapist.user
    client.force_login(therapist)
    alert = client_record.alerts.get()
    assert client.get(url.format(id=client_record.pk, alert=alert.pk)).status_code == 200
    event = views_of(therapist, object_type=object_type).get()
    assert event.clinic_id == client_record.clinic_id
    assert event.actor_role == "therapist"
    assert event.ip == "127.0.0.1"
    assert event.view == route
    if "{" in url:
        assert event.client_id == client_record.pk
    else:
        assert client_record.pk in event.object_ids or event.object_ids == []


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "object_type"), STAFF_API_READS)
def test_every_staff_api_read_is_recorded_with_what_it_returned(
    as_user, client_record, history, url, object_type
):
    check_ins, assignment = history
    therapist = client_record.primary_therapist.user
    alert = client_record.alerts.get()
    response = as_user(therapist).get(
        url.format(
            id=client_record.pk,
            check_in=check_ins[0].pk,
            assignment=assignment.pk,
            alert=alert.pk,
        )
    )
    assert response.status_code == 200
    event = views_of(therapist, object_type=object_type).get()
    assert event.object_ids, "the ids returned are named"
    assert event.view.replace("-", "").startswith(object_type)  # e.g. client-metrics
    assert event.clinic_id == client_record.clinic_id
    if url.endswith("/alerts/{alert}/"):  # the check-in it shows, with its note, is read too
        shown = views_of(therapist, object_type="checkin").get()
        assert (shown.object_ids, shown.client_id) == ([check_ins[0].pk], client_record.pk)
    if object_type == "checkin" and "{check_in}" not in url:
        assert sorted(event.object_ids) == sorted(c.pk for c in check_ins)
        assert event.client_id == client_record.pk


@pytest.mark.django_db
def test_a_refused_read_records_no_view(as_user, client_record, other_clinic_therapist):
    response = as_user(other_clinic_therapist.user).get(f"/api/v1/clients/{client_record.pk}/")
    assert response.status_code == 404
    assert not views_of(other_clinic_therapist.user).exists()


@pytest.mark.django_db
def test_a_client_reading_their_own_records_is_not_a_staff_read(as_user, client_record, history):
    assert as_user(client_record.user).get("/api/v1/check-ins/").status_code == 200
    assert not AuditEvent.objects.filter(action="view").exists()


@pytest.mark.django_db
def test_a_check_in_sent_with_a_token_is_recorded_as_the_clients_write(as_user, client_record):
    body = {
        "occurred_at": timezone.now().isoformat(),
        "distress": 4,
        "emotions": [{"label": "grief", "intensity": 6}],
    }
    response = as_user(client_record.user).post("/api/v1/check-ins/", body, **API_HEADERS)
    assert response.status_code == 201, response.json()
    event = AuditEvent.objects.get(action="create", object_type="checkin")
    assert event.actor_id == client_record.user.pk
    assert event.actor_role == "client"
    assert event.object_ids == [response.json()["id"]]
    assert event.client_id == client_record.pk
    assert event.clinic_id == client_record.clinic_id


@pytest.mark.django_db
def test_a_page_write_is_recorded_as_the_therapists(client, client_record, history):
    _, assignment = history
    client.force_login(client_record.primary_therapist.user)
    url = reverse("client-assignment-status", args=[client_record.pk, assignment.pk])
    assert client.post(url, {"status": "paused"}).status_code == 302
    event = AuditEvent.objects.get(action="update", object_type="assignment")
    assert event.actor_id == client_record.primary_therapist.user.pk
    assert event.object_ids == [assignment.pk]


@pytest.mark.django_db
def test_background_writes_are_recorded_as_the_systems(client_record, time_machine):
    factories.CheckInFactory(client=client_record)
    time_machine.move_to("2026-12-09 12:00Z")
    summaries_plan()
    events = AuditEvent.objects.filter(object_type="weeklysummary", action="create")
    assert events.exists()
    assert {(e.actor_id, e.actor_role) for e in events} == {(None, "system")}
    assert {e.clinic_id for e in events} == {client_record.clinic_id}


@pytest.mark.django_db
def test_the_trail_is_append_only(client_record, history):
    event = AuditEvent.objects.first()
    event.action = "view"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="view")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.fixture
def clinic_admin(clinic):
    return factories.ClinicAdminFactory(clinic=clinic)


@pytest.mark.django_db
def test_clinic_admin_browses_only_their_clinics_trail_and_cannot_change_it(
    client, clinic_admin, client_record, other_clinic_therapist, as_user
):
    other_client = factories.ClientFactory(primary_therapist=other_clinic_therapist)
    as_user(other_clinic_therapist.user).get(f"/api/v1/clients/{other_client.pk}/")
    as_user(client_record.primary_therapist.user).get(f"/api/v1/clients/{client_record.pk}/")
    client.force_login(clinic_admin)

    listing = client.get("/admin/clinic/auditevent/?action__exact=view")
    assert listing.status_code == 200
    shown = list(listing.context["cl"].result_list)
    assert {e.clinic_id for e in shown} == {client_record.clinic_id}

    theirs = AuditEvent.objects.filter(clinic=other_clinic_therapist.clinic_id).first()
    assert client.get(f"/admin/clinic/auditevent/{theirs.pk}/change/").status_code == 302
    mine = shown[0]
    assert client.post(f"/admin/clinic/auditevent/{mine.pk}/delete/").status_code == 403
    assert client.post(f"/admin/clinic/auditevent/{mine.pk}/change/", {}).status_code == 403
    assert AuditEvent.objects.filter(pk=mine.pk).exists()


@pytest.mark.django_db
def test_clinic_admin_exports_the_filtered_trail_as_csv(
    client, clinic_admin, client_record, other_clinic_therapist, as_user
):
    therapist = client_record.primary_therapist.user
    as_user(therapist).get(f"/api/v1/clients/{client_record.pk}/")
    other_client = factories.ClientFactory(primary_therapist=other_clinic_therapist)
    as_user(other_clinic_therapist.user).get(f"/api/v1/clients/{other_client.pk}/")
    client.force_login(clinic_admin)

    response = client.get("/admin/clinic/auditevent/export.csv?action__exact=view")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["actor_email"], r["object_type"], r["client_id"]) for r in rows] == [
        (therapist.email, "client", str(client_record.pk))
    ]
    assert AuditEvent.objects.filter(actor=clinic_admin, action="export").count() == 1


@pytest.mark.django_db
def test_admin_reads_of_records_are_recorded(client, clinic_admin, client_record, history):
    client.force_login(clinic_admin)
    check_ins, _ = history
    assert client.get("/admin/clients/checkin/").status_code == 200
    assert client.get(f"/admin/clients/checkin/{check_ins[0].pk}/change/").status_code == 200
    events = views_of(clinic_admin, object_type="checkin").order_by("id")
    assert [sorted(e.object_ids) for e in events] == [
        sorted(c.pk for c in check_ins),
        [check_ins[0].pk],
    ]
    assert {(e.clinic_id, e.client_id) for e in events} == {
        (client_record.clinic_id, client_record.pk)
    }


@pytest.mark.django_db
def test_an_operators_admin_reads_are_filed_under_each_records_clinic(
    client, client_record, other_clinic_therapist
):
    operator = factories.UserFactory(role="operator", clinic=None, is_staff=True, is_superuser=True)
    theirs = factories.ClientFactory(primary_therapist=other_clinic_therapist)
    factories.CheckInFactory(client=client_record)
    factories.CheckInFactory(client=theirs)
    client.force_login(operator)
    assert client.get("/admin/clients/checkin/").status_code == 200
    events = views_of(operator, object_type="checkin")
    assert {(e.clinic_id, e.client_id) for e in events} == {
        (client_record.clinic_id, client_record.pk),
        (theirs.clinic_id, theirs.pk),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("way", ["page", "api"])
def test_a_sign_in_is_recorded_as_a_login_by_that_person(client, as_user, therapist, way):
    if way == "page":
        response = client.post(
            reverse("login"), {"username": therapist.user.email, "password": "a-long-test-password"}
        )
        assert response.status_code == 302
    else:
        response = as_user(None).post(
            "/api/v1/auth/login/",
            {"email": therapist.user.email, "password": "a-long-test-password"},
        )
        assert response.status_code == 200
    event = AuditEvent.objects.get(action="login")
    assert (event.actor_id, event.actor_role, event.object_ids) == (
        therapist.user.pk,
        "therapist",
        [therapist.user.pk],
    )
    assert event.ip == "127.0.0.1"
    assert not AuditEvent.objects.filter(object_type="user", action="update").exists()


@pytest.mark.django_db
def test_a_long_list_of_ids_is_shortened_in_the_admin_table(client, clinic):
    from clinic.admin import AuditEventAdmin

    event = AuditEvent.objects.create(
        actor_role="therapist", action="view", object_type="caseload", object_ids=list(range(40))
    )
    assert AuditEventAdmin.records(None, event) == "0, 1, 2, 3, 4 … (40 in all)"


@pytest.mark.django_db
@pytest.mark.parametrize("way", ["page", "api"])
def test_following_up_an_alert_is_recorded(client, as_user, client_record, history, way):
    therapist = client_record.primary_therapist.user
    alert = client_record.alerts.get()
    body = {"action": "contacted", "note": ""}
    if way == "page":
        client.force_login(therapist)
        client.post(reverse("alert-page-follow-up", args=[alert.pk]), body)
    else:
        as_user(therapist).post(f"/api/v1/alerts/{alert.pk}/follow-up/", body)
    resolved = AuditEvent.objects.get(action="update", object_type="alert")
    assert (resolved.actor_id, resolved.object_ids, resolved.client_id) == (
        therapist.pk,
        [alert.pk],
        client_record.pk,
    )
    follow_up = AuditEvent.objects.get(action="create", object_type="followup")
    assert (follow_up.actor_id, follow_up.client_id) == (therapist.pk, client_record.pk)
    # A resolved alert takes no second follow-up, and records no second write.
    as_user(therapist).post(f"/api/v1/alerts/{alert.pk}/follow-up/", body)
    assert AuditEvent.objects.filter(action="update", object_type="alert").count() == 1
    assert AuditEvent.objects.filter(object_type="followup").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["at__year=x", "at__gte=garbage", "action__exact=view"])
def test_an_unreadable_export_filter_is_not_a_crash(client, clinic_admin, query):
    client.force_login(clinic_admin)
    response = client.get(f"/admin/clinic/auditevent/export.csv?{query}")
    if query.startswith("action"):
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].endswith("?e=1")


# --- The trail in words ------------------------------------------------------


def _listing(client, query: str = ""):
    response = client.get(f"/admin/clinic/auditevent/{query}")
    assert response.status_code == 200
    return response


def _sentences(response) -> list[str]:
    from clinic.audit_words import sentence

    return [sentence(event) for event in response.context["cl"].result_list]


@pytest.mark.django_db
def test_the_trail_reads_as_sentences_with_names_looked_up_when_shown(
    client, clinic_admin, client_record, history
):
    therapist = client_record.primary_therapist.user
    client.force_login(therapist)
    assert client.get(f"/clients/{client_record.pk}/").status_code == 200
    client.force_login(clinic_admin)
    page = _listing(client, "?action__exact=view")
    text = page.content.decode()
    assert f"{therapist.display_name} viewed {client_record.label} on the progress report" in text
    # The names are the ones of now, not a copy kept in the trail.
    client_record.label = "Renamed R."
    client_record.save(update_fields=["label"])
    assert "viewed Renamed R. on the progress report" in _listing(client).content.decode()
    assert "Renamed R." not in json.dumps(list(AuditEvent.objects.values()), default=str)


@pytest.mark.django_db
def test_an_erased_client_and_a_client_writing_read_in_words(
    client, clinic_admin, client_record, history, as_user
):
    body = {
        "occurred_at": timezone.now().isoformat(),
        "distress": 4,
        "emotions": [{"label": "grief", "intensity": 6}],
    }
    as_user(client_record.user).post("/api/v1/check-ins/", body, **API_HEADERS)
    client.force_login(clinic_admin)
    label, pk = client_record.label, client_record.pk
    assert f"{label} created a check-in through the API" in _sentences(
        _listing(client, "?action__exact=create&object_type=checkin")
    )
    client.post(f"/admin/clients/client/{pk}/erase/", {"confirm_label": label})
    sentences = _sentences(_listing(client, "?action__exact=erase"))
    assert sentences == [
        f"{clinic_admin.display_name} erased the record of an erased client (#{pk}) in the admin"
    ]
    created = _sentences(_listing(client, "?action__exact=create&object_type=checkin"))
    assert f"An erased client (#{pk}) created a check-in through the API" in created


@pytest.mark.django_db
def test_the_trail_is_searched_by_a_clients_label_or_a_persons_email(
    client, clinic_admin, client_record, history, as_user
):
    therapist = client_record.primary_therapist.user
    other = factories.ClientFactory(primary_therapist=client_record.primary_therapist)
    as_user(therapist).get(f"/api/v1/clients/{client_record.pk}/")
    as_user(therapist).get(f"/api/v1/clients/{other.pk}/")
    client.force_login(clinic_admin)
    found = _listing(client, f"?q={client_record.label}")
    assert {e.client_id for e in found.context["cl"].result_list} == {client_record.pk}
    by_email = _listing(client, f"?q={therapist.email}&action__exact=view")
    assert {e.actor_id for e in by_email.context["cl"].result_list} == {therapist.pk}
    assert len(by_email.context["cl"].result_list) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("events", [3, 30])
def test_the_trail_list_reads_a_fixed_number_of_queries(
    client, clinic_admin, clinic, events, django_assert_max_num_queries
):
    for n in range(events):  # each event by its own person, about its own client
        record = factories.ClientFactory(primary_therapist__clinic=clinic)
        therapist = record.primary_therapist.user
        AuditEvent.objects.create(
            actor=therapist,
            actor_role="therapist",
            clinic=clinic,
            action="view",
            object_type="checkin",
            object_ids=[n],
            client=record,
            view="client-progress",
        )
    client.force_login(clinic_admin)
    client.get("/admin/clinic/auditevent/")  # the session's first request stamps its expiry
    # The session, the person, their second factor, their clinic; the count, permissions (2),
    # the page of events with their people and clients, the date bar's range and days.
    with django_assert_max_num_queries(10):
        response = client.get("/admin/clinic/auditevent/?object_type=checkin")
    assert len(response.context["cl"].result_list) == events
    assert response.content.decode().count("a check-in of Client ") == events


@pytest.mark.django_db
def test_the_csv_export_is_in_the_clinics_zone_with_offsets_and_stays_text(
    client, clinic_admin, clinic
):
    clinic.time_zone = "America/Los_Angeles"
    clinic.save(update_fields=["time_zone"])
    formula = '=HYPERLINK("http://evil.example/")'
    record = factories.ClientFactory(primary_therapist__clinic=clinic, label=formula)
    at = dt.datetime(2026, 11, 30, 23, 4, 5, tzinfo=dt.UTC)
    common = {"clinic": clinic, "object_ids": [1], "client": record, "at": at}
    AuditEvent.objects.create(
        actor=clinic_admin,
        actor_role="clinic_admin",
        action="view",
        object_type="checkin",
        **common,
    )
    # A client's own write: the sentence starts with their label, a formula here.
    AuditEvent.objects.create(
        actor=record.user, actor_role="client", action="create", object_type="checkin", **common
    )
    client.force_login(clinic_admin)
    response = client.get(f"/admin/clinic/auditevent/export.csv?client__id__exact={record.pk}")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    rows = [row for row in rows if row["object_type"] == "checkin"]
    assert [row["at"] for row in rows] == ["2026-11-30T15:04:05-08:00"] * 2
    assert {row["description"] for row in rows} == {
        f"{clinic_admin.display_name} viewed a check-in of {formula}",
        f"'{formula} created a check-in",
    }


@pytest.mark.django_db
def test_an_app_sign_in_and_a_reset_link_read_in_words(client_record):
    from clinic.audit_words import sentence

    user = client_record.user
    user.display_name = ""
    user.save(update_fields=["display_name"])
    signed_in = AuditEvent.objects.create(
        actor=user,
        actor_role="client",
        action="login",
        object_type="user",
        object_ids=[user.pk],
        view="api-login",
    )
    reset = AuditEvent.objects.create(
        actor=None,
        actor_role="anonymous",
        action="update",
        object_type="user",
        object_ids=[user.pk],
        view="password_reset_confirm",
    )
    assert sentence(signed_in) == f"{user.email} signed in through the app"
    assert "password_reset_confirm" not in sentence(reset)
    assert sentence(reset).endswith("through a password-reset link")
