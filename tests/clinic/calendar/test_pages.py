"""The pages where a client (a card on /me/) or a therapist makes, renews and turns off
their calendar link: each acts on the requester's own feed, and the link is shown once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic.calendar.models import CalendarFeed
from clinic.models import User
from tests import factories

from .helpers import ADDRESS, events, feed_url, new_feed, uid

PAGE = "/calendar/"


def _made(response) -> str:
    """The secret a page shows once."""
    assert response.status_code == 200
    found = ADDRESS.search(response.content.decode())
    assert found, "the new link is on the page"
    assert found.group(1).startswith("http://testserver/calendar/")
    return found.group(2)


def _renew(user, **extra) -> dict:
    """What the "Make a new link" form sends: the link it replaces, as drawn on the page."""
    current = CalendarFeed.objects.get(user=user)
    return {"action": "renew", "replaces": current.created_at.isoformat(), **extra}


@pytest.mark.django_db
def test_a_client_makes_renews_and_turns_off_their_link_from_their_page(client, client_record):
    client.force_login(client_record.user)
    me = client.get("/me/").content.decode()
    assert "Your sessions in your calendar" in me and "Make my calendar link" in me
    assert "Anyone who has the link sees the times of your sessions" in me

    first = _made(client.post(PAGE, {"action": "create"}))
    assert client.get(feed_url(first)).status_code == 200
    # Shown once: neither the page nor /me/ shows it again.
    assert first not in client.get(PAGE).content.decode()
    me = client.get("/me/").content.decode()
    assert first not in me and "Turn off the link" in me and "data-confirm=" in me

    second = _made(client.post(PAGE, _renew(client_record.user)))
    assert second != first
    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200

    turned_off = client.post(PAGE, {"action": "revoke"}, follow=True)
    assert turned_off.redirect_chain == [(PAGE, 302)]
    assert "Your calendar link is turned off" in turned_off.content.decode()
    assert client.get(feed_url(second)).status_code == 404
    assert "Make my calendar link" in client.get("/me/").content.decode()


@pytest.mark.django_db
def test_a_post_acts_on_the_requesters_feed_only(client, client_record, therapist):
    other = factories.ClientFactory(primary_therapist=therapist)
    theirs = new_feed(other.user)
    colleague = new_feed(therapist.user)
    client.force_login(client_record.user)
    # Whatever a form claims, the feed is the signed-in person's.
    client.post(PAGE, {"action": "create", "user": other.user.pk})
    client.post(PAGE, {"action": "revoke", "user": other.user.pk})
    client.post(PAGE, {"action": "renew", "user": therapist.user.pk})
    assert client.get(feed_url(theirs)).status_code == 200
    assert client.get(feed_url(colleague)).status_code == 200
    assert CalendarFeed.objects.get(user=client_record.user).is_active


@pytest.mark.django_db
def test_a_therapist_chooses_labels_and_can_change_them_without_a_new_link(
    client, therapist, client_record
):
    session = factories.SessionFactory(client=client_record)
    client.force_login(therapist.user)
    account = client.get("/accounts/two-factor/").content.decode()
    assert 'href="/calendar/"' in account
    page = client.get(PAGE).content.decode()
    assert "label in my calendar" in page

    secret = _made(client.post(PAGE, {"action": "create"}))
    assert events(client.get(feed_url(secret)))[uid(session)]["summary"] == "Session"
    client.post(PAGE, {"action": "labels", "show_labels": "on"})
    labelled = events(client.get(feed_url(secret)))[uid(session)]["summary"]
    assert labelled == f"Session: {client_record.label}"
    # A renewed link keeps the choice the form carries.
    renewed = _made(client.post(PAGE, _renew(therapist.user, show_labels="on")))
    assert CalendarFeed.objects.get(user=therapist.user).show_labels
    client.post(PAGE, {"action": "labels"})
    assert events(client.get(feed_url(renewed)))[uid(session)]["summary"] == "Session"


@pytest.mark.django_db
def test_a_client_cannot_turn_on_labels(client, client_record):
    client.force_login(client_record.user)
    _made(client.post(PAGE, {"action": "create", "show_labels": "on"}))
    assert client.post(PAGE, {"action": "labels", "show_labels": "on"}).status_code == 400
    assert CalendarFeed.objects.get(user=client_record.user).show_labels is False


@pytest.mark.django_db
def test_only_clients_and_therapists_have_a_calendar_link(client, clinic):
    assert client.get(PAGE)["Location"].startswith("/accounts/login/")
    assert client.post(PAGE, {"action": "create"})["Location"].startswith("/accounts/login/")
    admin = factories.ClinicAdminFactory(clinic=clinic)
    operator = User.objects.create_superuser(email="op@example.org", password="x" * 20)
    for user in (admin, operator):
        client.force_login(user)
        assert client.get(PAGE).status_code == 403
        assert client.post(PAGE, {"action": "create"}).status_code == 403
        assert "/calendar/" not in client.get("/accounts/two-factor/").content.decode()
    assert not CalendarFeed.objects.exists()


@pytest.mark.django_db
def test_the_forms_need_the_csrf_token(client_record):
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(client_record.user)
    assert browser.post(PAGE, {"action": "create"}).status_code == 403
    assert not CalendarFeed.objects.exists()


@pytest.mark.django_db
def test_an_unknown_action_is_refused_and_changes_nothing(client, client_record):
    secret = new_feed(client_record.user)
    client.force_login(client_record.user)
    refused = client.post(PAGE, {"action": "delete-everything"})
    assert refused.status_code == 400
    assert "Please choose one of the buttons" in refused.content.decode()
    assert client.get(feed_url(secret)).status_code == 200


@pytest.mark.django_db
def test_me_reads_no_more_queries_with_the_card(client, client_record, django_assert_num_queries):
    client.force_login(client_record.user)
    client.get("/me/")  # warm: the session's first read
    with CaptureQueriesContext(connection) as without:
        client.get("/me/")
    new_feed(client_record.user)
    with django_assert_num_queries(len(without.captured_queries)):
        response = client.get("/me/")
    assert "Turn off the link" in response.content.decode()


@pytest.mark.django_db
def test_a_feed_fetched_in_a_staff_browser_halfway_through_sign_in_is_served(
    client, client_record, therapist
):
    """The second-factor step is for pages; a feed answers to its secret, and sending it to
    that step would put the secret in a redirect's address."""
    from clinic.calendar import services

    factories.SessionFactory(client=client_record)
    _feed, secret = services.feed_create(user=client_record.user)
    clinic = therapist.clinic
    clinic.two_factor_required = True
    clinic.save(update_fields=["two_factor_required"])
    client.force_login(therapist.user)  # a password given, no second factor yet
    response = client.get(f"/calendar/{secret}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")


@pytest.mark.django_db
def test_fetching_a_therapists_feed_leaves_the_browsers_own_session_as_it_was(
    client, client_record, therapist
):
    from clinic.calendar import services

    factories.SessionFactory(client=client_record)
    _feed, secret = services.feed_create(user=therapist.user)
    client.force_login(client_record.user)
    before = client.session.get_expiry_age()
    assert client.get(f"/calendar/{secret}.ics").status_code == 200
    assert client.session.get_expiry_age() >= before - 5  # not cut to the staff idle limit
    assert client.get("/me/").status_code == 200  # still the client, signed in


@pytest.mark.django_db
def test_the_same_form_sent_again_keeps_the_link_just_made(client, client_record):
    """A reload of the page that showed the new link sends its form again: the link already
    copied into a calendar keeps working, and the page says why nothing new was made."""
    client.force_login(client_record.user)
    first = _made(client.post(PAGE, {"action": "create"}))
    again = client.post(PAGE, {"action": "create"}, follow=True)
    assert "Your calendar link was already made" in again.content.decode()
    renew = _renew(client_record.user)
    second = _made(client.post(PAGE, renew))
    resent = client.post(PAGE, renew, follow=True)  # the renewal's page reloaded
    assert "Your calendar link was already made" in resent.content.decode()
    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("sessions", [1, 30])
def test_the_page_reads_the_same_queries_however_many_sessions(
    client, therapist, client_record, sessions
):
    for n in range(sessions):
        factories.SessionFactory(client=client_record, starts_at=_day_ahead(n))
    client.force_login(therapist.user)
    with CaptureQueriesContext(connection) as shown:
        assert client.get(PAGE).status_code == 200
    with CaptureQueriesContext(connection) as made:
        _made(client.post(PAGE, {"action": "create", "show_labels": "on"}))
    # Sessions are never read here: the same counts for 1 and for 30.
    assert (len(shown.captured_queries), len(made.captured_queries)) == (8, 14)


def _day_ahead(n: int):
    return timezone.now() + timedelta(days=n + 1, hours=n)
