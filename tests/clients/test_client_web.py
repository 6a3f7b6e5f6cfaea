"""The client's own page at /me/: who may open it and what it shows."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from clients.models import Assignment, Client
from tests import factories

URL = "/me/"


@pytest.fixture
def me(client, client_record):
    client.force_login(client_record.user)
    return client


def _check_in(client_record, note, *, days_ago=0, distress=5, label_code="sad"):
    check_in = factories.CheckInFactory(
        client=client_record,
        occurred_at=timezone.now() - dt.timedelta(days=days_ago, minutes=5),
        note=note,
        distress=distress,
    )
    label = client_record.clinic.emotion_labels.get(code=label_code)
    factories.CheckInEmotionFactory(check_in=check_in, label=label, intensity=7)
    return check_in


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_therapist_is_sent_to_the_caseload(client, therapist):
    client.force_login(therapist.user)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_clinic_admin_is_sent_to_their_start_page(client, clinic):
    admin = factories.ClinicAdminFactory(clinic=clinic)
    client.force_login(admin)
    response = client.get(URL, follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Send check-in" not in response.content.decode()


@pytest.mark.django_db
def test_client_logging_in_lands_on_their_page(client, client_record):
    response = client.post(
        reverse("login"),
        {"username": client_record.user.email, "password": "a-long-test-password"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == URL
    assert "How are you right now?" in response.content.decode()


@pytest.mark.django_db
def test_start_page_sends_a_client_to_their_page(me):
    response = me.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == URL


@pytest.mark.django_db
def test_page_offers_the_clinics_vocabulary_and_every_signal(me, client_record):
    mine = client_record.clinic.emotion_labels.get(code="numb")
    mine.is_active = False
    mine.save(update_fields=["is_active"])
    elsewhere = factories.ClinicFactory().emotion_labels.first()
    elsewhere.name = "Elsewhere-only word"
    elsewhere.save(update_fields=["name"])

    page = me.get(URL).content.decode()

    active = client_record.clinic.emotion_labels.filter(is_active=True)
    for label in active:
        assert f'id="emotion-{label.code}"' in page
        assert f'id="intensity-{label.code}"' in page
    assert page.count('name="emotion"') == active.count()
    assert 'id="emotion-numb"' not in page  # retired from the vocabulary
    assert "Elsewhere-only word" not in page
    for name in ["distress", "charge", "mind_space", "self_compassion", "resistance"]:
        assert f'id="scale-{name}" name="{name}"' in page
    assert 'name="wants_to_discuss"' in page
    assert page.count('name="safety_concern"') == 2
    assert 'name="note"' in page
    assert 'data-endpoint="/api/v1/check-ins/"' in page
    assert "clients/me.js" in page
    assert "cdn" not in page.lower()


@pytest.mark.django_db
def test_crisis_resources_are_on_the_page_ready_to_show(me, client_record):
    clinic = client_record.clinic
    clinic.crisis_resources = "Call the night line on 0800 111 222."
    clinic.save(update_fields=["crisis_resources"])
    page = me.get(URL).content.decode()
    assert page.count("Call the night line on 0800 111 222.") == 2  # the text and its copy
    assert 'id="crisis" class="crisis" role="alert"' in page


@pytest.mark.django_db
def test_client_sees_only_their_own_check_ins_newest_first(
    me, client_record, therapist, other_clinic_therapist
):
    _check_in(client_record, "An older moment of mine", days_ago=3)
    _check_in(client_record, "My newest moment", days_ago=0)
    neighbour = factories.ClientFactory(primary_therapist=therapist)
    _check_in(neighbour, "The neighbour's private note")
    _check_in(factories.ClientFactory(primary_therapist=other_clinic_therapist), "Far away note")

    page = me.get(URL).content.decode()

    assert page.index("My newest moment") < page.index("An older moment of mine")
    assert "The neighbour's private note" not in page
    assert "Far away note" not in page
    assert neighbour.label not in page


@pytest.mark.django_db
def test_only_the_ten_latest_check_ins_are_listed(me, client_record):
    for n in range(12):
        _check_in(client_record, f"moment number {n:02d}", days_ago=n)
    page = me.get(URL).content.decode()
    assert "moment number 00" in page
    assert "moment number 09" in page
    assert "moment number 10" not in page


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 3, 11, 10, 0, tzinfo=dt.UTC))  # a Wednesday
def test_exercises_are_grouped_by_when_they_are_due(me, client_record, therapist):
    exercises = list(client_record.clinic.exercises.order_by("title")[:5])
    today = dt.date(2026, 3, 11)

    def give(exercise, **kwargs):
        return factories.AssignmentFactory(client=client_record, exercise=exercise, **kwargs)

    daily = give(exercises[0], schedule="daily", starts_on=today, note_to_client="Go gently.")
    weekly_done = give(exercises[1], schedule="weekly", times_per_week=1, starts_on=today)
    factories.CompletionFactory(assignment=weekly_done, completed_at=timezone.now())
    later = give(exercises[2], schedule="daily", starts_on=today + dt.timedelta(days=10))
    paused = give(exercises[3], schedule="daily", starts_on=today, status="paused")
    someone_elses = factories.AssignmentFactory(
        client=factories.ClientFactory(primary_therapist=therapist), exercise=exercises[4]
    )

    page = me.get(URL).content.decode()

    assert (
        page.index("For today")
        < page.index(daily.exercise.title)
        < page.index("Done for this week")
    )
    assert page.index("Done for this week") < page.index(weekly_done.exercise.title)
    assert page.index("Starting later") < page.index(later.exercise.title)
    assert "Later this week" not in page  # no group without exercises
    assert paused.exercise.title not in page
    assert someone_elses.exercise.title not in page
    assert escape(daily.exercise.instructions) in page
    assert "Go gently." in page
    for prompt in daily.exercise.reflection_prompts:
        assert escape(prompt) in page
    # Each exercise that can be done has its form; one that has not started has none.
    assert f'data-endpoint="/api/v1/assignments/{daily.pk}/completions/"' in page
    assert f'data-endpoint="/api/v1/assignments/{weekly_done.pk}/completions/"' in page
    assert f"/api/v1/assignments/{later.pk}/completions/" not in page
    assert Assignment.objects.count() == 5


@pytest.mark.django_db
def test_a_discharged_client_sees_their_history_but_no_forms(me, client_record):
    _check_in(client_record, "From the last weeks of treatment")
    factories.AssignmentFactory(client=client_record)
    client_record.status = Client.Status.DISCHARGED
    client_record.save(update_fields=["status"])

    page = me.get(URL).content.decode()

    assert "Your treatment has ended" in page
    assert "From the last weeks of treatment" in page
    assert 'class="send"' not in page


@pytest.mark.django_db
def test_page_reads_a_fixed_number_of_queries(me, client_record, django_assert_max_num_queries):
    for n in range(6):
        assignment = factories.AssignmentFactory(
            client=client_record,
            exercise=client_record.clinic.exercises.order_by("id")[n],
        )
        factories.CompletionFactory(assignment=assignment)
        _check_in(client_record, f"note {n}", days_ago=n)
    with django_assert_max_num_queries(10):
        response = me.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count('class="card exercise"') == 6
