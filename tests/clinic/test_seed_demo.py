import datetime as dt
import json
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from clients.emdr.models import ProcessingRecord, Target, TargetStatusChange, TicesEntry
from clients.measures import selectors
from clients.measures.models import ClinicInstrument, MeasureResponse, MeasureSchedule
from clients.models import Alert, CheckIn, Client, Completion
from clinic.demo import STORIES
from clinic.models import Clinic, Session, Therapist, User


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("clinic", "clients", "measures", "emdr")
        for model in apps.get_app_config(app).get_models()
    }


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, verbosity=0)
    return out.getvalue()


@pytest.mark.django_db
def test_second_run_creates_nothing():
    _seed("--clients", "12", "--weeks", "3")
    after_first = _row_counts()
    _seed("--clients", "12", "--weeks", "3")
    assert _row_counts() == after_first
    assert after_first["clients.CheckIn"] > 0
    assert after_first["emdr.Target"] > 0 and after_first["emdr.TicesEntry"] > 0


@pytest.mark.django_db
def test_default_demo_has_two_clinics_three_therapists_thirty_clients_and_every_story():
    _seed()
    assert Clinic.objects.count() == 2
    assert Therapist.objects.count() == 3
    assert Client.objects.count() == 30
    # every therapist's caseload spans clinics correctly
    for client in Client.objects.select_related("primary_therapist"):
        assert client.primary_therapist.clinic_id == client.clinic_id
    # the safety story leaves open alerts: from a check-in that raised the safety flag, and
    # from a PHQ-9 whose self-harm item was answered above 0
    open_alerts = Alert.objects.filter(acknowledged_at__isnull=True)
    assert open_alerts.exists()
    for alert in open_alerts:
        if alert.check_in is not None:
            assert alert.check_in.safety_concern
        else:
            assert alert.measure_response.answers["9"] > 0
    # the silent story: a client with history who has not checked in for over two weeks
    dana = Therapist.objects.get(user__email="dana@harbor.example")
    last_dates = [
        CheckIn.objects.filter(client=c).order_by("-occurred_at").first().occurred_at
        for c in dana.clients.all()
    ]
    newest = max(last_dates)
    assert any((newest - last).days >= 14 for last in last_dates)
    # the stuck story: "resentful" at 7+ as the strongest emotion, check-in after check-in
    stuck = Client.objects.get(label__endswith="#03")
    strongest = [
        check_in.emotions.order_by("-intensity").first()
        for check_in in stuck.check_ins.order_by("occurred_at")[:6]
    ]
    assert all(e.label.code == "resentful" and e.intensity >= 7 for e in strongest)


def _history() -> list[tuple]:
    check_ins = CheckIn.objects.order_by("client__label", "occurred_at").values_list(
        "client__label", "occurred_at", "distress", "charge", "mind_space", "client_uuid"
    )
    responses = MeasureResponse.objects.order_by("client__label", "completed_at").values_list(
        "client__label", "instrument", "completed_at", "answers", "client_uuid"
    )
    return [*check_ins, *responses]


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 6, 3, 12, 0, tzinfo=dt.UTC), tick=False)
def test_same_seed_gives_same_history_and_another_seed_does_not():
    _seed("--clients", "3", "--weeks", "2", "--seed", "11")
    first = _history()
    assert first

    def erase_clients():
        Client.objects.all().delete()
        User.objects.filter(role=User.Role.CLIENT).delete()

    erase_clients()
    _seed("--clients", "3", "--weeks", "2", "--seed", "11")
    assert _history() == first

    erase_clients()
    _seed("--clients", "3", "--weeks", "2", "--seed", "12")
    assert _history() != first


@pytest.mark.django_db
def test_json_lists_logins_for_scripts():
    logins = json.loads(_seed("--clients", "2", "--weeks", "1", "--json"))
    roles = {login["role"] for login in logins}
    assert roles == {"operator", "clinic_admin", "therapist", "client"}
    clients = [login for login in logins if login["role"] == "client"]
    assert len(clients) == 2
    for login in clients:
        assert Client.objects.get(pk=login["client_id"]).user.email == login["email"]


@pytest.mark.django_db
def test_demo_logins_work_with_the_given_password(client):
    _seed("--clients", "1", "--weeks", "1", "--password", "another-pass-9")
    response = client.post(
        "/accounts/login/", {"username": "dana@harbor.example", "password": "another-pass-9"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert User.objects.get(email="operator@demo.example").is_superuser


@pytest.mark.django_db
def test_harbor_is_in_los_angeles_and_its_days_are_los_angeles_days():
    from zoneinfo import ZoneInfo

    from clinic.models import Session

    _seed("--clients", "3", "--weeks", "2")
    harbor = Clinic.objects.get(slug="harbor")
    assert harbor.time_zone == "America/Los_Angeles"
    assert "Los Angeles time" in harbor.phone_hours and "Los Angeles time" in harbor.safety_response
    la = ZoneInfo("America/Los_Angeles")
    clients = Client.objects.filter(clinic=harbor)
    assert {c.time_zone for c in clients} == {"America/Los_Angeles"}
    # Sessions start on the hour between 9:00 and 17:00 there, check-ins between 8:00 and 22:00.
    starts = [s.starts_at.astimezone(la) for s in Session.objects.filter(client__clinic=harbor)]
    assert starts and all(9 <= t.hour <= 17 and t.minute == 0 for t in starts)
    moments = [c.occurred_at.astimezone(la) for c in CheckIn.objects.filter(client__in=clients)]
    assert moments and all(8 <= t.hour < 22 for t in moments)


@pytest.mark.django_db
def test_the_demo_has_nothing_in_the_future_and_no_double_booking():
    _seed("--weeks", "4")
    now = timezone.now()
    assert not CheckIn.objects.filter(occurred_at__gt=now).exists()
    assert not Completion.objects.filter(completed_at__gt=now).exists()
    assert not MeasureResponse.objects.filter(completed_at__gt=now).exists()
    assert not MeasureResponse.objects.filter(received_at__gt=now).exists()
    assert not TicesEntry.objects.filter(occurred_at__gt=now).exists()
    assert not TicesEntry.objects.filter(received_at__gt=now).exists()
    assert not ProcessingRecord.objects.filter(recorded_at__gt=now).exists()
    assert not TargetStatusChange.objects.filter(changed_at__gt=now).exists()
    # Seeded completions were received when done: none is still within the client's undo.
    assert not Completion.objects.filter(received_at__gt=now - dt.timedelta(minutes=10)).exists()
    clashes = (
        Session.objects.values("therapist", "starts_at").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert list(clashes) == []


def _story(client: Client) -> str:
    return STORIES[(int(client.label.rsplit("#", 1)[1]) // 3) % len(STORIES)]


def _outcomes(client: Client) -> dict[str, object]:
    """Each charted number's change over the episode, by "phq9", "itq/ptsd" and so on."""
    return {
        s.instrument.code + ("" if s.charted == "total" else f"/{s.charted}"): s.change
        for s in selectors.series_for(client)
    }


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 6, 3, 12, 0, tzinfo=dt.UTC), tick=False)
def test_the_measures_follow_each_story():
    _seed("--clients", "15", "--weeks", "6")
    clients = {c.label: c for c in Client.objects.select_related("clinic")}
    by_story: dict[str, list[Client]] = {}
    for client in clients.values():
        by_story.setdefault(_story(client), []).append(client)

    # Both clinics give new clients PHQ-9 and GAD-7 every two weeks, from their first day.
    for clinic in Clinic.objects.all():
        defaults = ClinicInstrument.objects.filter(clinic=clinic, default_cadence="every_2_weeks")
        assert set(defaults.values_list("instrument", flat=True)) == {"phq9", "gad7"}
    for client in clients.values():
        schedules = MeasureSchedule.objects.filter(client=client, instrument__in=["phq9", "gad7"])
        assert [(s.cadence, s.starts_on) for s in schedules] == [
            ("every_2_weeks", client.started_on)
        ] * 2

    for client in by_story["healing"]:
        outcomes = _outcomes(client)
        assert (outcomes["phq9"].baseline, outcomes["phq9"].latest) == (17, 8)
        assert outcomes["phq9"].outcome == "reliable_recovery"
        assert outcomes["gad7"].outcome == "reliable_recovery"
    for client in by_story["stuck"]:
        for change in _outcomes(client).values():
            assert change.outcome == "no_reliable_change" and abs(change.change) <= 1
    for client in by_story["safety"]:
        outcomes = _outcomes(client)
        assert outcomes["phq9"].outcome == "reliable_deterioration"
        assert outcomes["gad7"].reliable_deterioration
        # The last PHQ-9 answered item 9 above 0: one alert, raised and linked with it,
        # in the same sitting as the check-in that answered yes to the safety question.
        latest = client.measure_responses.filter(instrument="phq9").order_by("completed_at")
        *earlier, last = latest
        assert last.answers["9"] > 0 and all(r.answers["9"] == 0 for r in earlier)
        alert = last.alert
        assert alert.kind == Alert.Kind.SAFETY_CONCERN and alert.acknowledged_at is None
        assert alert.created_at == last.received_at
        assert alert.measure_response == last
        check_in = client.check_ins.get(safety_concern=True)
        assert dt.timedelta(0) < check_in.occurred_at - last.completed_at < dt.timedelta(hours=1)
        assert Alert.objects.filter(client=client, check_in=None).count() == 1

    # One trauma client each: PCL-5 at Harbor, begun on paper; ITQ at Willow.
    [pcl5] = set(MeasureResponse.objects.filter(instrument="pcl5").values_list("client", flat=True))
    pcl5_client = Client.objects.get(pk=pcl5)
    assert pcl5_client.clinic.slug == "harbor"
    assert _outcomes(pcl5_client)["pcl5"].outcome == "reliable_improvement"
    first = pcl5_client.measure_responses.filter(instrument="pcl5").earliest("completed_at")
    assert first.entered_by == pcl5_client.primary_therapist.user
    [itq] = set(MeasureResponse.objects.filter(instrument="itq").values_list("client", flat=True))
    itq_client = Client.objects.get(pk=itq)
    assert itq_client.clinic.slug == "willow"
    assert {"itq/ptsd", "itq/dso"} <= set(_outcomes(itq_client))
    assert set(itq_client.measure_responses.values_list("diagnosis", flat=True)) >= {"cptsd"}

    # Every response lies inside its client's episode of care.
    for client in clients.values():
        in_episode = selectors.episode_responses(client).count()
        assert in_episode == client.measure_responses.count() > 0
    # Some measures are due, and the silent clients', who stopped answering, are overdue.
    due = selectors.due_by_client(list(clients.values()))
    assert any(each and not any(d.overdue for d in each) for each in due.values())
    for client in by_story["silent"]:
        assert due[client.pk] and all(d.overdue for d in due[client.pk])


# --- EMDR ------------------------------------------------------------------------------


def _emdr_history() -> list[tuple]:
    records = ProcessingRecord.objects.order_by("target__client__label", "session__starts_at")
    entries = TicesEntry.objects.order_by("client__label", "occurred_at")
    return [
        *records.values_list("target__label", "session__starts_at", "sud_start", "sud_end"),
        *TargetStatusChange.objects.order_by("target__label", "changed_at").values_list(
            "target__label", "status", "changed_at", "grounds"
        ),
        *entries.values_list("client__label", "occurred_at", "disturbance", "client_uuid"),
    ]


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 6, 3, 12, 0, tzinfo=dt.UTC), tick=False)
def test_two_of_danas_clients_are_in_emdr_and_tell_their_stories():
    _seed("--clients", "7")
    now = timezone.now()
    in_emdr = Client.objects.filter(emdr_targets__isnull=False).distinct()
    assert sorted(c.label[-3:] for c in in_emdr) == ["#00", "#03"]
    assert {c.primary_therapist.user.email for c in in_emdr} == {"dana@harbor.example"}
    resolving, incomplete = sorted(in_emdr, key=lambda c: c.label[-3:])

    # #00: a past memory resolved by the rule over five held sessions, SUD 8 to 0 and VoC
    # 3 to 7 with a clear body scan; a present trigger in progress; a future template planned.
    past, present, future = resolving.emdr_targets.order_by("plan_order")
    assert [t.sequence for t in (past, present, future)] == ["past", "present", "future"]
    assert [t.status for t in (past, present, future)] == ["resolved", "in_progress", "planned"]
    worked = list(past.records.select_related("session").order_by("session__starts_at"))
    assert len(worked) == 5
    assert all(r.session.status == "completed" and r.session.starts_at < now for r in worked)
    assert (worked[0].sud_start, worked[-1].sud_end) == (8, 0)
    assert (worked[0].voc_setup, worked[-1].voc_installed) == (3, 7)
    assert worked[-1].body_scan_clear is True and worked[-1].closure == "complete"
    ends = [r.sud_end for r in worked]
    assert ends == sorted(ends, reverse=True)
    resolved = past.status_changes.get(status="resolved")
    assert resolved.grounds == "rule"
    last = worked[-1].session
    assert last.starts_at < resolved.changed_at < last.starts_at + dt.timedelta(hours=2)
    assert present.records.count() == 2 and not future.records.exists()
    # The present trigger is worked in the sessions after the past memory was resolved.
    assert min(r.session.starts_at for r in present.records.all()) > last.starts_at
    assert resolving.tices_entries.filter(target=present).count() >= 3

    # #03: the last held session closed incomplete; since then the same trigger, four
    # times, at 7-8 and linked to no target, beside entries touching the shown target.
    held = incomplete.sessions.filter(status="completed", starts_at__lt=now).order_by("starts_at")
    last_held = held.last()
    [record] = last_held.emdr_records.all()
    assert record.closure == "incomplete"
    since = incomplete.tices_entries.filter(occurred_at__gt=last_held.starts_at)
    repeated = since.filter(target=None)
    assert repeated.count() == 4
    assert len({entry.trigger for entry in repeated}) == 1
    assert {entry.disturbance for entry in repeated} <= {7, 8}
    touching = incomplete.tices_entries.exclude(target=None)
    assert touching.count() >= 2
    assert all(entry.target.shown_to_client for entry in touching)

    # The same seed builds the same EMDR history.
    first = _emdr_history()
    Client.objects.all().delete()
    User.objects.filter(role=User.Role.CLIENT).delete()
    _seed("--clients", "7")
    assert _emdr_history() == first
    assert Target.objects.count() == 5


@pytest.mark.django_db
def test_a_short_demo_still_resolves_the_past_memory_on_the_sessions_it_has():
    _seed("--clients", "4", "--weeks", "2")
    client = Client.objects.get(label__endswith="#00")
    past = client.emdr_targets.get(sequence="past")
    records = list(past.records.order_by("session__starts_at"))
    assert records and past.status == "resolved"
    assert (records[0].sud_start, records[-1].sud_end, records[-1].voc_installed) == (8, 0, 7)


@pytest.mark.django_db
@pytest.mark.parametrize("weeks", ["1", "2"])
def test_a_short_demo_still_builds_its_emdr_stories(weeks):
    _seed("--clients", "4", "--weeks", weeks)
    assert TicesEntry.objects.exists()
    assert Target.objects.filter(client__label__endswith="#03").exists()
