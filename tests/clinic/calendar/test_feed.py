"""The feed itself: exactly the requester's sessions, in UTC, and nothing else."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from clinic.calendar import services
from clinic.calendar.models import CalendarFeed
from clinic.models import AuditEvent, Session
from tests import factories

from .helpers import events, feed_url, new_feed, uid

LOS_ANGELES = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def other_client(therapist):
    """Another client of the same therapist."""
    return factories.ClientFactory(primary_therapist=therapist)


@pytest.mark.django_db
def test_a_clients_feed_lists_their_own_sessions_and_no_one_elses(
    client, client_record, other_client, other_therapist, other_clinic_therapist
):
    mine = factories.SessionFactory(client=client_record)
    theirs = factories.SessionFactory(
        client=other_client, starts_at=timezone.now() + dt.timedelta(days=4)
    )
    colleague = factories.SessionFactory(
        client=factories.ClientFactory(primary_therapist=other_therapist)
    )
    elsewhere = factories.SessionFactory(
        client=factories.ClientFactory(primary_therapist=other_clinic_therapist)
    )
    listed = events(client.get(feed_url(new_feed(client_record.user))))
    assert set(listed) == {uid(mine)}
    assert listed[uid(mine)]["summary"] == "Session"
    assert listed[uid(mine)]["location"] == "In person"
    for session in (theirs, colleague, elsewhere):
        assert uid(session) not in listed


@pytest.mark.django_db
def test_a_therapists_feed_lists_their_sessions_with_every_client_and_no_colleagues(
    client, therapist, client_record, other_client, other_therapist
):
    first = factories.SessionFactory(client=client_record)
    second = factories.SessionFactory(
        client=other_client, starts_at=timezone.now() + dt.timedelta(days=5)
    )
    # A colleague sees one of this therapist's clients once: theirs, not this therapist's.
    covered = factories.SessionFactory(
        client=client_record,
        therapist=other_therapist,
        starts_at=timezone.now() + dt.timedelta(days=6),
    )
    listed = events(client.get(feed_url(new_feed(therapist.user))))
    assert set(listed) == {uid(first), uid(second)}
    assert {event["summary"] for event in listed.values()} == {"Session"}
    assert uid(covered) in events(client.get(feed_url(new_feed(other_therapist.user))))


@pytest.mark.django_db
def test_times_are_in_utc_across_the_spring_forward(client, client_record):
    client_record.time_zone = "America/Los_Angeles"
    client_record.save(update_fields=["time_zone"])
    # The clocks went forward on Sunday 8 March 2026: 10:00 is 18:00Z before, 17:00Z after.
    before = factories.SessionFactory(
        client=client_record, starts_at=dt.datetime(2026, 3, 7, 10, tzinfo=LOS_ANGELES)
    )
    after = factories.SessionFactory(
        client=client_record,
        starts_at=dt.datetime(2026, 3, 9, 10, tzinfo=LOS_ANGELES),
        duration_minutes=80,
    )
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        response = client.get(feed_url(new_feed(client_record.user)))
    listed = events(response)
    assert listed[uid(before)]["start"] == dt.datetime(2026, 3, 7, 18, tzinfo=dt.UTC)
    assert listed[uid(after)]["start"] == dt.datetime(2026, 3, 9, 17, tzinfo=dt.UTC)
    assert listed[uid(after)]["end"] == dt.datetime(2026, 3, 9, 18, 20, tzinfo=dt.UTC)
    text = response.content.decode()
    assert "DTSTART:20260309T170000Z" in text and "DTEND:20260309T182000Z" in text
    assert "TZID" not in text


@pytest.mark.django_db
def test_cancelled_sessions_are_marked_cancelled_and_the_window_is_a_month_back_a_year_ahead(
    client, client_record
):
    now = timezone.now()

    def session(days: float, status: str = "scheduled") -> Session:
        return factories.SessionFactory(
            client=client_record, starts_at=now + dt.timedelta(days=days), status=status
        )

    held = session(-20, "completed")
    cancelled = session(2, "cancelled")
    booked = session(300)
    too_old, too_far = session(-31, "completed"), session(366)
    listed = events(client.get(feed_url(new_feed(client_record.user))))
    assert set(listed) == {uid(held), uid(cancelled), uid(booked)}
    assert listed[uid(cancelled)]["status"] == "CANCELLED"
    assert listed[uid(held)]["status"] == listed[uid(booked)]["status"] == "CONFIRMED"
    assert uid(too_old) not in listed and uid(too_far) not in listed


@pytest.mark.django_db
def test_a_video_session_says_video_call_and_keeps_its_link_behind_the_sign_in(
    client, therapist, client_record
):
    link = "https://meet.example.org/room-4417-secret"
    session = factories.SessionFactory(client=client_record, mode="virtual", video_link=link)
    for user in (client_record.user, therapist.user):
        response = client.get(feed_url(new_feed(user)))
        assert link not in response.content.decode()
        assert events(response)[uid(session)]["location"] == "Video call"
    mine = events(client.get(feed_url(new_feed(client_record.user))))[uid(session)]
    assert mine["description"] == f"The link to join is on your page: {settings.SITE_URL}/me/"


@pytest.mark.django_db
def test_labels_only_when_the_therapist_chooses(client, therapist, client_record):
    session = factories.SessionFactory(client=client_record)
    plain = events(client.get(feed_url(new_feed(therapist.user))))
    assert plain[uid(session)]["summary"] == "Session"
    labelled = events(client.get(feed_url(new_feed(therapist.user, show_labels=True))))
    assert labelled[uid(session)]["summary"] == f"Session: {client_record.label}"
    # A client cannot ask for labels: their feed is theirs alone anyway.
    own = events(client.get(feed_url(new_feed(client_record.user, show_labels=True))))
    assert own[uid(session)]["summary"] == "Session"
    assert CalendarFeed.objects.get(user=client_record.user).show_labels is False


@pytest.mark.django_db
def test_revoked_renewed_and_unknown_addresses_are_a_plain_404(client, client_record):
    factories.SessionFactory(client=client_record)
    first = new_feed(client_record.user)
    assert client.get(feed_url(first)).status_code == 200
    second = new_feed(client_record.user)  # renewing
    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200
    unknown = client.get(feed_url("x" * 43))
    services.feed_revoke(user=client_record.user)
    revoked = client.get(feed_url(second))
    assert revoked.status_code == unknown.status_code == 404
    # No hint which is which: the same page as any address that does not exist.
    assert revoked.content == unknown.content == client.get("/no-such-page/").content
    assert client.get(feed_url("short")).status_code == 404


@pytest.mark.django_db
def test_an_account_that_can_no_longer_sign_in_has_no_feed(client, client_record):
    secret = new_feed(client_record.user)
    client_record.user.is_active = False
    client_record.user.save(update_fields=["is_active"])
    assert client.get(feed_url(secret)).status_code == 404


@pytest.mark.django_db
def test_the_answer_is_a_private_calendar(client, client_record):
    secret = new_feed(client_record.user)
    response = client.get(feed_url(secret))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")
    assert client.head(feed_url(secret)).status_code == 200
    assert client.post(feed_url(secret)).status_code == 405


@pytest.mark.django_db
def test_the_secret_is_not_stored_in_clear(client, client_record):
    secret = new_feed(client_record.user)
    assert len(secret) >= 43  # 32 random bytes, URL-safe
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {CalendarFeed._meta.db_table}")
        rows = cursor.fetchall()
    assert len(rows) == 1
    stored = json.dumps(rows, default=str)
    assert secret not in stored
    assert services.secret_hash(secret) in stored
    assert secret not in json.dumps(list(AuditEvent.objects.values()), default=str)


@pytest.mark.django_db
def test_writes_and_a_therapists_reads_are_in_the_audit_trail(client, therapist, client_record):
    from clinic.audit_words import sentence

    session = factories.SessionFactory(client=client_record)
    secret = new_feed(therapist.user)
    made = AuditEvent.objects.get(object_type="calendarfeed", action="create")
    assert made.clinic_id == therapist.clinic_id
    assert sentence(made).endswith("created a calendar link")
    client.get(feed_url(secret))
    read = AuditEvent.objects.get(action="view", object_type="session")
    assert read.actor_id == therapist.user.pk and read.object_ids == [session.pk]
    assert sentence(read).endswith("viewed a session through their calendar link")
    # A client reading their own sessions is not a staff read.
    client.get(feed_url(new_feed(client_record.user)))
    assert AuditEvent.objects.filter(action="view").count() == 1


@pytest.mark.django_db
def test_the_feed_reads_a_fixed_number_of_queries(
    client, therapist, client_record, django_assert_num_queries
):
    for days in range(1, 6):
        other = factories.ClientFactory(primary_therapist=therapist)
        factories.SessionFactory(client=other, starts_at=timezone.now() + dt.timedelta(days=days))
    secret = new_feed(therapist.user, show_labels=True)
    # The feed with its person; the sessions with their clients; the audit row.
    with django_assert_num_queries(3):
        assert client.get(feed_url(secret)).status_code == 200
