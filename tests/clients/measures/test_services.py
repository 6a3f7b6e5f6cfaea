"""Storing responses: scored on the server, stored once, the self-harm item raising one alert."""

import datetime as dt
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clients.measures.models import ClinicInstrument, MeasureResponse, MeasureSchedule
from clients.measures.selectors import due_for, series_for
from clients.measures.services import (
    response_prepare,
    response_record,
    schedule_set,
    schedule_stop,
    schedules_from_clinic_defaults,
)
from clients.models import Alert
from clients.treatment import client_discharge
from clinic.outbox.models import OutboxMessage
from tests.factories import measure_answers


def record(client, code="phq9", **values):
    if "answers" not in values:
        values["answers"] = measure_answers(code)
    values.setdefault("completed_at", timezone.now())
    return response_record(draft=response_prepare(client=client, instrument=code, **values))


def test_a_response_is_scored_and_kept_with_its_version(client_record):
    response, created = record(client_record, answers=measure_answers("phq9", 2, item_9=0))
    assert created
    response.refresh_from_db()
    assert (response.total, response.band, response.version) == (
        16,
        "moderately_severe",
        "phq9-2001",
    )
    assert response.answers["9"] == 0 and response.alert is None
    assert not Alert.objects.exists()


def test_a_partial_response_names_each_missing_item_and_stores_nothing(client_record):
    answers = measure_answers("gad7", 1)
    del answers["2"], answers["7"]
    with pytest.raises(ValidationError) as refused:
        record(client_record, "gad7", answers=answers)
    messages = refused.value.message_dict["answers"]
    assert len(messages) == 2 and "2" in messages[0] and "7" in messages[1]
    assert not MeasureResponse.objects.exists()


def test_the_same_client_uuid_is_stored_once(client_record):
    key = uuid.uuid4()
    first, created = record(client_record, client_uuid=key)
    again, created_again = record(client_record, client_uuid=key)
    assert created and not created_again and again.pk == first.pk
    assert MeasureResponse.objects.count() == 1


def test_changed_answers_under_a_stored_client_uuid_are_refused_not_dropped(client_record):
    key = uuid.uuid4()
    record(client_record, client_uuid=key)
    with pytest.raises(ValidationError) as refused:
        record(client_record, client_uuid=key, answers=measure_answers("phq9", 0, item_9=3))
    assert refused.value.error_dict["client_uuid"][0].code == "client_uuid_reused"
    assert MeasureResponse.objects.count() == 1 and not Alert.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_item_9_above_zero_raises_one_alert_in_the_same_transaction(client_record, settings):
    key = uuid.uuid4()
    with transaction.atomic():
        response, _ = record(
            client_record, answers=measure_answers("phq9", 0, item_9=1), client_uuid=key
        )
        # Inside the transaction already: no moment exists where the answer is stored alone.
        assert Alert.objects.filter(pk=response.alert_id, kind="safety_concern").exists()
        assert OutboxMessage.objects.filter(
            kind="alert_notify", object_id=response.alert_id
        ).exists()
    record(client_record, answers=measure_answers("phq9", 0, item_9=1), client_uuid=key)
    assert (
        Alert.objects.count() == 1
        and OutboxMessage.objects.filter(kind="alert_notify").count() == 1
    )
    alert = Alert.objects.get()
    assert alert.check_in is None and alert.measure_response == response
    # The e-mail goes to the treating therapist and says nothing of the item or answer.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [client_record.primary_therapist.user.email]
    for leak in ("PHQ", "item", "dead", "hurting", "Several days"):
        assert leak not in message.subject + message.body


def test_a_failed_write_keeps_neither_the_response_nor_the_alert(client_record, monkeypatch):
    from clients.measures import services

    def alert_fails(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "alert_raise", alert_fails)
    with pytest.raises(RuntimeError), transaction.atomic():
        record(client_record, answers=measure_answers("phq9", 0, item_9=3))
    assert not MeasureResponse.objects.exists() and not Alert.objects.exists()


def test_an_instrument_the_clinic_turned_off_is_refused(client_record):
    ClinicInstrument.objects.create(clinic=client_record.clinic, instrument="pcl5", enabled=False)
    with pytest.raises(ValidationError) as refused:
        record(client_record, "pcl5")
    assert "instrument" in refused.value.message_dict
    with pytest.raises(ValidationError):
        record(client_record, "nonsense", answers={})


def test_staff_entry_is_marked(client_record, therapist):
    response, _ = record(client_record, entered_by=therapist.user)
    assert response.entered_by_staff


def test_schedules_are_one_per_instrument_and_stop_without_losing_responses(
    client_record, therapist
):
    first = schedule_set(
        client=client_record, instrument="phq9", cadence="weekly", by=therapist.user
    )
    again = schedule_set(client=client_record, instrument="phq9", cadence="every_4_weeks")
    assert first.pk == again.pk and MeasureSchedule.objects.get().cadence == "every_4_weeks"
    with pytest.raises(ValidationError) as refused:
        schedule_set(
            client=client_record,
            instrument="gad7",
            cadence="weekly",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() - dt.timedelta(days=1),
        )
    assert "ends_on" in refused.value.message_dict
    with pytest.raises(ValidationError):
        schedule_set(client=client_record, instrument="gad7", cadence="hourly")
    record(client_record)
    assert due_for(client_record, timezone.now() + dt.timedelta(days=40))  # a period later
    stopped = schedule_stop(schedule=again)
    assert stopped.stopped_at is not None and MeasureResponse.objects.count() == 1
    assert due_for(client_record, timezone.now() + dt.timedelta(days=40)) == []
    # Setting it again starts it again.
    schedule_set(client=client_record, instrument="phq9", cadence="weekly")
    assert MeasureSchedule.objects.get().stopped_at is None


def test_schedule_days_far_from_today_are_refused_by_field(client_record):
    today = timezone.localdate()
    for field, day in (
        ("starts_on", dt.date(1, 1, 1)),
        ("ends_on", today + dt.timedelta(days=2000)),
    ):
        with pytest.raises(ValidationError) as refused:
            schedule_set(client=client_record, instrument="phq9", cadence="weekly", **{field: day})
        assert field in refused.value.message_dict
    assert not MeasureSchedule.objects.exists()


def test_nothing_is_recorded_or_scheduled_after_discharge(client_record):
    from django.core.exceptions import PermissionDenied

    schedule = schedule_set(client=client_record, instrument="phq9", cadence="weekly")
    client_discharge(
        client=client_record, discharged_on=client_record.started_on, reason="goals_met"
    )
    schedule.refresh_from_db()
    assert schedule.stopped_at is not None  # the discharge stopped it
    with pytest.raises(PermissionDenied):
        record(client_record)
    with pytest.raises(PermissionDenied):
        schedule_set(client=client_record, instrument="gad7", cadence="weekly")


def test_a_new_client_gets_the_clinics_default_schedules(client_record):
    clinic = client_record.clinic
    ClinicInstrument.objects.create(
        clinic=clinic, instrument="phq9", default_cadence="every_2_weeks"
    )
    ClinicInstrument.objects.create(
        clinic=clinic, instrument="gad7", default_cadence="every_2_weeks", enabled=False
    )
    made = schedules_from_clinic_defaults(client=client_record)
    assert [(s.instrument, s.cadence, s.starts_on) for s in made] == [
        ("phq9", "every_2_weeks", client_record.started_on)
    ]


def started_a_while_ago(client, days=60):
    client.started_on = timezone.localdate() - dt.timedelta(days=days)
    client.save()


def test_series_apply_the_clinics_cut_offs_and_the_pairing(client_record):
    started_a_while_ago(client_record)
    start = timezone.now() - dt.timedelta(days=30)
    record(client_record, "phq9", answers=measure_answers("phq9", 2, item_9=0), completed_at=start)
    record(client_record, "phq9", answers=measure_answers("phq9", 1, item_9=0))  # 16 -> 8
    record(client_record, "gad7", answers=measure_answers("gad7", 0), completed_at=start)
    record(client_record, "gad7", answers=measure_answers("gad7", 1))  # 0 -> 7: 7 points worse
    phq9, gad7 = series_for(client_record)
    assert gad7.change.reliable_deterioration
    assert phq9.change.recovery and not phq9.change.reliable_improvement  # paired
    ClinicInstrument.objects.create(clinic=client_record.clinic, instrument="phq9", paired=False)
    phq9, gad7 = series_for(client_record)
    assert phq9.change.outcome == "reliable_recovery"


def test_itq_is_followed_by_its_two_sums(client_record):
    started_a_while_ago(client_record)
    record(
        client_record,
        "itq",
        answers=measure_answers("itq", 2),
        completed_at=timezone.now() - dt.timedelta(days=9),
    )
    record(client_record, "itq", answers=measure_answers("itq", 1))
    ptsd, dso = series_for(client_record)
    assert (ptsd.charted, [v for _at, v in ptsd.points]) == ("ptsd", [12, 6])
    assert (dso.charted, dso.change.outcome) == ("dso", "not_applicable")


def test_responses_before_the_episode_are_left_out(client_record):
    client_record.started_on = timezone.localdate() - dt.timedelta(days=10)
    client_record.save()
    record(client_record, completed_at=timezone.now() - dt.timedelta(days=20))
    record(client_record)
    [phq9] = series_for(client_record)
    assert len(phq9.points) == 1 and phq9.change is None
