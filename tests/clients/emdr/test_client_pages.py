"""The client's TICES log at /me/log/, and its card on /me/."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client as BrowserClient
from django.utils import timezone
from django.utils.html import escape

from clients.emdr.models import EmdrSettings, TicesEntry
from clients.models import Client, Exercise, ExerciseCategory
from clinic.models import CrisisLine
from tests import factories

LOG = "/me/log/"
ME = "/me/"
NOW = dt.datetime(2026, 6, 3, 18, 0, tzinfo=dt.UTC)  # 20:00 in Berlin, the client's zone
BERLIN = ZoneInfo("Europe/Berlin")
TRIGGER = "A door slammed upstairs and I froze."


@pytest.fixture(autouse=True)
def on_that_evening():
    """Entries are of an evening in June; the log takes moments of the last 30 days."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def me(client, client_record):
    client.force_login(client_record.user)
    return client


@pytest.fixture
def shown(client_record):
    return factories.TargetFactory(
        client=client_record, label="The stairwell", shown_to_client=True
    )


@pytest.fixture
def hidden(client_record):
    return factories.TargetFactory(client=client_record, label="Kept back", shown_to_client=False)


def _client_uuid(page: str) -> str:
    return re.search(r'name="client_uuid" value="([0-9a-f-]{36})"', page).group(1)


def _form(me) -> str:
    response = me.get(LOG)
    assert response.status_code == 200
    return response.content.decode()


def _entry(client_uuid: str, **changes) -> dict:
    posted = {
        "client_uuid": client_uuid,
        "trigger": TRIGGER,
        "image": "The dark hallway",
        "cognition": "I am trapped",
        "emotions": ["afraid", "ashamed"],
        "sensation": "Tight throat",
        "disturbance": "8",
        "occurred_at": "2026-06-03T19:15",
        "target": "",
    }
    posted.update(changes)
    return {key: value for key, value in posted.items() if value is not None}


def _calming(client_record, title="Feet on the floor", category=ExerciseCategory.GROUNDING):
    exercise = Exercise.objects.create(
        clinic=client_record.clinic,
        title=title,
        category=category,
        minutes=3,
        instructions=f"{title}: slow breaths, name five things you see.",
    )
    return factories.AssignmentFactory(client=client_record, exercise=exercise)


def _discharge(client_record) -> None:
    client_record.status = Client.Status.DISCHARGED
    client_record.discharged_on = client_record.started_on
    client_record.save(update_fields=["status", "discharged_on"])


# --- who reaches it ----------------------------------------------------------------


@pytest.mark.django_db
def test_visitors_log_in_and_staff_get_a_404(client, therapist, other_clinic_therapist):
    response = client.get(LOG)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    for staff in (therapist, other_clinic_therapist):
        client.force_login(staff.user)
        assert client.get(LOG).status_code == 404
        assert client.post(LOG, _entry("6f1c1d0e-0000-4000-8000-000000000001")).status_code == 404
    assert not TicesEntry.objects.exists()


@pytest.mark.django_db
def test_posting_needs_the_csrf_token(client_record):
    browser = BrowserClient(enforce_csrf_checks=True)
    browser.force_login(client_record.user)
    assert browser.post(LOG, _entry("6f1c1d0e-0000-4000-8000-000000000002")).status_code == 403
    assert not TicesEntry.objects.exists()


# --- the form ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_offers_the_vocabulary_the_shown_labels_and_now_in_the_clients_zone(
    me, client_record, shown, hidden, therapist, other_clinic_therapist
):
    neighbour = factories.ClientFactory(primary_therapist=therapist)
    theirs = factories.TargetFactory(client=neighbour, label="Next door", shown_to_client=True)
    far = factories.ClientFactory(primary_therapist=other_clinic_therapist)
    factories.TargetFactory(client=far, label="Far away", shown_to_client=True)

    page = _form(me)

    assert "Log a moment that stirred you up" in page
    assert _client_uuid(page) != _client_uuid(_form(me))  # a new form, a new id
    assert 'name="occurred_at" value="2026-06-03T20:00"' in page  # Berlin, not UTC
    for label in client_record.clinic.emotion_labels.filter(is_active=True):
        assert f'name="emotions" value="{label.code}"' in page
    assert page.count('name="disturbance"') == 11
    assert f'<option value="{shown.pk}">The stairwell</option>' in page
    assert page.count("<option ") == 2  # none, and the one shown
    assert "Kept back" not in page and f'<option value="{hidden.pk}"' not in page
    assert "Next door" not in page and f'<option value="{theirs.pk}"' not in page
    assert "Far away" not in page
    assert hidden.memory not in page


@pytest.mark.django_db
def test_without_a_shown_target_no_target_question_is_asked(me, hidden):
    page = _form(me)
    assert 'name="target"' not in page
    assert "memories you work on" not in page


# --- sending it --------------------------------------------------------------------


@pytest.mark.django_db
def test_an_entry_is_stored_with_everything_and_listed(me, client_record, shown, therapist):
    neighbour = factories.ClientFactory(primary_therapist=therapist)
    factories.TicesEntryFactory(client=neighbour, trigger="The neighbour's own moment")
    client_uuid = _client_uuid(_form(me))

    response = me.post(LOG, _entry(client_uuid, target=str(shown.pk)))

    assert response.status_code == 200
    assert "Saved in your log" in response.content.decode()
    entry = TicesEntry.objects.get(client=client_record)
    assert (entry.client, str(entry.client_uuid), entry.target) == (
        client_record,
        client_uuid,
        shown,
    )
    assert (entry.trigger, entry.image, entry.cognition, entry.sensation) == (
        TRIGGER,
        "The dark hallway",
        "I am trapped",
        "Tight throat",
    )
    assert entry.disturbance == 8
    assert entry.occurred_at == dt.datetime(2026, 6, 3, 19, 15, tzinfo=BERLIN)
    assert sorted(entry.emotions.values_list("code", flat=True)) == ["afraid", "ashamed"]

    page = _form(me)
    listed = page[page.index('id="h-entries"') :]
    assert "Wed 3 Jun, 19:15" in listed and "disturbance 8 of 10" in listed
    assert escape(TRIGGER) in listed and "The stairwell" in listed
    assert listed.count("data-tices-entry=") == 1
    assert escape("The neighbour's own moment") not in page


@pytest.mark.django_db
def test_a_double_submit_or_a_reload_stores_one_entry(me):
    posted = _entry(_client_uuid(_form(me)))
    first = me.post(LOG, posted)
    second = me.post(LOG, posted)
    assert first.status_code == second.status_code == 200
    assert "Saved in your log" in second.content.decode()
    assert TicesEntry.objects.count() == 1


@pytest.mark.django_db
def test_a_changed_form_sent_again_is_stored_once_more_not_dropped(me):
    client_uuid = _client_uuid(_form(me))
    me.post(LOG, _entry(client_uuid))
    changed = _entry(client_uuid, disturbance="9", trigger="The door again, louder.")
    for _ in range(2):
        assert me.post(LOG, changed).status_code == 200
    assert sorted(TicesEntry.objects.values_list("disturbance", flat=True)) == [8, 9]


@pytest.mark.django_db
def test_a_hard_moment_shows_the_calming_exercises_at_once(me, client_record):
    EmdrSettings.objects.create(clinic=client_record.clinic, calming_at=6)
    grounding = _calming(client_record)
    allowing = _calming(client_record, "Ride the wave", ExerciseCategory.ALLOWING)
    other = _calming(client_record, "Name it as you go", ExerciseCategory.LABELLING)
    CrisisLine.objects.create(clinic=client_record.clinic, name="Lifeline", call="988")

    response = me.post(LOG, _entry(_client_uuid(_form(me)), disturbance="6"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "That sounds like a hard moment" in page
    calming = page[page.index('id="calming"') :]
    for assignment in (grounding, allowing):
        assert f'href="/me/#exercise-{assignment.pk}"' in calming
        assert assignment.exercise.title in calming
        assert escape(assignment.exercise.instructions) in calming
    assert other.exercise.title not in page
    assert "Lifeline" in page  # and, always, the people to reach when it is too much
    # The link lands on the exercise as /me/ shows it.
    assert f'id="exercise-{grounding.pk}"' in me.get(ME).content.decode()


@pytest.mark.django_db
def test_a_moment_below_the_clinics_level_shows_no_calming_box(me, client_record):
    _calming(client_record)
    response = me.post(LOG, _entry(_client_uuid(_form(me)), disturbance="6"))  # default: 7
    page = response.content.decode()
    assert "Saved in your log" in page
    assert "hard moment" not in page and "Feet on the floor" not in page


@pytest.mark.django_db
def test_a_hard_moment_without_calming_exercises_shows_the_crisis_lines(me, client_record):
    CrisisLine.objects.create(clinic=client_record.clinic, name="Lifeline", call="988")
    _calming(client_record).delete()  # none assigned now
    response = me.post(LOG, _entry(_client_uuid(_form(me)), disturbance="10"))
    page = response.content.decode()
    assert "That sounds like a hard moment" in page
    assert 'href="tel:988"' in page and "If you are in danger now, call Lifeline on 988." in page


# --- what is refused ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_hidden_target_or_another_clients_is_refused_by_name(
    me, hidden, therapist, other_clinic_therapist
):
    neighbour = factories.ClientFactory(primary_therapist=therapist)
    theirs = factories.TargetFactory(client=neighbour, shown_to_client=True)
    far = factories.TargetFactory(
        client=factories.ClientFactory(primary_therapist=other_clinic_therapist),
        shown_to_client=True,
    )
    client_uuid = _client_uuid(_form(me))
    for forced in (hidden, theirs, far):
        response = me.post(LOG, _entry(client_uuid, target=str(forced.pk)))
        assert response.status_code == 400
        page = response.content.decode()
        assert "Choose one of the memories listed, or none." in page
        assert forced.label not in page
    assert not TicesEntry.objects.exists()


@pytest.mark.django_db
def test_bad_input_names_each_field_and_keeps_what_was_typed(me, shown):
    client_uuid = _client_uuid(_form(me))
    posted = _entry(
        client_uuid,
        trigger="   ",
        disturbance="11",
        occurred_at="2026-06-04T09:00",  # tomorrow
        emotions=["afraid", "not-a-feeling"],
        target=str(shown.pk),
    )

    response = me.post(LOG, posted)

    assert response.status_code == 400
    page = response.content.decode()
    summary = page[page.index('id="tices-errors"') : page.index("</div>")]
    assert 'href="#id_trigger"' in summary
    assert "Please write a few words about what stirred you up." in summary
    assert 'href="#disturbance-0"' in summary and "Disturbance is a number from 0 to 10." in summary
    assert 'href="#id_occurred_at"' in summary and "This is later than now." in summary
    assert "Choose feelings from the list." in summary
    assert 'aria-invalid="true"' in page
    # What was typed and chosen is still there.
    assert "The dark hallway</textarea>" in page and "Tight throat</textarea>" in page
    assert 'value="afraid" checked' in page
    assert 'value="2026-06-04T09:00"' in page
    assert f'<option value="{shown.pk}" selected>' in page
    assert _client_uuid(page) == client_uuid
    assert not TicesEntry.objects.exists()


@pytest.mark.django_db
def test_a_form_without_its_client_uuid_is_refused(me):
    response = me.post(LOG, _entry("not-a-uuid"))
    assert response.status_code == 400
    assert "client_uuid" in response.content.decode()
    assert not TicesEntry.objects.exists()


@pytest.mark.django_db
def test_a_discharged_client_gets_no_form_and_a_kind_sentence(me, client_record):
    factories.TicesEntryFactory(client=client_record, disturbance=4)
    CrisisLine.objects.create(clinic=client_record.clinic, name="Lifeline", call="988")
    _discharge(client_record)

    page = _form(me)
    assert "Your treatment has ended" in page and "Thank you for the work you did here" in page
    assert "<form" not in page.split('id="main"')[1] and 'name="client_uuid"' not in page
    assert "disturbance 4 of 10" in page  # what was logged stays readable

    response = me.post(LOG, _entry("6f1c1d0e-0000-4000-8000-000000000003"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "What you just sent was not saved" in page and 'href="tel:988"' in page
    assert TicesEntry.objects.count() == 1


# --- the card on /me/ --------------------------------------------------------------


@pytest.mark.django_db
def test_no_card_on_me_without_targets_or_entries(me):
    page = me.get(ME).content.decode()
    assert "/me/log/" not in page and "Your log between sessions" not in page


@pytest.mark.django_db
def test_a_client_in_emdr_sees_the_card_with_a_link_to_the_log(me, hidden):
    page = me.get(ME).content.decode()
    card = page[page.index('class="card tices-card"') :]
    assert 'href="/me/log/"' in card and "Log a moment that stirred you up" in card
    assert "Kept back" not in page  # a target's label is the therapist's to show


@pytest.mark.django_db
def test_the_card_lists_the_last_entries_by_date_and_disturbance_only(me, client_record):
    moments = [timezone.now() - dt.timedelta(days=days) for days in (1, 2, 3, 4)]
    for n, moment in enumerate(moments):
        factories.TicesEntryFactory(
            client=client_record, occurred_at=moment, disturbance=n + 3, trigger=f"trigger {n}"
        )
    factories.TicesEntryFactory(client=factories.ClientFactory(), disturbance=9)

    page = me.get(ME).content.decode()

    card = page[page.index('class="card tices-card"') : page.index('id="h-exercises"')]
    assert card.count("data-tices-entry=") == 3
    assert re.findall(r"disturbance (\d+) of 10", card) == ["3", "4", "5"]  # newest first
    assert "trigger" not in card
    local = timezone.localtime(moments[0], BERLIN)
    assert local.strftime("%a %-d %b, %H:%M") in card


@pytest.mark.django_db
def test_a_discharged_client_reads_their_log_from_the_card(me, client_record, hidden):
    factories.TicesEntryFactory(client=client_record, disturbance=4)
    _discharge(client_record)
    card = me.get(ME).content.decode()
    card = card[card.index('class="card tices-card"') :]
    assert "Read your log" in card and "Log a moment that stirred you up" not in card


# --- cost --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("entries", [1, 30])
def test_the_log_reads_a_fixed_number_of_queries(
    me, client_record, shown, hidden, entries, django_assert_num_queries
):
    for _ in range(entries):
        entry = factories.TicesEntryFactory(client=client_record, target=shown)
        entry.emotions.set(client_record.clinic.emotion_labels.all()[:2])
    # Session, user, the user's clinic; the client; the vocabulary, the shown targets; the
    # log and its feelings.
    with django_assert_num_queries(8):
        response = me.get(LOG)
    assert response.content.decode().count("data-tices-entry=") == min(entries, 20)


@pytest.mark.django_db
def test_saving_a_hard_moment_reads_a_fixed_number_of_queries(
    me, client_record, shown, django_assert_max_num_queries
):
    _calming(client_record)
    posted = _entry(_client_uuid(_form(me)), target=str(shown.pk))
    # Session, user, clinic, client; the form's choices (2); the entry looked up by its id
    # (2); the target checked, stored with its audit row and feelings (7); the clinic's
    # level and the calming exercises (2); the crisis lines (1).
    with django_assert_max_num_queries(19):
        response = me.post(LOG, posted)
    assert "Feet on the floor" in response.content.decode()


@pytest.mark.django_db
def test_me_with_the_card_adds_one_query(me, client_record, django_assert_max_num_queries):
    for _ in range(5):
        factories.TicesEntryFactory(client=client_record)
    # The page's own 13 (see test_client_web) and the last three entries; without entries,
    # one more to see whether the client has a target.
    with django_assert_max_num_queries(14):
        response = me.get(ME)
    assert response.content.decode().count("data-tices-entry=") == 3
