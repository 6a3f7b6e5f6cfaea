"""The client's measures on /me/: what is due, the form, and what they see after sending."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client as BrowserClient
from django.utils import timezone
from django.utils.html import escape

from clients.measures import services
from clients.measures.instruments import INSTRUMENTS
from clients.measures.models import ClinicInstrument, MeasureResponse
from clients.models import Alert, Client
from clinic.models import CrisisLine
from tests import factories

ME = "/me/"
PHQ9 = INSTRUMENTS["phq9"]


def _form_url(schedule) -> str:
    return f"/me/measures/{schedule.pk}/"


@pytest.fixture
def me(client, client_record):
    client.force_login(client_record.user)
    return client


@pytest.fixture
def schedule(client_record):
    return factories.MeasureScheduleFactory(client=client_record, instrument="phq9")


def _post(item_values: dict[str, int], client_uuid: str, **extra) -> dict:
    data = {f"item-{code}": str(value) for code, value in item_values.items()}
    return {"client_uuid": client_uuid, **data, **extra}


def _client_uuid(page: str) -> str:
    return re.search(r'name="client_uuid" value="([0-9a-f-]{36})"', page).group(1)


def _discharge(client_record) -> None:
    client_record.status = Client.Status.DISCHARGED
    client_record.discharged_on = client_record.started_on
    client_record.save(update_fields=["status", "discharged_on"])


# --- the due list on /me/ ----------------------------------------------------------


@pytest.mark.django_db
def test_what_is_due_is_listed_with_a_link_by_schedule_id(me, client_record, schedule, therapist):
    neighbour = factories.ClientFactory(primary_therapist=therapist)
    theirs = factories.MeasureScheduleFactory(client=neighbour, instrument="gad7")

    page = me.get(ME).content.decode()

    assert "To complete" in page
    card = page[page.index('class="card measures-due"') :]
    assert f'href="/me/measures/{schedule.pk}/"' in card
    assert "Patient Health Questionnaire" in card and "(PHQ-9)" in card
    assert "9 questions" in card
    assert "ready since " + timezone.localdate().strftime("%A %-d %B") in card
    assert "waiting for more than a week" not in card
    assert "phq9" not in card  # ids only in addresses, never the instrument code
    assert f"/me/measures/{theirs.pk}/" not in page
    assert "Generalized Anxiety" not in page


@pytest.mark.django_db
def test_nothing_due_shows_no_card(me, client_record, schedule):
    factories.measure_response(client_record, "phq9")  # answered in this period
    assert "To complete" not in me.get(ME).content.decode()


@pytest.mark.django_db
def test_a_client_without_schedules_sees_no_card(me):
    assert "To complete" not in me.get(ME).content.decode()


@pytest.mark.django_db
def test_an_overdue_measure_is_flagged_gently(me, client_record):
    with time_machine.travel(timezone.now() - dt.timedelta(days=10)):
        factories.MeasureScheduleFactory(client=client_record, instrument="gad7", cadence="once")
    page = me.get(ME).content.decode()
    assert "waiting for more than a week, whenever you are ready" in page


@pytest.mark.django_db
def test_an_instrument_the_clinic_turned_off_is_not_due(me, client_record, schedule):
    ClinicInstrument.objects.create(clinic=client_record.clinic, instrument="phq9", enabled=False)
    assert "To complete" not in me.get(ME).content.decode()
    assert me.get(_form_url(schedule)).status_code == 404


@pytest.mark.django_db
def test_a_discharged_client_sees_no_measures_and_gets_no_form(me, client_record, schedule):
    _discharge(client_record)
    assert "To complete" not in me.get(ME).content.decode()

    response = me.get(_form_url(schedule))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Your treatment at the clinic has ended" in page
    assert 'name="client_uuid"' not in page
    answers = factories.measure_answers("phq9", value=1, item_9=2)
    response = me.post(_form_url(schedule), _post(answers, "6f1c1d0e-0000-4000-8000-000000000001"))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Your treatment at the clinic has ended" in page
    assert "The answers you sent were not saved" in page
    assert "If you are in danger now" in page  # the answers may have held a self-harm one
    partial = {"1": 2, "2": 1}  # not offered for mending: it could never be stored
    response = me.post(_form_url(schedule), _post(partial, "6f1c1d0e-0000-4000-8000-00000000000a"))
    assert response.status_code == 404 and 'name="client_uuid"' not in response.content.decode()
    assert not MeasureResponse.objects.exists() and not Alert.objects.exists()


# --- who reaches the form --------------------------------------------------------


@pytest.mark.django_db
def test_another_clients_schedule_is_a_404(me, therapist, other_clinic_therapist):
    neighbour = factories.ClientFactory(primary_therapist=therapist)
    far = factories.ClientFactory(primary_therapist=other_clinic_therapist)
    answers = factories.measure_answers("phq9", value=1)
    for other in (neighbour, far):
        theirs = factories.MeasureScheduleFactory(client=other, instrument="phq9")
        assert me.get(_form_url(theirs)).status_code == 404
        posted = _post(answers, "6f1c1d0e-0000-4000-8000-000000000002")
        assert me.post(_form_url(theirs), posted).status_code == 404
    assert me.get("/me/measures/999999/").status_code == 404
    assert not MeasureResponse.objects.exists()


@pytest.mark.django_db
def test_staff_get_a_404_and_visitors_log_in(client, therapist, other_therapist, schedule):
    assert client.get(_form_url(schedule)).status_code == 302  # to the login page
    for user in (therapist.user, other_therapist.user, factories.ClinicAdminFactory()):
        client.force_login(user)
        assert client.get(_form_url(schedule)).status_code == 404


@pytest.mark.django_db
def test_a_measure_not_due_now_is_a_friendly_404(me, client_record, schedule):
    factories.measure_response(client_record, "phq9")
    response = me.get(_form_url(schedule))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Nothing to answer now" in page
    assert "not waiting for you at the moment" in page
    assert 'href="/me/"' in page


# --- the form ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_asks_every_item_in_the_published_words(me, schedule):
    response = me.get(_form_url(schedule))
    assert response.status_code == 200
    page = response.content.decode()

    assert escape(PHQ9.sections["main"]) in page
    for item in PHQ9.items:
        assert f'<fieldset class="question" id="item-{item.code}">' in page
        assert escape(item.text) in page
        for option in PHQ9.options_for(item):
            assert (
                f'<input type="radio" id="item-{item.code}-{option.value}" '
                f'name="item-{item.code}" value="{option.value}">' in page
            )
    # The difficulty question after the items, optional, with its own options.
    assert page.index('id="item-9"') < page.index(escape(PHQ9.difficulty.text))
    assert "(optional)" in page
    for option in PHQ9.difficulty_options:
        assert f'id="difficulty-{option.value}"' in page and option.text in page
    assert page.index("Send my answers") < page.index(escape(PHQ9.attribution))
    assert page.count("<legend>") == 10
    assert "csrfmiddlewaretoken" in page
    assert _client_uuid(page)
    assert "onclick" not in page and "<script>" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("code", list(INSTRUMENTS))
def test_every_instrument_renders_its_stems_and_items(me, client_record, code):
    schedule = factories.MeasureScheduleFactory(client=client_record, instrument=code)
    page = me.get(_form_url(schedule)).content.decode()
    definition = INSTRUMENTS[code]
    for stem in definition.sections.values():
        assert escape(stem) in page
    for item in definition.items:
        assert f'name="item-{item.code}"' in page
    assert (definition.difficulty is not None) == ('name="difficulty"' in page)


@pytest.mark.django_db
def test_the_form_page_reads_a_fixed_number_of_queries(
    me, client_record, schedule, django_assert_num_queries
):
    for days_back in (28, 14):
        factories.measure_response(
            client_record, "gad7", completed_at=timezone.now() - dt.timedelta(days=days_back)
        )
    factories.SessionFactory(client=client_record)
    # Session, user, the client; the schedule; what is due (four); the user's clinic.
    with django_assert_num_queries(9):
        response = me.get(_form_url(schedule))
    assert response.status_code == 200


@pytest.mark.django_db
def test_me_with_measures_due_reads_a_fixed_number_of_queries(
    me, client_record, django_assert_max_num_queries
):
    for code in INSTRUMENTS:
        factories.MeasureScheduleFactory(client=client_record, instrument=code)
    # The page's own twelve, the client's schedules and the four of what is due.
    with django_assert_max_num_queries(17):
        response = me.get(ME)
    assert response.content.decode().count("data-measure-due=") == 4


# --- sending it ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_partial_response_names_each_missing_item_and_stores_nothing(me, schedule):
    client_uuid = _client_uuid(me.get(_form_url(schedule)).content.decode())
    answered = {"1": 2, "2": 1, "4": 3, "5": 0, "6": 1, "8": 2}

    response = me.post(_form_url(schedule), _post(answered, client_uuid, difficulty="1"))

    assert response.status_code == 400
    page = response.content.decode()
    assert "3 questions are not answered yet." in page
    summary = page[page.index('id="measure-errors"') : page.index("</div>")]
    for code in ("3", "7", "9"):
        assert f'<a href="#item-{code}-0">Question {code}</a>' in summary
        fieldset = page[page.index(f'id="item-{code}"') :]
        fieldset = fieldset[: fieldset.index("</fieldset>")]
        assert "Please choose an answer to this question." in fieldset
        assert 'aria-invalid="true"' in fieldset
    for code, value in answered.items():
        assert f'id="item-{code}-{value}" name="item-{code}" value="{value}" checked>' in page
    assert 'id="difficulty-1" name="difficulty" value="1" checked>' in page
    assert page.count("Please choose an answer to this question.") == 3
    assert _client_uuid(page) == client_uuid  # the same form, still unsent
    assert not MeasureResponse.objects.exists()
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_an_answer_that_is_not_an_option_is_refused_by_name(me, schedule):
    answers = factories.measure_answers("phq9", value=1)
    posted = _post(answers, "6f1c1d0e-0000-4000-8000-000000000003")
    posted.update({"item-2": "7", "item-5": "a lot", "difficulty": "9"})
    response = me.post(_form_url(schedule), posted)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Item 2 takes one of 0, 1, 2, 3." in page
    assert "Item 5 takes one of 0, 1, 2, 3." in page
    assert "Difficulty takes one of 0, 1, 2, 3." in page
    assert "not answered yet" not in page
    assert not MeasureResponse.objects.exists()


@pytest.mark.django_db
def test_a_form_without_its_client_uuid_is_refused(me, schedule):
    answers = factories.measure_answers("phq9", value=1)
    response = me.post(_form_url(schedule), _post(answers, "not-a-uuid"))
    assert response.status_code == 400
    assert "client_uuid" in response.content.decode()
    assert not MeasureResponse.objects.exists()


@pytest.mark.django_db
def test_a_complete_response_is_stored_scored_and_thanked_without_a_score(
    me, client_record, schedule
):
    client_uuid = _client_uuid(me.get(_form_url(schedule)).content.decode())
    answers = {"1": 2, "2": 2, "3": 1, "4": 3, "5": 1, "6": 2, "7": 1, "8": 0, "9": 0}

    response = me.post(_form_url(schedule), _post(answers, client_uuid, difficulty="2"))

    assert response.status_code == 302 and response["Location"] == ME
    stored = MeasureResponse.objects.get()
    assert (stored.client, stored.instrument, str(stored.client_uuid)) == (
        client_record,
        "phq9",
        client_uuid,
    )
    assert stored.answers == answers and stored.difficulty == 2
    assert (stored.total, stored.band, stored.entered_by) == (12, "moderate", None)
    assert abs(stored.completed_at - timezone.now()) < dt.timedelta(minutes=1)
    assert stored.alert is None and not Alert.objects.exists()

    page = me.get(ME).content.decode()
    assert "Thank you. Your answers are saved, and your therapist will see them." in page
    assert "To complete" not in page  # answered for this period
    assert 'id="measure-safety"' not in page
    assert "moderate" not in page.lower() and "score" not in page.lower()


@pytest.mark.django_db
def test_a_double_post_with_the_same_client_uuid_stores_one(me, schedule):
    client_uuid = _client_uuid(me.get(_form_url(schedule)).content.decode())
    posted = _post(factories.measure_answers("phq9", value=1), client_uuid)

    first = me.post(_form_url(schedule), posted)
    second = me.post(_form_url(schedule), posted)  # no longer due, but the same form

    assert first.status_code == second.status_code == 302
    assert second["Location"] == ME
    assert MeasureResponse.objects.count() == 1


@pytest.mark.django_db
def test_a_self_harm_answer_shows_crisis_resources_and_raises_one_alert(
    me, client_record, schedule
):
    clinic = client_record.clinic
    CrisisLine.objects.create(clinic=clinic, name="Lifeline", call="988", text="988", sort_order=0)
    clinic.safety_response = "Dr Lee reads alerts on weekdays between 9:00 and 18:00."
    clinic.save(update_fields=["safety_response"])
    client_uuid = _client_uuid(me.get(_form_url(schedule)).content.decode())
    posted = _post(factories.measure_answers("phq9", value=0, item_9=1), client_uuid)

    response = me.post(_form_url(schedule), posted, follow=True)
    again = me.post(_form_url(schedule), posted, follow=True)  # sent twice: one alert

    page = response.content.decode()
    box = page[page.index('id="measure-safety"') : page.index("</section>")]
    assert 'role="alert"' in page[page.index('id="measure-safety"') - 80 :][:200]
    assert 'href="tel:988">Call Lifeline <span class="number">988</span>' in box
    assert "If you are in danger now, call Lifeline on 988." in box
    assert "your therapist is being told by e-mail" in box
    assert "Dr Lee reads alerts on weekdays between 9:00 and 18:00." in box
    assert "Thank you. Your answers are saved" in page
    assert "score" not in page.lower()
    alert = Alert.objects.get()
    assert alert.client == client_record and alert.kind == Alert.Kind.SAFETY_CONCERN
    assert MeasureResponse.objects.get().alert == alert
    assert 'id="measure-safety"' in again.content.decode()  # the same answer, the same help
    # Shown once, right after sending; the page after that is the usual one.
    assert 'id="measure-safety"' not in me.get(ME).content.decode()


# --- sent after it stopped being due -------------------------------------------------


@pytest.fixture
def before_session(client_record):
    """A "before every session" measure, due now: its session begins in ten minutes."""
    session = factories.SessionFactory(
        client=client_record, starts_at=timezone.now() + dt.timedelta(minutes=10)
    )
    schedule = factories.MeasureScheduleFactory(
        client=client_record, instrument="phq9", cadence="before_session"
    )
    return schedule, session


@pytest.mark.django_db
def test_a_form_sent_after_its_session_began_is_stored(me, client_record, before_session):
    schedule, session = before_session
    client_uuid = _client_uuid(me.get(_form_url(schedule)).content.decode())
    answers = factories.measure_answers("phq9", value=1)

    with time_machine.travel(session.starts_at + dt.timedelta(minutes=5)):
        assert me.get(_form_url(schedule)).status_code == 404  # no longer offered
        response = me.post(_form_url(schedule), _post(answers, client_uuid))

    assert response.status_code == 302 and response["Location"] == ME
    stored = MeasureResponse.objects.get()
    assert (stored.client, str(stored.client_uuid), stored.answers) == (
        client_record,
        client_uuid,
        answers,
    )
    assert stored.completed_at > session.starts_at
    assert "Thank you. Your answers are saved" in me.get(ME).content.decode()


@pytest.mark.django_db
def test_a_self_harm_answer_sent_after_its_session_began_raises_one_alert(
    me, client_record, before_session
):
    schedule, session = before_session
    client_uuid = _client_uuid(me.get(_form_url(schedule)).content.decode())
    posted = _post(factories.measure_answers("phq9", value=0, item_9=2), client_uuid)

    with time_machine.travel(session.starts_at + dt.timedelta(minutes=5)):
        first = me.post(_form_url(schedule), posted, follow=True)
        again = me.post(_form_url(schedule), posted, follow=True)  # sent twice: one of each

    alert = Alert.objects.get()
    assert alert.client == client_record and alert.kind == Alert.Kind.SAFETY_CONCERN
    assert MeasureResponse.objects.get().alert == alert
    for response in (first, again):
        assert 'id="measure-safety"' in response.content.decode()


@pytest.mark.django_db
def test_a_form_sent_after_its_period_was_answered_or_stopped_is_stored(
    me, client_record, schedule
):
    opened = [_client_uuid(me.get(_form_url(schedule)).content.decode()) for _ in range(2)]
    factories.measure_response(client_record, "phq9")  # answered meanwhile: not due now
    answers = factories.measure_answers("phq9", value=2)
    assert me.post(_form_url(schedule), _post(answers, opened[0])).status_code == 302
    services.schedule_stop(schedule=schedule)  # the therapist stops asking; the client is active
    assert me.post(_form_url(schedule), _post(answers, opened[1])).status_code == 302
    assert MeasureResponse.objects.filter(client=client_record).count() == 3


@pytest.mark.django_db
def test_a_partial_form_sent_after_it_stopped_being_due_is_kept_for_mending(
    me, client_record, schedule
):
    client_uuid = _client_uuid(me.get(_form_url(schedule)).content.decode())
    factories.measure_response(client_record, "phq9")  # answered meanwhile: not due now
    response = me.post(_form_url(schedule), _post({"1": 2, "2": 1}, client_uuid))
    assert response.status_code == 400
    page = response.content.decode()
    assert "7 questions are not answered yet." in page
    assert 'id="item-1-2" name="item-1" value="2" checked>' in page
    assert _client_uuid(page) == client_uuid
    assert MeasureResponse.objects.count() == 1


@pytest.mark.django_db
def test_a_stopped_schedule_of_a_discharged_client_stores_nothing(me, client_record, schedule):
    client_uuid = _client_uuid(me.get(_form_url(schedule)).content.decode())
    services.schedules_stop_all(client=client_record)
    _discharge(client_record)
    answers = factories.measure_answers("phq9", value=1)
    response = me.post(_form_url(schedule), _post(answers, client_uuid))
    assert response.status_code == 404
    assert "Your treatment at the clinic has ended" in response.content.decode()
    assert not MeasureResponse.objects.exists()


@pytest.mark.django_db
def test_posting_needs_the_csrf_token(client_record, schedule):
    browser = BrowserClient(enforce_csrf_checks=True)
    browser.force_login(client_record.user)
    answers = factories.measure_answers("phq9", value=1)
    posted = _post(answers, "6f1c1d0e-0000-4000-8000-000000000004")
    assert browser.post(_form_url(schedule), posted).status_code == 403
    assert not MeasureResponse.objects.exists()


@pytest.mark.django_db
def test_a_changed_answer_sent_again_with_the_same_form_is_stored_not_dropped(me, schedule):
    client_uuid = _client_uuid(me.get(_form_url(schedule)).content.decode())
    me.post(_form_url(schedule), _post(factories.measure_answers("phq9", value=0), client_uuid))
    changed = factories.measure_answers("phq9", value=0, item_9=2)  # Back, item 9 changed
    assert me.post(_form_url(schedule), _post(changed, client_uuid)).status_code == 302
    assert me.post(_form_url(schedule), _post(changed, client_uuid)).status_code == 302  # twice
    assert MeasureResponse.objects.count() == 2
    assert MeasureResponse.objects.exclude(alert=None).get().answers["9"] == 2
