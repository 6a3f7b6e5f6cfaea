"""Reads of measures, each starting from the requester's scope (404 for anyone else)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db.models import Max, QuerySet
from django.utils import timezone

from clients.models import Client
from clients.selectors import clients_for
from clinic.models import Session, User

from . import policies
from .change import Change, change_between, paired
from .due import due_since, is_overdue
from .instruments import INSTRUMENTS
from .instruments.definition import Instrument
from .models import MeasureResponse, MeasureSchedule


def responses_for(*, user: User) -> QuerySet[MeasureResponse]:
    return MeasureResponse.objects.filter(client__in=clients_for(user=user)).select_related(
        "client", "entered_by"
    )


def schedules_for(*, user: User) -> QuerySet[MeasureSchedule]:
    return MeasureSchedule.objects.filter(client__in=clients_for(user=user)).select_related(
        "client"
    )


@dataclass(frozen=True)
class DueMeasure:
    instrument: Instrument
    since: datetime
    overdue: bool
    schedule_id: int  # what a link to the form names (never the instrument)

    @property
    def question_count(self) -> int:
        return len(self.instrument.items)


def _due_for_client(
    client: Client,
    schedules: list[MeasureSchedule],
    last_answered: dict[str, datetime],
    sessions: list[datetime],
    enabled: set[str],
    now: datetime,
) -> list[DueMeasure]:
    if client.status == Client.Status.DISCHARGED:
        return []
    zone = ZoneInfo(client.time_zone)
    today = now.astimezone(zone).date()

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=zone)

    due = []
    for schedule in schedules:
        if schedule.instrument not in enabled:
            continue
        last = last_answered.get(schedule.instrument)
        since = due_since(
            cadence=schedule.cadence,
            starts_on=schedule.starts_on,
            ends_on=schedule.ends_on,
            today=today,
            now=now,
            midnight=midnight,
            last_answered_at=last,
            last_answered_on=last.astimezone(zone).date() if last else None,
            upcoming_sessions=sessions,
            stopped=schedule.stopped_at is not None,
        )
        if since is not None:
            due.append(
                DueMeasure(
                    INSTRUMENTS[schedule.instrument], since, is_overdue(since, now), schedule.pk
                )
            )
    return sorted(due, key=lambda each: each.since)


def due_by_client(
    clients: list[Client], now: datetime | None = None
) -> dict[int, list[DueMeasure]]:
    """What each client has due now; four queries whatever the number of clients, one
    when none of them has a schedule."""
    now = now or timezone.now()
    ids = [client.pk for client in clients]
    schedules = defaultdict(list)
    for schedule in MeasureSchedule.objects.filter(client_id__in=ids).order_by("instrument"):
        schedules[schedule.client_id].append(schedule)
    if not schedules:
        return {client.pk: [] for client in clients}
    last_answered: dict[int, dict[str, datetime]] = defaultdict(dict)
    for row in (
        MeasureResponse.objects.filter(client_id__in=ids)
        .values("client_id", "instrument")
        .annotate(last=Max("completed_at"))
    ):
        last_answered[row["client_id"]][row["instrument"]] = row["last"]
    sessions = defaultdict(list)
    for client_id, starts_at in Session.objects.filter(
        client_id__in=ids, status=Session.Status.SCHEDULED, starts_at__gt=now
    ).values_list("client_id", "starts_at"):
        sessions[client_id].append(starts_at)
    enabled_by_clinic = {
        clinic_id: set(policies.enabled_for(clinic_id))
        for clinic_id in {client.clinic_id for client in clients}
    }
    return {
        client.pk: _due_for_client(
            client,
            schedules[client.pk],
            last_answered[client.pk],
            sessions[client.pk],
            enabled_by_clinic[client.clinic_id],
            now,
        )
        for client in clients
    }


def due_for(client: Client, now: datetime | None = None) -> list[DueMeasure]:
    return due_by_client([client], now)[client.pk]


@dataclass(frozen=True)
class Series:
    """One charted number of one instrument over the episode (oldest first)."""

    instrument: Instrument
    charted: str  # "total" or a subscale code
    label: str
    points: list[tuple[datetime, int]]
    change: Change | None


def episode_start(client: Client) -> datetime:
    """The first moment of the client's episode of care: midnight of the day they
    started, in their own zone. A response before it is kept but not charted."""
    return datetime.combine(client.started_on, time.min, tzinfo=ZoneInfo(client.time_zone))


def episode_responses(client: Client) -> QuerySet[MeasureResponse]:
    """The client's responses in this episode of care (since they started), oldest first."""
    return client.measure_responses.filter(completed_at__gte=episode_start(client)).order_by(
        "completed_at", "id"
    )


def paired_changes(
    ends: dict[tuple[str, str], tuple[int, int]], policy: dict[str, policies.Policy]
) -> dict[tuple[str, str], Change]:
    """Each charted number's change from its first score to its last (``ends``, keyed by
    (instrument, charted)), with the clinic's cut-offs and the PHQ-9/GAD-7 pairing
    applied. Shared by the progress report and the clinic outcomes."""
    raw = {
        key: change_between(first, last, policy[key[0]].criteria)
        for key, (first, last) in ends.items()
    }
    changes = {}
    for (code, charted), change in raw.items():
        pair = INSTRUMENTS[code].paired_with
        other = raw.get((pair, "total")) if pair and policy[code].paired else None
        changes[code, charted] = paired(change, other)
    return changes


def series_for(
    client: Client,
    responses: list[MeasureResponse] | None = None,
    policy: dict[str, policies.Policy] | None = None,
) -> list[Series]:
    """Per instrument in use and charted number: the scores and their change, with the
    clinic's cut-offs and the PHQ-9/GAD-7 pairing applied. Pages of many clients pass
    the clinic's ``policy`` (policies_for), so that each client costs no query."""
    if responses is None:
        responses = list(episode_responses(client))
    if policy is None:
        policy = policies.policies_for(client.clinic_id)
    by_instrument = defaultdict(list)
    for response in responses:
        by_instrument[response.instrument].append(response)
    points_of: dict[tuple[str, str], list[tuple[datetime, int]]] = {}
    for code, rows in by_instrument.items():
        for charted in INSTRUMENTS[code].charted:
            points = [
                (row.completed_at, row.total if charted == "total" else row.subscales.get(charted))
                for row in rows
            ]
            points_of[code, charted] = [(at, value) for at, value in points if value is not None]
    changes = paired_changes(
        {
            key: (points[0][1], points[-1][1])
            for key, points in points_of.items()
            if len(points) >= 2
        },
        policy,
    )
    result = []
    for (code, charted), points in points_of.items():
        definition = INSTRUMENTS[code]
        labels = {sub.code: str(sub.label) for sub in definition.subscales}
        label = labels.get(charted, definition.name)
        result.append(Series(definition, charted, label, points, changes.get((code, charted))))
    order = list(INSTRUMENTS)
    return sorted(
        result,
        key=lambda s: (order.index(s.instrument.code), s.instrument.charted.index(s.charted)),
    )
