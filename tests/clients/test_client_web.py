"""The client's own page at /me/: who may open it and what it shows."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from clients.models import Assignment, Client
from clients.safety.plans import safety_plan_save
from clinic.models import CrisisLine
from tests import factories
from tests.pages import EXTERNAL

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


def _crisis_lines(clinic):
    clinic.phone = "+1 (555) 010-2000"
    clinic.phone_hours = "weekdays 9:00 to 17:00"
    clinic.save(update_fields=["phone", "phone_hours"])
    CrisisLine.objects.bulk_create(
        [
            CrisisLine(clinic=clinic, name="Emergency services", call="911", sort_order=0),
            CrisisLine(
                clinic=clinic, name="Lifeline", call="988", text="988", hours="24/7", sort_order=1
            ),
            CrisisLine(clinic=clinic, name="Text Line", text="741 741", sort_order=2),
        ]
    )


def _plan(client_record, **sections):
    sections = sections or {
        "warning_signs": "Replaying the last call at night",
        "reasons_for_living": "My sister's kids",
    }
    return safety_plan_save(
        client=client_record, by=client_record.primary_therapist.user, **sections
    )


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
    assert not EXTERNAL.search(page)  # every script and style from our own static files


@pytest.mark.django_db
def test_crisis_resources_are_on_the_page_ready_to_show(me, client_record):
    clinic = client_record.clinic
    clinic.crisis_resources = "Call the night line on 0800 111 222."
    clinic.save(update_fields=["crisis_resources"])
    page = me.get(URL).content.decode()
    assert page.count("Call the night line on 0800 111 222.") == 1  # extra text in the box
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

    assert page.index("For today") < page.index(daily.exercise.title) < page.index("Done today")
    # Recorded today already: under "Done today", not "For today", so not recorded twice.
    assert page.index("Done today") < page.index(weekly_done.exercise.title)
    assert 'data-done-today="1"' in page
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
    client_record.discharged_on = client_record.started_on
    client_record.save(update_fields=["status", "discharged_on"])

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
    _crisis_lines(client_record.clinic)
    _plan(client_record)
    # The client with their clinic and plan in one query, the crisis lines in one more.
    # Two of them: what was done today, and the next session. One more: measure schedules.
    # Two more: the TICES log card's latest entries, and whether the client has a target.
    with django_assert_max_num_queries(15):
        response = me.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count('class="card exercise"') == 6


@pytest.mark.django_db
def test_crisis_box_has_tap_to_call_and_tap_to_text_links(me, client_record):
    _crisis_lines(client_record.clinic)
    page = me.get(URL).content.decode()
    box = page[page.index('id="crisis"') : page.index('id="note-safety"')]
    assert (
        '<a class="tap" href="tel:911">Call Emergency services <span class="number">911</span></a>'
        in box
    )
    assert 'href="tel:988">Call Lifeline <span class="number">988</span>' in box
    assert 'href="sms:988">Text Lifeline <span class="number">988</span>' in box
    assert 'href="sms:741741">Text Text Line <span class="number">741 741</span>' in box
    assert "tel:741741" not in box  # a line for texts only has no call link
    # The clinic's own number, dialable, with the hours it is answered.
    assert 'href="tel:+15550102000">' in box
    assert "The clinic answers weekdays 9:00 to 17:00." in box
    # What to do now names the first line that takes calls.
    assert "If you are in danger now, call Emergency services on 911." in box


@pytest.mark.django_db
def test_crisis_box_says_honestly_when_the_answer_is_read(me, client_record):
    page = me.get(URL).content.decode()
    assert "this page is not watched around the clock" in page
    assert "If you are in danger now, call your local emergency number." in page  # no lines
    assert "your therapist is being told" in page  # the words after sending, in the page
    clinic = client_record.clinic
    clinic.safety_response = "Dr Lee reads alerts on weekdays between 9:00 and 18:00."
    clinic.save(update_fields=["safety_response"])
    page = me.get(URL).content.decode()
    assert "Dr Lee reads alerts on weekdays between 9:00 and 18:00." in page
    assert "not watched around the clock" not in page


@pytest.mark.django_db
def test_the_form_says_who_reads_the_note_with_a_safety_answer(me):
    page = me.get(URL).content.decode()
    assert (
        '<p class="note-safety" id="note-safety" hidden>Your therapist will read what you write '
        "here, with your answer to the safety question.</p>"
    ) in page
    assert page.index('id="safety-yes"') < page.index('id="note-safety"') < page.index('id="note"')


@pytest.mark.django_db
def test_client_sees_their_safety_plan_on_the_page_and_in_the_crisis_box(
    me, client_record, therapist
):
    _plan(client_record)
    neighbour = factories.ClientFactory(primary_therapist=therapist)
    _plan(neighbour, warning_signs="The neighbour's own signs")
    page = me.get(URL).content.decode()
    assert "My safety plan" in page
    assert page.count("Replaying the last call at night") == 2  # its section and the box
    box = page[page.index('id="crisis"') : page.index('id="note-safety"')]
    assert "My warning signs" in box and "My sister&#x27;s kids" in box
    assert "People I can ask for help" not in page  # an empty section is not shown
    assert "The neighbour's own signs" not in page


@pytest.mark.django_db
def test_no_plan_section_without_a_plan(me, client_record):
    assert "My safety plan" not in me.get(URL).content.decode()
    _plan(client_record, warning_signs="   ")  # nothing written
    assert "My safety plan" not in me.get(URL).content.decode()


@pytest.mark.django_db
def test_a_discharged_client_still_sees_the_crisis_lines_and_plan(me, client_record):
    _crisis_lines(client_record.clinic)
    _plan(client_record)
    client_record.status = Client.Status.DISCHARGED
    client_record.discharged_on = client_record.started_on
    client_record.save(update_fields=["status", "discharged_on"])
    page = me.get(URL).content.decode()
    assert 'class="send"' not in page
    assert 'href="tel:911"' in page and 'href="sms:988"' in page
    assert "Replaying the last call at night" in page
