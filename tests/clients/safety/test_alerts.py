"""The alert page and follow-up: the client's words reach the treating therapist and
nobody else; follow-up is required to resolve and is kept in history."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clients import services as client_services
from clients.models import Alert
from clients.safety.models import FollowUp
from clinic.models import AuditEvent, Session
from reports import caseload
from tests import factories

WORDS = "Can't stop thinking about it tonight."


def safety_check_in(client, *, distress=9, note=WORDS, wants_to_discuss=False, when=None):
    draft = client_services.check_in_prepare(
        client=client,
        occurred_at=when or timezone.now(),
        emotions=[("sad", 8)],
        distress=distress,
        safety_concern=True,
        wants_to_discuss=wants_to_discuss,
        note=note,
    )
    check_in, _ = client_services.check_in_record(draft=draft)
    return check_in, Alert.objects.get(check_in=check_in)


@pytest.mark.django_db
def test_the_safety_note_reaches_the_treating_therapist_even_without_asking_to_talk(
    client, client_record, therapist
):
    _, alert = safety_check_in(client_record)
    client.force_login(therapist.user)
    progress = client.get(reverse("client-progress", args=[client_record.pk])).content.decode()
    assert WORDS.replace("'", "&#x27;") in progress
    page = client.get(reverse("alert-page", args=[alert.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert WORDS.replace("'", "&#x27;") in text
    assert "9/10" in text and "Sad 8/10" in text and "answered yes" in text
    assert AuditEvent.objects.filter(action="view", object_type="alert", object_ids=[alert.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_therapist", "other_clinic_therapist", "client"])
def test_nobody_else_opens_the_alert(client, client_record, who, request):
    _, alert = safety_check_in(client_record)
    user = client_record.user if who == "client" else request.getfixturevalue(who).user
    client.force_login(user)
    expected = 403 if who == "client" else 404
    assert client.get(reverse("alert-page", args=[alert.pk])).status_code == expected
    post = client.post(reverse("alert-page-follow-up", args=[alert.pk]), {"action": "contacted"})
    assert post.status_code == expected
    assert not FollowUp.objects.exists()
    progress = client.get(reverse("client-progress", args=[client_record.pk]))
    assert WORDS not in progress.content.decode()


@pytest.mark.django_db
def test_follow_up_is_required_to_resolve_and_is_kept_in_history(client, client_record, therapist):
    _, alert = safety_check_in(client_record)
    client.force_login(therapist.user)
    url = reverse("alert-page-follow-up", args=[alert.pk])
    refused = client.post(url, {"action": "other", "note": ""})
    assert refused.status_code == 400
    assert "Say in the note what was done." in refused.content.decode()
    client.post(url, {"action": "could_not_reach", "note": "Voicemail at 21:10."})
    alert.refresh_from_db()
    assert alert.is_open, "an attempt that did not reach the client keeps the alert open"
    client.post(url, {"action": "contacted", "note": "Spoke at 21:40; safe, plan reviewed."})
    alert.refresh_from_db()
    assert not alert.is_open and alert.acknowledged_by == therapist.user
    assert [f.action for f in alert.follow_ups.all()] == ["could_not_reach", "contacted"]
    page = client.get(reverse("alert-page", args=[alert.pk])).content.decode()
    assert "Voicemail at 21:10." in page and "Spoke at 21:40; safe, plan reviewed." in page
    assert "Record a follow-up" not in page
    progress = client.get(reverse("client-progress", args=[client_record.pk])).content.decode()
    assert "Alert history" in progress and "Contacted the client" in progress


@pytest.mark.django_db
def test_the_follow_up_note_is_encrypted_at_rest(client_record, therapist):
    from django.db import connection

    _, alert = safety_check_in(client_record)
    from clients.safety.services import follow_up_record

    follow_up_record(alert=alert, by=therapist.user, action="contacted", note="Secret words")
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM safety_followup")
        (stored,) = cursor.fetchone()
    assert "Secret" not in stored and stored.startswith("gAAAA")


@pytest.mark.django_db
def test_caseload_names_kind_and_moment_and_puts_the_newest_safety_alert_first(
    client, therapist, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 10, 14, 34, tzinfo=dt.UTC))  # 15:34 in Berlin
    older = factories.ClientFactory(primary_therapist=therapist, label="A older")
    newer = factories.ClientFactory(primary_therapist=therapist, label="Z newer")
    safety_check_in(older, distress=7, when=timezone.now() - dt.timedelta(days=1))
    _, alert = safety_check_in(newer, distress=9)
    rising = factories.ClientFactory(primary_therapist=therapist, label="B rising")
    factories.AlertFactory(client=rising, kind=Alert.Kind.DISTRESS_RISE)
    rows = caseload.caseload(therapist=therapist)
    assert [row.client.label for row in rows] == ["Z newer", "A older", "B rising"]
    assert rows[0].reasons[0] == "Safety: answered yes at 15:34 today, distress 9/10"
    assert rows[1].reasons[0] == "Safety: answered yes at 15:34 yesterday, distress 7/10"
    client.force_login(therapist.user)
    page = client.get("/").content.decode()
    assert reverse("alert-page", args=[alert.pk]) in page


@pytest.mark.django_db
def test_after_follow_up_the_client_stays_in_the_caseload_with_the_reason(therapist, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 10, 20, 0, tzinfo=dt.UTC))
    maya = factories.ClientFactory(primary_therapist=therapist, label="Maya")
    factories.ClientFactory(primary_therapist=therapist, label="Brand new")
    _, alert = safety_check_in(maya, distress=9)
    from clients.safety.services import follow_up_record

    follow_up_record(alert=alert, by=therapist.user, action="contacted")
    time_machine.move_to(dt.datetime(2026, 3, 12, 9, 0, tzinfo=dt.UTC))
    rows = caseload.caseload(therapist=therapist)
    assert rows[0].client.label == "Maya"
    assert rows[0].reasons == [
        "safety concern 2 days ago, followed up",
        "distress high: 9/10 at the last check-in",
    ]
    time_machine.move_to(dt.datetime(2026, 3, 25, 9, 0, tzinfo=dt.UTC))
    reasons = caseload.caseload(therapist=therapist)[0].reasons
    assert not any("safety" in reason for reason in reasons), "remembered for 14 days"


@pytest.mark.django_db
def test_today_is_the_clinics_calendar_day(therapist, time_machine):
    # 23:30 in Berlin last night is "yesterday" at 08:00, though under 24 hours ago.
    time_machine.move_to(dt.datetime(2026, 3, 11, 7, 0, tzinfo=dt.UTC))
    client = factories.ClientFactory(primary_therapist=therapist)
    factories.CheckInFactory(
        client=client, occurred_at=dt.datetime(2026, 3, 10, 22, 30, tzinfo=dt.UTC)
    )
    assert caseload.caseload(therapist=therapist)[0].days_since == 1


def test_key_rotation_covers_follow_up_notes_and_safety_plans():
    from clinic.management.commands.rotate_data_key import encrypted_fields

    names = {(model._meta.label, field) for model, field in encrypted_fields()}
    assert {("safety.FollowUp", "note"), ("safety.SafetyPlan", "reasons_for_living")} <= names
    assert {("clients.CheckIn", "note"), ("clients.Completion", "reflection")} <= names


@pytest.mark.django_db
def test_caseload_order_within_the_watch_list(therapist, time_machine):
    """A followed-up safety answer, then high distress, then rising, then stuck."""
    time_machine.move_to(dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC))
    now = timezone.now()
    stuck = factories.ClientFactory(primary_therapist=therapist, label="A stuck")
    heavy = stuck.clinic.emotion_labels.get(code="resentful")
    for n in range(4):
        check_in = factories.CheckInFactory(
            client=stuck, occurred_at=now - dt.timedelta(days=4 - n), distress=5
        )
        factories.CheckInEmotionFactory(check_in=check_in, label=heavy, intensity=8)
    high = factories.ClientFactory(primary_therapist=therapist, label="B high")
    factories.CheckInFactory(client=high, occurred_at=now - dt.timedelta(hours=2), distress=9)
    followed = factories.ClientFactory(primary_therapist=therapist, label="C followed up")
    _, alert = safety_check_in(followed, distress=5)
    from clients.safety.services import follow_up_record

    follow_up_record(alert=alert, by=therapist.user, action="contacted")
    labels = [row.client.label for row in caseload.caseload(therapist=therapist)]
    assert labels == ["C followed up", "B high", "A stuck"]


@pytest.mark.django_db
def test_an_attempt_that_did_not_reach_the_client_shows_in_the_caseload(therapist, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 10, 20, 0, tzinfo=dt.UTC))
    client = factories.ClientFactory(primary_therapist=therapist)
    _, alert = safety_check_in(client)
    from clients.safety.services import follow_up_record

    time_machine.shift(dt.timedelta(minutes=10))
    follow_up_record(alert=alert, by=therapist.user, action="could_not_reach")
    [row] = caseload.caseload(therapist=therapist)
    assert row.priority == caseload.OPEN_SAFETY
    assert row.reasons[:2] == [
        "Safety: answered yes at 21:00 today, distress 9/10",
        "tried to reach them at 21:10 today, not reached yet",
    ]


@pytest.mark.django_db
def test_a_late_answer_sorts_by_when_it_was_given(therapist, time_machine):
    """An app that was offline sends the answer of 14:00 at 17:00: the 16:00 one is newer."""
    time_machine.move_to(dt.datetime(2026, 3, 10, 16, 0, tzinfo=dt.UTC))
    on_time = factories.ClientFactory(primary_therapist=therapist, label="On time")
    safety_check_in(on_time)
    time_machine.move_to(dt.datetime(2026, 3, 10, 17, 0, tzinfo=dt.UTC))
    late = factories.ClientFactory(primary_therapist=therapist, label="Late")
    safety_check_in(late, when=timezone.now() - dt.timedelta(hours=3))
    assert [r.client.label for r in caseload.caseload(therapist=therapist)] == ["On time", "Late"]


@pytest.mark.django_db
def test_the_alert_page_gives_what_is_needed_to_act(client, client_record, therapist):
    from clients.safety.plans import safety_plan_save

    safety_plan_save(client=client_record, by=therapist.user, people_to_ask="My sister, Ana")
    _, alert = safety_check_in(client_record)
    client.force_login(therapist.user)
    page = client.get(reverse("alert-page", args=[alert.pk])).content.decode()
    assert f"mailto:{client_record.user.email}" in page
    assert "My sister, Ana" in page
    assert AuditEvent.objects.filter(action="view", object_type="safetyplan").exists()


@pytest.mark.django_db
def test_a_safety_answer_without_ratings_reads_as_contact_not_silence(
    client, client_record, therapist, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC))
    factories.CheckInFactory(
        client=client_record, occurred_at=timezone.now() - dt.timedelta(days=3), distress=4
    )
    draft = client_services.check_in_prepare(
        client=client_record, occurred_at=timezone.now(), emotions=[], safety_concern=True
    )
    client_services.check_in_record(draft=draft)
    factories.SessionFactory(  # since this session, only the safety answer
        client=client_record,
        starts_at=timezone.now() - dt.timedelta(days=1),
        status=Session.Status.COMPLETED,
    )
    client.force_login(therapist.user)
    text = client.get(reverse("client-progress", args=[client_record.pk])).content.decode()
    assert "No check-ins" not in text
    assert "1 check-in since the last session, with no distress rating." in text
    assert "No emotions labelled in this window." in text
    caseload_page = client.get("/").content.decode()
    assert "4/10" in caseload_page and "not given since" in caseload_page


@pytest.mark.django_db
def test_the_alert_history_is_in_time_order(client, client_record, therapist, time_machine):
    from clients.safety import services

    time_machine.move_to(dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC))
    factories.TherapistFactory(clinic=client_record.clinic, covers_alerts=True)
    _, alert = safety_check_in(client_record)
    time_machine.shift(dt.timedelta(minutes=30))
    services.follow_up_record(
        alert=alert, by=therapist.user, action="could_not_reach", note="Voicemail"
    )
    time_machine.shift(dt.timedelta(hours=2))
    assert services.alerts_escalate() == 1
    client.force_login(therapist.user)
    page = client.get(reverse("alert-page", args=[alert.pk])).content.decode()
    order = [page.index(text) for text in ("alert raised", "Voicemail", "escalated to covering")]
    assert order == sorted(order)


@pytest.mark.django_db
@pytest.mark.parametrize("attempts", [1, 20])
def test_the_alert_page_reads_a_fixed_number_of_queries(
    client, client_record, therapist, django_assert_max_num_queries, attempts
):
    from clients.safety.plans import safety_plan_save

    safety_plan_save(client=client_record, by=therapist.user, people_to_ask="My sister")
    _, alert = safety_check_in(client_record)
    for _n in range(attempts):
        FollowUp.objects.create(alert=alert, by=therapist.user, action="could_not_reach")
    client.force_login(therapist.user)
    url = reverse("alert-page", args=[alert.pk])
    client.get(url)  # the first request refreshes the staff session
    with django_assert_max_num_queries(11):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("clients", [2, 30])
def test_alert_lists_read_a_fixed_number_of_queries(
    client, therapist, as_user, django_assert_max_num_queries, clients
):
    """The API's list and the caseload, each client with an alert, an attempt and a
    colleague's escalated alert on the covering list."""
    therapist.covers_alerts = True
    therapist.save(update_fields=["covers_alerts"])
    colleague = factories.TherapistFactory(clinic=therapist.clinic)
    for _n in range(clients):
        _, mine = safety_check_in(factories.ClientFactory(primary_therapist=therapist))
        FollowUp.objects.create(alert=mine, by=therapist.user, action="could_not_reach")
        _, theirs = safety_check_in(factories.ClientFactory(primary_therapist=colleague))
        Alert.objects.filter(pk=theirs.pk).update(escalated_at=timezone.now())
    api = as_user(therapist.user)
    with django_assert_max_num_queries(6):
        listed = api.get("/api/v1/alerts/", {"page_size": 100}).json()["results"]
    assert len(listed) == 2 * clients
    client.force_login(therapist.user)
    client.get("/")
    with django_assert_max_num_queries(18 + 6):  # + 6: the outcome measures' reasons
        page = client.get("/").content.decode()
    assert page.count("tried to reach them") == clients
