"""The measures API: instruments, schedules, what is due, and responses sent like check-ins."""

import datetime as dt
import uuid

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from django.utils.functional import Promise

from clients.measures.api.outcomes import MaySeeOutcomes
from clients.measures.api.serializers import AnswersField
from clients.measures.models import ClinicInstrument, MeasureResponse, MeasureSchedule
from clients.measures.selectors import due_for
from clients.models import Alert
from clinic.models import AuditEvent, CrisisLine
from tests import factories

INSTRUMENTS = "/api/v1/instruments/"
SCHEDULES = "/api/v1/measure-schedules/"
DUE = "/api/v1/measures/due/"
RESPONSES = "/api/v1/measure-responses/"


def new_key() -> dict:
    return {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}


def phq9(**overrides) -> dict:
    body = {
        "instrument": "phq9",
        "answers": factories.measure_answers("phq9", 1),
        "completed_at": (timezone.now() - dt.timedelta(minutes=2)).isoformat(),
    }
    body.update(overrides)
    return body


def fields(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


@pytest.fixture
def other_client_record(therapist):
    """Another client of the same therapist and clinic."""
    return factories.ClientFactory(primary_therapist=therapist)


@pytest.fixture
def me(client_record, as_user):
    return as_user(client_record.user)


@pytest.fixture
def asked(client_record):
    """The client is asked for PHQ-9: what a client may send of their own accord."""
    return factories.MeasureScheduleFactory(client=client_record, instrument="phq9")


@pytest.fixture
def staff(therapist, as_user):
    return as_user(therapist.user)


def turn_off(clinic, code: str) -> None:
    ClinicInstrument.objects.create(clinic=clinic, instrument=code, enabled=False)


# --- instruments ------------------------------------------------------------------
@pytest.mark.django_db
def test_instruments_are_those_the_clinic_uses_with_its_cut_offs(me, client_record, as_user):
    clinic = client_record.clinic
    turn_off(clinic, "itq")
    ClinicInstrument.objects.create(clinic=clinic, instrument="pcl5", caseness=31)
    body = me.get(INSTRUMENTS).json()
    assert [each["code"] for each in body] == ["phq9", "gad7", "pcl5"]
    phq9_body, _gad7, pcl5 = body
    assert phq9_body["items"][8] == {
        "code": "9",
        "text": "Thoughts that you would be better off dead or of hurting yourself in some way",
        "section": "main",
    }
    assert phq9_body["sections"][0]["options"][3] == {"value": 3, "text": "Nearly every day"}
    assert phq9_body["difficulty"]["options"][0]["text"] == "Not difficult at all"
    assert phq9_body["total_range"] == {"low": 0, "high": 27}
    assert phq9_body["bands"][0] == {"low": 0, "high": 4, "code": "minimal", "label": "minimal"}
    assert (phq9_body["caseness"], phq9_body["reliable_change"]) == (10, 6)
    assert phq9_body["safety_items"] == ["9"]
    assert "Pfizer" in phq9_body["attribution"] and phq9_body["licence"]
    assert (pcl5["caseness"], pcl5["reliable_change"], pcl5["bands"]) == (31, 10, [])
    assert [s["code"] for s in pcl5["subscales"]] == ["B", "C", "D", "E"]
    admin = factories.ClinicAdminFactory(clinic=clinic)
    assert len(as_user(admin).get(INSTRUMENTS).json()) == 3


@pytest.mark.django_db
def test_itq_has_no_total_and_names_its_diagnoses(staff):
    itq = next(each for each in staff.get(INSTRUMENTS).json() if each["code"] == "itq")
    assert itq["total_range"] is None and itq["caseness"] is None
    assert [d["code"] for d in itq["diagnoses"]] == ["cptsd", "ptsd"]
    assert [s["code"] for s in itq["subscales"]] == ["ptsd", "dso"]
    assert itq["difficulty"] is None


# --- schedules --------------------------------------------------------------------
def schedule_body(client, **overrides) -> dict:
    return {"client": client.pk, "instrument": "phq9", "cadence": "every_2_weeks", **overrides}


@pytest.mark.django_db
def test_therapist_sets_a_schedule_once_per_key_and_replaces_it_later(staff, client_record):
    key = new_key()
    first = staff.post(SCHEDULES, schedule_body(client_record), format="json", **key)
    assert first.status_code == 201
    assert first.json()["starts_on"] == timezone.localdate().isoformat()
    again = staff.post(SCHEDULES, schedule_body(client_record), format="json", **key)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    replaced = staff.post(
        SCHEDULES, schedule_body(client_record, cadence="weekly"), format="json", **new_key()
    )
    assert replaced.status_code == 200 and replaced.json()["id"] == first.json()["id"]
    schedule = MeasureSchedule.objects.get()
    assert (schedule.cadence, schedule.created_by) == (
        "weekly",
        client_record.primary_therapist.user,
    )


@pytest.mark.django_db
def test_a_schedule_names_a_client_i_treat_and_an_instrument_in_use(
    staff, client_record, other_therapist, other_clinic_therapist
):
    someone_elses = factories.ClientFactory(primary_therapist=other_therapist)
    elsewhere = factories.ClientFactory(primary_therapist=other_clinic_therapist)
    for client in (someone_elses, elsewhere):
        response = staff.post(SCHEDULES, schedule_body(client), format="json", **new_key())
        assert response.status_code == 400 and "client" in fields(response)
    turn_off(client_record.clinic, "gad7")
    response = staff.post(
        SCHEDULES, schedule_body(client_record, instrument="gad7"), format="json", **new_key()
    )
    assert response.status_code == 400 and "instrument" in fields(response)
    response = staff.post(
        SCHEDULES,
        schedule_body(client_record, starts_on="2026-12-10", ends_on="2026-12-01"),
        format="json",
        **new_key(),
    )
    assert response.status_code == 400 and "ends_on" in fields(response)
    assert not MeasureSchedule.objects.exists()


@pytest.mark.django_db
def test_schedules_are_read_changed_and_stopped_in_scope_only(
    staff, me, as_user, client_record, other_client_record, other_therapist, other_clinic_therapist
):
    schedule = factories.MeasureScheduleFactory(
        client=client_record, starts_on=timezone.localdate() - dt.timedelta(days=30)
    )
    theirs = factories.MeasureScheduleFactory(client=other_client_record)
    url = f"{SCHEDULES}{schedule.pk}/"
    assert [s["id"] for s in me.get(SCHEDULES).json()["results"]] == [schedule.pk]
    assert me.get(f"{SCHEDULES}{theirs.pk}/").status_code == 404
    assert len(staff.get(SCHEDULES).json()["results"]) == 2
    narrowed = staff.get(SCHEDULES, {"client": client_record.pk}).json()["results"]
    assert [s["id"] for s in narrowed] == [schedule.pk]
    for outsider in (other_therapist, other_clinic_therapist):
        api = as_user(outsider.user)
        assert api.get(url).status_code == 404
        assert api.get(SCHEDULES, {"client": client_record.pk}).status_code == 404
        assert api.patch(url, {"cadence": "weekly"}, format="json").status_code == 404
        assert api.post(f"{url}stop/").status_code == 404
    assert me.patch(url, {"cadence": "weekly"}, format="json").status_code == 403
    changed = staff.patch(url, {"cadence": "every_4_weeks"}, format="json")
    assert changed.status_code == 200 and changed.json()["cadence"] == "every_4_weeks"
    assert staff.patch(url, {"cadence": "daily"}, format="json").status_code == 400
    stopped = staff.post(f"{url}stop/")
    assert stopped.status_code == 200 and stopped.json()["stopped_at"] is not None
    assert due_for(schedule.client) == []
    # A second stop keeps the moment of the first.
    assert staff.post(f"{url}stop/").json()["stopped_at"] == stopped.json()["stopped_at"]
    assert AuditEvent.objects.filter(action="view", object_type="measureschedule").exists()


# --- due --------------------------------------------------------------------------
@pytest.mark.django_db
def test_due_measures_for_the_client_and_their_therapist_only(
    me, staff, as_user, client_record, other_therapist, other_clinic_therapist
):
    factories.MeasureScheduleFactory(
        client=client_record,
        cadence="once",
        starts_on=timezone.localdate() - dt.timedelta(days=10),
    )
    mine = me.get(DUE)
    assert mine.status_code == 200
    [due] = mine.json()
    assert (due["instrument"], due["name"], due["overdue"]) == ("phq9", "PHQ-9", True)
    assert staff.get(DUE, {"client": client_record.pk}).json() == mine.json()
    response = staff.get(DUE)
    assert response.status_code == 400 and "client" in fields(response)
    assert staff.get(DUE, {"client": "x1"}).status_code == 400
    for outsider in (other_therapist, other_clinic_therapist):
        assert as_user(outsider.user).get(DUE, {"client": client_record.pk}).status_code == 404
    assert AuditEvent.objects.filter(action="view", client_id=client_record.pk).exists()
    factories.measure_response(client_record, "phq9")
    assert me.get(DUE).json() == []


# --- responses: sending ------------------------------------------------------------
@pytest.mark.django_db
def test_a_client_sends_only_what_they_were_asked_for(me, client_record, asked, staff):
    refused = me.post(
        RESPONSES,
        phq9(instrument="gad7", answers=factories.measure_answers("gad7")),
        format="json",
        **new_key(),
    )
    assert refused.status_code == 400 and "instrument" in fields(refused)
    asked.stopped_at = timezone.now() - dt.timedelta(minutes=10)
    asked.save()
    assert me.post(RESPONSES, phq9(), format="json", **new_key()).status_code == 400
    # Answered (offline) while it was still asked, arriving after the stop: kept.
    earlier = (asked.stopped_at - dt.timedelta(minutes=30)).isoformat()
    assert (
        me.post(RESPONSES, phq9(completed_at=earlier), format="json", **new_key()).status_code
        == 201
    )
    # A paper form entered by the therapist needs no schedule.
    entered = staff.post(RESPONSES, phq9(client=client_record.pk), format="json", **new_key())
    assert entered.status_code == 201
    assert MeasureResponse.objects.filter(entered_by__isnull=True).count() == 1  # the offline one


@pytest.mark.django_db
def test_client_sends_a_response_scored_on_the_server(me, client_record, asked):
    body = phq9(answers=factories.measure_answers("phq9", 2, item_9=0), difficulty=1)
    response = me.post(RESPONSES, body, format="json", **new_key())
    assert response.status_code == 201, response.json()
    sent = response.json()
    assert (sent["total"], sent["band"], sent["difficulty"]) == (16, "moderately_severe", 1)
    assert sent["entered_by_staff"] is False
    assert sent["version"] == "phq9-2001"
    assert sent["crisis"] is None and sent["crisis_resources"] is None
    stored = MeasureResponse.objects.get()
    assert (stored.client, stored.entered_by, stored.total) == (client_record, None, 16)
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_a_replay_stores_one_response_and_a_different_body_is_422(me, asked):
    key = new_key()
    body = phq9()
    first = me.post(RESPONSES, body, format="json", **key)
    again = me.post(RESPONSES, body, format="json", **key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    changed = me.post(RESPONSES, phq9(answers=factories.measure_answers("phq9", 3)), **key)
    assert changed.status_code == 422
    assert MeasureResponse.objects.count() == 1


@pytest.mark.django_db
def test_the_same_client_uuid_with_a_new_key_is_the_stored_response(me, asked):
    body = phq9(client_uuid=str(uuid.uuid4()))
    first = me.post(RESPONSES, body, format="json", **new_key())
    again = me.post(RESPONSES, body, format="json", **new_key())
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert MeasureResponse.objects.count() == 1


@pytest.mark.django_db
def test_a_partial_response_names_each_missing_item_and_stores_nothing(me):
    answers = factories.measure_answers("phq9", 1)
    del answers["3"], answers["7"]
    answers["9"] = None
    response = me.post(RESPONSES, phq9(answers=answers), format="json", **new_key())
    assert response.status_code == 400
    assert fields(response) == {
        "answers.3": "Answer item 3.",
        "answers.7": "Answer item 7.",
        "answers.9": "Answer item 9.",
    }
    assert not MeasureResponse.objects.exists()
    assert not Alert.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({**factories.measure_answers("phq9"), "1": 4}, "answers.1"),
        ({**factories.measure_answers("phq9"), "1": "2"}, "answers.1"),
        ({**factories.measure_answers("phq9"), "1": True}, "answers.1"),
        ({**factories.measure_answers("phq9"), "1": 1.5}, "answers.1"),
        ({**factories.measure_answers("phq9"), "10": 1}, "answers.10"),
        ([0] * 9, "answers"),
        ({str(n): 0 for n in range(50)}, "answers"),
    ],
)
def test_wrong_answers_are_named(me, answers, field):
    response = me.post(RESPONSES, phq9(answers=answers), format="json", **new_key())
    assert response.status_code == 400
    assert field in fields(response)
    assert not MeasureResponse.objects.exists()


@pytest.mark.django_db
def test_every_wrong_field_is_reported_together(me):
    answers = factories.measure_answers("phq9")
    del answers["2"]
    future = (timezone.now() + dt.timedelta(days=2)).isoformat()
    response = me.post(
        RESPONSES,
        phq9(answers=answers, completed_at=future, difficulty=3, mood="fine"),
        format="json",
        **new_key(),
    )
    assert set(fields(response)) == {"answers.2", "completed_at", "mood"}


@pytest.mark.django_db
def test_difficulty_only_where_the_instrument_asks_it(me):
    body = phq9(instrument="pcl5", answers=factories.measure_answers("pcl5"), difficulty=1)
    response = me.post(RESPONSES, body, format="json", **new_key())
    assert response.status_code == 400 and "difficulty" in fields(response)


@pytest.mark.django_db
@pytest.mark.parametrize("moment", [dt.timedelta(days=40), -dt.timedelta(days=1)])
def test_completed_at_follows_the_check_in_time_window(me, moment):
    body = phq9(completed_at=(timezone.now() - moment).isoformat())
    response = me.post(RESPONSES, body, format="json", **new_key())
    assert response.status_code == 400 and "completed_at" in fields(response)
    response = me.post(RESPONSES, phq9(completed_at="2026-03-01T09:30:00"), **new_key())
    assert response.status_code == 400 and "completed_at" in fields(response)


@pytest.mark.django_db
def test_an_instrument_the_clinic_has_off_is_400_naming_it(me, client_record):
    turn_off(client_record.clinic, "phq9")
    response = me.post(RESPONSES, phq9(), format="json", **new_key())
    assert response.status_code == 400
    assert "PHQ-9" in fields(response)["instrument"]
    response = me.post(RESPONSES, phq9(instrument="bdi2"), format="json", **new_key())
    assert response.status_code == 400 and "instrument" in fields(response)
    assert not MeasureResponse.objects.exists()


@pytest.mark.django_db
def test_a_discharged_client_gets_403_and_nothing_is_stored(me, staff, client_record):
    client_record.status = "discharged"
    client_record.discharged_on = client_record.started_on
    client_record.save(update_fields=["status", "discharged_on"])
    response = me.post(RESPONSES, phq9(), format="json", **new_key())
    assert response.status_code == 403
    assert "ended" in response.json()["errors"][0]["message"]
    # A paper form for them is refused too, and says why.
    paper = staff.post(RESPONSES, phq9(client=client_record.pk), format="json", **new_key())
    assert paper.status_code == 403 and "ended" in paper.json()["errors"][0]["message"]
    assert not MeasureResponse.objects.exists()


@pytest.mark.django_db
def test_item_9_above_0_raises_one_alert_and_shows_crisis_resources(
    me, client_record, django_capture_on_commit_callbacks, asked
):
    clinic = client_record.clinic
    clinic.crisis_resources = "Call 116 123 any time."
    clinic.save(update_fields=["crisis_resources"])
    CrisisLine.objects.create(clinic=clinic, name="Samaritans", call="116 123", hours="24/7")
    key = new_key()
    body = phq9(answers=factories.measure_answers("phq9", 0, item_9=1))
    with django_capture_on_commit_callbacks(execute=True):
        first = me.post(RESPONSES, body, format="json", **key)
    assert first.status_code == 201
    sent = first.json()
    assert sent["crisis_resources"] == "Call 116 123 any time."
    assert sent["crisis"]["lines"][0]["name"] == "Samaritans"
    alert = Alert.objects.get()
    assert alert.kind == Alert.Kind.SAFETY_CONCERN and alert.is_open
    assert MeasureResponse.objects.get().alert == alert
    assert len(mail.outbox) == 1
    text = mail.outbox[0].subject + mail.outbox[0].body
    assert "PHQ" not in text and "item 9" not in text and client_record.label not in text
    # The retry scores and stores again, then finds the key taken and rolls it all back,
    # its alert with it: the path of a concurrent retry, taken one after the other.
    with django_capture_on_commit_callbacks(execute=True):
        again = me.post(RESPONSES, body, format="json", **key)
    assert again.status_code == 201 and again.json() == sent
    assert Alert.objects.count() == 1 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_item_9_at_0_raises_no_alert(me, asked):
    body = phq9(answers=factories.measure_answers("phq9", 3, item_9=0))
    sent = me.post(RESPONSES, body, format="json", **new_key()).json()
    assert sent["answers"]["9"] == 0 and sent["crisis"] is None
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_a_therapist_enters_a_paper_form_flagged_as_staff_entry(
    staff, me, therapist, client_record, other_therapist, other_clinic_therapist
):
    body = phq9(client=client_record.pk)
    response = staff.post(RESPONSES, body, format="json", **new_key())
    assert response.status_code == 201, response.json()
    assert response.json()["entered_by_staff"] is True
    stored = MeasureResponse.objects.get()
    assert (stored.client, stored.entered_by) == (client_record, therapist.user)
    assert me.get(f"{RESPONSES}{stored.pk}/").json()["entered_by_staff"] is True
    missing = staff.post(RESPONSES, phq9(), format="json", **new_key())
    assert missing.status_code == 400 and "client" in fields(missing)
    for outsider in (other_therapist, other_clinic_therapist):
        theirs = factories.ClientFactory(primary_therapist=outsider)
        response = staff.post(RESPONSES, phq9(client=theirs.pk), format="json", **new_key())
        assert response.status_code == 400 and "client" in fields(response)
    assert MeasureResponse.objects.count() == 1


@pytest.mark.django_db
def test_a_client_cannot_send_for_someone_else(me, other_client_record):
    response = me.post(RESPONSES, phq9(client=other_client_record.pk), format="json", **new_key())
    assert response.status_code == 400 and "client" in fields(response)
    assert not MeasureResponse.objects.exists()


@pytest.mark.django_db
def test_staff_entry_of_item_9_gives_the_crisis_box_without_the_clients_plan(staff, client_record):
    body = phq9(client=client_record.pk, answers=factories.measure_answers("phq9", 0, item_9=2))
    sent = staff.post(RESPONSES, body, format="json", **new_key()).json()
    assert sent["crisis"] is not None and sent["crisis"]["safety_plan"] == []
    assert Alert.objects.count() == 1


# --- responses: reading ------------------------------------------------------------
@pytest.mark.django_db
def test_responses_are_read_newest_first_and_narrowed(staff, client_record, other_client_record):
    now = timezone.now()
    old = factories.measure_response(client_record, "phq9", completed_at=now - dt.timedelta(days=9))
    new = factories.measure_response(client_record, "gad7", completed_at=now - dt.timedelta(days=1))
    theirs = factories.measure_response(other_client_record, "phq9")
    everyone = [r["id"] for r in staff.get(RESPONSES).json()["results"]]
    assert everyone == [theirs.pk, new.pk, old.pk]
    narrowed = staff.get(RESPONSES, {"client": client_record.pk, "instrument": "phq9"}).json()
    assert [r["id"] for r in narrowed["results"]] == [old.pk]
    assert staff.get(RESPONSES, {"instrument": "bdi2"}).status_code == 400
    assert staff.get(RESPONSES, {"instrument": ""}).status_code == 400
    body = staff.get(f"{RESPONSES}{old.pk}/").json()
    assert set(body) >= {"answers", "total", "band", "subscales", "rules", "diagnosis"}
    reads = AuditEvent.objects.filter(action="view", object_type="measureresponse")
    assert reads.count() == 3
    assert reads.order_by("pk").last().object_ids == [old.pk]


@pytest.mark.django_db
def test_a_client_cannot_read_another_clients_responses(me, client_record, other_client_record):
    mine = factories.measure_response(client_record)
    theirs = factories.measure_response(other_client_record)
    assert [r["id"] for r in me.get(RESPONSES).json()["results"]] == [mine.pk]
    assert me.get(f"{RESPONSES}{theirs.pk}/").status_code == 404
    assert me.get(RESPONSES, {"client": other_client_record.pk}).status_code == 404
    assert not AuditEvent.objects.filter(action="view").exists()  # a client's own reads


@pytest.mark.django_db
def test_other_therapist_and_other_clinic_get_404(
    as_user, client_record, other_therapist, other_clinic_therapist
):
    response = factories.measure_response(client_record)
    for outsider in (other_therapist, other_clinic_therapist):
        api = as_user(outsider.user)
        assert api.get(f"{RESPONSES}{response.pk}/").status_code == 404
        assert api.get(RESPONSES, {"client": client_record.pk}).status_code == 404
        assert api.get(RESPONSES).json()["results"] == []


@pytest.mark.django_db
def test_response_list_query_count_does_not_grow(staff, client_record, django_assert_num_queries):
    for _ in range(3):
        factories.measure_response(client_record)
    with django_assert_num_queries(5) as few:
        staff.get(RESPONSES)
    for _ in range(20):
        factories.measure_response(client_record)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(staff.get(RESPONSES).json()["results"]) == 23


@pytest.mark.django_db
def test_answer_shape_errors_are_worded_for_translation(me):
    assert all(isinstance(m, Promise) for m in AnswersField.default_error_messages.values())
    too_many = {str(n): 0 for n in range(50)}
    response = me.post(RESPONSES, phq9(answers=too_many), format="json", **new_key())
    assert fields(response)["answers"] == "At most 40 answers."
    long_code = {**factories.measure_answers("phq9"), "x" * 21: 0}
    response = me.post(RESPONSES, phq9(answers=long_code), format="json", **new_key())
    assert fields(response)["answers"] == "Item codes are at most 20 characters."
    response = me.post(RESPONSES, phq9(answers=[0] * 9), format="json", **new_key())
    assert fields(response)["answers"] == "Give an object of item codes to answer values."
    assert not MeasureResponse.objects.exists()


@pytest.mark.django_db
def test_a_client_is_refused_outcomes_in_words_for_translation(me):
    assert isinstance(MaySeeOutcomes.message, Promise)
    response = me.get("/api/v1/outcomes/")
    assert response.status_code == 403
    assert "Only clinic admins and therapists can see outcomes." in response.content.decode()
