"""Booking sessions: no collisions, no past bookings, actions that say what they do and undo."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clinic.models import AuditEvent, Session
from clinic.sessions import Booking, next_session_for, session_book, session_mark
from tests import factories


def _at(days: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


@pytest.fixture
def second_client(therapist):
    return factories.ClientFactory(primary_therapist=therapist)


@pytest.mark.django_db
def test_a_booking_that_overlaps_another_of_the_therapists_sessions_is_refused(
    therapist, client_record, second_client
):
    session_book(therapist=therapist, client=client_record, booking=Booking(starts_at=_at(2)))
    with pytest.raises(ValidationError) as refused:
        # 10:30 falls inside the 10:00 session of 50 minutes, even for another client.
        session_book(
            therapist=therapist, client=second_client, booking=Booking(starts_at=_at(2, 10, 30))
        )
    message = refused.value.message_dict["starts_at"][0]
    assert "overlaps your session with" in message and client_record.label in message
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_back_to_back_sessions_and_a_cancelled_hour_can_be_booked(
    therapist, client_record, second_client
):
    first = session_book(
        therapist=therapist, client=client_record, booking=Booking(starts_at=_at(2))
    )
    # Starts as the first ends (10:50): no shared minute.
    session_book(
        therapist=therapist, client=second_client, booking=Booking(starts_at=_at(2, 10, 50))
    )
    session_mark(session=first, status=Session.Status.CANCELLED)
    third = factories.ClientFactory(primary_therapist=therapist)
    session_book(therapist=therapist, client=third, booking=Booking(starts_at=_at(2, 10, 0)))
    assert Session.objects.filter(status="scheduled").count() == 2


@pytest.mark.django_db
def test_another_therapists_calendar_does_not_block(therapist, other_therapist, client_record):
    theirs = factories.ClientFactory(primary_therapist=other_therapist)
    session_book(therapist=other_therapist, client=theirs, booking=Booking(starts_at=_at(3)))
    session_book(therapist=therapist, client=client_record, booking=Booking(starts_at=_at(3)))
    assert Session.objects.count() == 2


@pytest.mark.django_db
def test_a_past_start_is_refused_unless_recorded_as_held(therapist, client_record):
    yesterday = _at(-1)
    with pytest.raises(ValidationError) as refused:
        session_book(
            therapist=therapist, client=client_record, booking=Booking(starts_at=yesterday)
        )
    assert "It already took place" in refused.value.message_dict["starts_at"][0]
    held = session_book(
        therapist=therapist, client=client_record, booking=Booking(starts_at=yesterday), past=True
    )
    assert held.status == Session.Status.COMPLETED
    with pytest.raises(ValidationError):
        session_book(
            therapist=therapist, client=client_record, booking=Booking(starts_at=_at(1)), past=True
        )


@pytest.mark.django_db
def test_only_a_virtual_session_has_a_video_link(therapist, client_record):
    link = "https://video.example/room-7"
    with pytest.raises(ValidationError) as refused:
        session_book(
            therapist=therapist,
            client=client_record,
            booking=Booking(starts_at=_at(2), video_link=link),
        )
    assert "video_link" in refused.value.message_dict
    session = session_book(
        therapist=therapist,
        client=client_record,
        booking=Booking(starts_at=_at(2), mode="virtual", video_link=link),
    )
    assert session.video_link == link


@pytest.mark.django_db
def test_bringing_back_a_cancelled_session_cannot_double_book(
    therapist, client_record, second_client
):
    first = session_book(therapist=therapist, client=client_record, booking=Booking(_at(4)))
    session_mark(session=first, status=Session.Status.CANCELLED)
    session_book(therapist=therapist, client=second_client, booking=Booking(_at(4, 10, 15)))
    with pytest.raises(ValidationError) as refused:
        session_mark(session=first, status=Session.Status.SCHEDULED)
    assert "stays cancelled" in refused.value.message_dict["status"][0]
    first.refresh_from_db()
    assert first.status == Session.Status.CANCELLED


@pytest.mark.django_db
def test_the_next_session_is_the_first_still_on_that_has_not_ended(therapist, client_record):
    factories.SessionFactory(
        client=client_record, therapist=therapist, starts_at=timezone.now() - dt.timedelta(days=7)
    )
    cancelled = factories.SessionFactory(
        client=client_record,
        therapist=therapist,
        starts_at=timezone.now() + dt.timedelta(days=1),
        status="cancelled",
    )
    in_progress = factories.SessionFactory(
        client=client_record,
        therapist=therapist,
        starts_at=timezone.now() - dt.timedelta(minutes=20),
        duration_minutes=50,
    )
    assert next_session_for(client_record) == in_progress
    in_progress.delete()
    later = factories.SessionFactory(
        client=client_record, therapist=therapist, starts_at=timezone.now() + dt.timedelta(days=2)
    )
    assert next_session_for(client_record) == later
    assert cancelled != later


# --- the therapist's page -------------------------------------------------------------


@pytest.fixture
def page(client, therapist):
    client.force_login(therapist.user)
    return client


def _book(page, client_record, **fields):
    zone = ZoneInfo(client_record.clinic.time_zone)
    starts = fields.pop("starts", timezone.localtime(timezone=zone) + dt.timedelta(days=2))
    data = {
        "day": starts.date().isoformat(),
        "at": starts.strftime("%H:%M"),
        "duration_minutes": 50,
        "mode": "in_person",
        **fields,
    }
    return page.post(f"/clients/{client_record.pk}/sessions/", data, follow=True)


@pytest.mark.django_db
def test_the_page_refuses_an_overlap_in_words_and_keeps_the_calendar(
    page, therapist, client_record, second_client
):
    assert b"Booked a session" in _book(page, client_record).content
    answer = _book(page, second_client).content.decode()
    assert "The session was not booked." in answer and "overlaps your session" in answer
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_the_page_records_a_past_session_as_held_only_when_asked(page, client_record):
    zone = ZoneInfo(client_record.clinic.time_zone)
    last_week = timezone.localtime(timezone=zone) - dt.timedelta(days=7)
    refused = _book(page, client_record, starts=last_week).content.decode()
    assert "This time has passed" in refused
    assert not Session.objects.exists()
    done = _book(page, client_record, starts=last_week, took_place="on").content.decode()
    assert "Recorded a held session" in done
    assert Session.objects.get().status == "completed"


@pytest.mark.django_db
def test_actions_say_what_they_do_and_offer_an_undo(page, therapist, client_record):
    session = factories.SessionFactory(
        client=client_record, therapist=therapist, starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    html = page.get(f"/clients/{client_record.pk}/").content.decode()
    for words in ("Mark as held", "Client did not attend", "Cancel session", "data-confirm"):
        assert words in html
    url = f"/clients/{client_record.pk}/sessions/{session.pk}/"
    marked = page.post(url, {"status": "no_show"}, follow=True).content.decode()
    assert "the client did not attend" in marked
    assert 'name="undo"' in marked and 'value="scheduled"' in marked
    session.refresh_from_db()
    assert session.status == "no_show"
    undone = page.post(url, {"status": "scheduled", "undo": "on"}, follow=True).content.decode()
    session.refresh_from_db()
    assert session.status == "scheduled"
    assert "is scheduled again" in undone
    assert 'name="undo"' not in undone  # an undo offers no undo of its own
    assert AuditEvent.objects.filter(object_type="session", action="update").count() == 2


@pytest.mark.django_db
def test_a_future_session_cannot_be_marked_held(page, therapist, client_record):
    session = factories.SessionFactory(
        client=client_record, therapist=therapist, starts_at=timezone.now() + dt.timedelta(days=1)
    )
    answer = page.post(
        f"/clients/{client_record.pk}/sessions/{session.pk}/", {"status": "completed"}, follow=True
    )
    assert "once it has begun" in answer.content.decode()
    session.refresh_from_db()
    assert session.status == "scheduled"


@pytest.mark.django_db
def test_other_therapists_and_clinics_get_404(client, therapist, client_record, other_therapist):
    session = factories.SessionFactory(client=client_record, therapist=therapist)
    outsider = factories.TherapistFactory()
    for user in (other_therapist.user, outsider.user):
        client.force_login(user)
        assert client.post(f"/clients/{client_record.pk}/sessions/", {}).status_code == 404
        answer = client.post(
            f"/clients/{client_record.pk}/sessions/{session.pk}/", {"status": "cancelled"}
        )
        assert answer.status_code == 404
    session.refresh_from_db()
    assert session.status == "scheduled"


# --- what the client sees ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_client_sees_the_next_session_with_its_link_in_their_zone(
    client, therapist, client_record, as_user
):
    starts = timezone.now() + dt.timedelta(days=3)
    factories.SessionFactory(
        client=client_record,
        therapist=therapist,
        starts_at=starts,
        mode="virtual",
        video_link="https://video.example/room-7",
    )
    client.force_login(client_record.user)
    html = client.get("/me/").content.decode()
    local = timezone.localtime(starts, timezone=ZoneInfo(client_record.time_zone))
    assert "Your next session" in html
    assert local.strftime("%H:%M") in html
    assert 'href="https://video.example/room-7"' in html
    answer = as_user(client_record.user).get("/api/v1/me/").json()["client"]["next_session"]
    assert answer["video_link"] == "https://video.example/room-7"
    assert answer["mode"] == "virtual" and answer["duration_minutes"] == 50
    assert dt.datetime.fromisoformat(answer["starts_at"]) == starts


@pytest.mark.django_db
def test_booking_for_a_client_in_another_zone_says_their_time_and_a_bare_link_is_read(
    page, client_record
):
    zone = ZoneInfo(client_record.clinic.time_zone)
    client_record.time_zone = "Asia/Tokyo"
    client_record.save(update_fields=["time_zone"])
    starts = (timezone.localtime(timezone=zone) + dt.timedelta(days=3)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    answer = _book(
        page, client_record, starts=starts, mode="virtual", video_link="meet.example/room-4"
    ).content.decode()
    theirs = timezone.localtime(starts, ZoneInfo("Asia/Tokyo"))
    assert f"in Asia/Tokyo, that is {theirs:%a} {theirs.day} {theirs:%b}, {theirs:%H:%M}" in answer
    assert Session.objects.get().video_link == "https://meet.example/room-4"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"duration_minutes": 0}, "Minutes"),
        ({"mode": "by-carrier-pigeon"}, "Where"),
        ({"mode": "virtual", "video_link": "not a link at all"}, "Video link"),
        ({"video_link": "https://video.example/room"}, "Video link"),  # in person
        ({"day": "someday"}, "Day"),
    ],
)
def test_bad_booking_values_are_named_and_nothing_is_stored(page, client_record, fields, named):
    answer = _book(page, client_record, **fields).content.decode()
    assert "The session was not booked." in answer and named in answer
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_an_unknown_session_status_is_refused_and_changes_nothing(page, therapist, client_record):
    session = factories.SessionFactory(client=client_record, therapist=therapist)
    answer = page.post(
        f"/clients/{client_record.pk}/sessions/{session.pk}/", {"status": "teleported"}, follow=True
    )
    assert "That is not something a session can become." in answer.content.decode()
    session.refresh_from_db()
    assert session.status == "scheduled"
