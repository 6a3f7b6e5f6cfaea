"""Weekly summaries in batches: a chunk of client-weeks read in a fixed number of queries
and written in one bulk upsert, so that a worker's time goes to the metrics rather than
to round trips.

What each row holds is ``summaries.week_content`` of one client-week; building one week
alone is a batch of one, so both paths always agree.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from clients.emdr.models import TargetStatusChange, TicesEntry
from clients.measures import policies
from clients.measures.models import MeasureResponse
from clients.measures.selectors import episode_start
from clients.models import Alert, Client
from clients.safety.models import SAFETY_REMEMBERED_DAYS
from clinic import audit

from . import metrics, summary_emdr, weeks
from .models import WeeklySummary
from .selectors import windows_load
from .summaries import week_content
from .summary_measures import week_counts

CONTENT_FIELDS = ["figures", "digest", "flags", "needs_attention"]
ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Week:
    """One client-week to build, with its bounds in UTC: [start, end), and the week before."""

    client: Client
    week_start: date
    start: datetime
    end: datetime
    before_start: datetime


def weeks_of(items: Iterable[tuple[int, date]]) -> list[Week]:
    """The client-weeks of ``items`` whose client still exists (one query); a client
    erased since the planner asked has nothing left to summarise."""
    items = list(dict.fromkeys(items))  # a pair asked for twice is built once
    clients = Client.objects.select_related("clinic").in_bulk({pk for pk, _ in items})
    found = []
    for client_id, week_start in items:
        client = clients.get(client_id)
        if client is None:
            continue
        zone = ZoneInfo(client.clinic.time_zone)
        start, end = weeks.bounds(week_start, zone)
        before_start, _ = weeks.bounds(week_start - timedelta(weeks=1), zone)
        found.append(Week(client, week_start, start, end, before_start))
    return found


def narrowed(
    window: metrics.Window, *, zone: ZoneInfo, since: datetime, until: datetime, now: datetime
) -> metrics.Window:
    """The part of a loaded window between two moments, as ``windows_load`` loads it on
    its own: check-ins and completions in [since, until], every plan, and the days in the
    client's own zone, today not yet asked for."""
    last_day = timezone.localdate(until, timezone=zone)
    yesterday = timezone.localdate(now, timezone=zone) - timedelta(days=1)
    return metrics.Window(
        first_day=timezone.localdate(since, timezone=zone),
        last_day=last_day,
        check_ins=tuple(c for c in window.check_ins if since <= c.occurred_at <= until),
        plans=window.plans,
        completions=tuple(c for c in window.completions if since <= c.completed_at <= until),
        asked_until=min(last_day, yesterday),
    )


class _Loaded:
    """Everything the weeks of a chunk read: the windows' four queries, one each for the
    safety alerts, the measure responses, the EMDR status changes and the TICES log
    entries, plus one per clinic whose clients answered a measure (its cut-offs)."""

    def __init__(self, chosen: list[Week]):
        clients = list({week.client.pk: week.client for week in chosen}.values())
        ids = [client.pk for client in clients]
        first = min(week.before_start for week in chosen)
        last = max(week.end for week in chosen)
        self.now = timezone.now()
        self.windows = windows_load(clients=clients, since=first, until=last - ONE_MICROSECOND)
        self.safety: dict[int, list[datetime]] = defaultdict(list)
        for client_id, created_at in Alert.objects.filter(
            client_id__in=ids,
            kind=Alert.Kind.SAFETY_CONCERN,
            created_at__gte=first - timedelta(days=SAFETY_REMEMBERED_DAYS),
            created_at__lt=last,
        ).values_list("client_id", "created_at"):
            self.safety[client_id].append(created_at)
        self.responses: dict[int, list[MeasureResponse]] = defaultdict(list)
        starts = {client.pk: episode_start(client) for client in clients}
        for response in (
            MeasureResponse.objects.filter(client_id__in=ids, completed_at__lt=last)
            .only("client_id", "instrument", "completed_at", "total", "subscales")
            .order_by("completed_at", "id")
        ):
            if response.completed_at >= starts[response.client_id]:
                self.responses[response.client_id].append(response)
        # EMDR: the weeks' target status changes and log entries (not what was written).
        first_week = min(week.start for week in chosen)
        self.changes: dict[int, list[tuple[int, datetime, str]]] = defaultdict(list)
        for client_id, target_id, at, status in TargetStatusChange.objects.filter(
            target__client_id__in=ids, changed_at__gte=first_week, changed_at__lt=last
        ).values_list("target__client_id", "target_id", "changed_at", "status"):
            self.changes[client_id].append((target_id, at, status))
        self.entries: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
        for client_id, at, disturbance in TicesEntry.objects.filter(
            client_id__in=ids, occurred_at__gte=first_week, occurred_at__lt=last
        ).values_list("client_id", "occurred_at", "disturbance"):
            self.entries[client_id].append((at, disturbance))
        self._policies: dict[int, dict] = {}
        self._summaries: dict[tuple[int, datetime], metrics.Summary] = {}

    def policy(self, clinic_id: int) -> dict:
        if clinic_id not in self._policies:
            self._policies[clinic_id] = policies.policies_for(clinic_id)
        return self._policies[clinic_id]

    def summary(self, client: Client, since: datetime, until: datetime) -> metrics.Summary:
        """The metrics of [since, until); a week is the next week's "week before", so
        each is worked out once."""
        key = (client.pk, since)
        if key not in self._summaries:
            window = narrowed(
                self.windows[client.pk],
                zone=ZoneInfo(client.time_zone),
                since=since,
                until=until - ONE_MICROSECOND,
                now=self.now,
            )
            self._summaries[key] = metrics.summarize(window)
        return self._summaries[key]

    def content(self, week: Week) -> dict:
        client = week.client
        safety = sum(
            1
            for at in self.safety[client.pk]
            if week.end - timedelta(days=SAFETY_REMEMBERED_DAYS) <= at < week.end
        )
        responses = [r for r in self.responses[client.pk] if r.completed_at < week.end]
        answered = any(r.completed_at >= week.start for r in responses)
        measures = week_counts(
            client=client,
            responses=responses,
            start=week.start,
            policy=self.policy(client.clinic_id) if answered else None,
        )
        return week_content(
            now=self.summary(client, week.start, week.end),
            earlier=self.summary(client, week.before_start, week.start),
            safety_alerts=safety,
            measures=measures,
            emdr=summary_emdr.week_counts(
                changes=self.changes[client.pk],
                entries=self.entries[client.pk],
                start=week.start,
                end=week.end,
            ),
        )


@transaction.atomic
def summaries_build(items: Iterable[tuple[int, date]]) -> int:
    """Build (or build again) the summaries of many client-weeks: (client id, Monday of
    the clinic week). Returns how many were written; all or none of them."""
    chosen = weeks_of(items)
    if not chosen:
        return 0
    loaded = _Loaded(chosen)
    existing = set(
        WeeklySummary.objects.filter(
            client_id__in={week.client.pk for week in chosen},
            week_start__in={week.week_start for week in chosen},
        ).values_list("client_id", "week_start")
    )
    generated_at = timezone.now()
    rows = [
        WeeklySummary(
            client=week.client,
            week_start=week.week_start,
            generated_at=generated_at,
            **loaded.content(week),
        )
        for week in chosen
    ]
    # generated_at is left out of the update: a week built again keeps its first time.
    WeeklySummary.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["client", "week_start"],
        update_fields=CONTENT_FIELDS,
    )
    # A bulk write sends no signals: the audit trail is told here, as the signals would.
    for action, built_before in (("create", False), ("update", True)):
        audit.record_writes(
            action=action,
            object_type="weeklysummary",
            rows=[
                (row.pk, row.client_id, row.client.clinic_id)
                for row in rows
                if ((row.client_id, row.week_start) in existing) is built_before
            ],
        )
    return len(rows)


def summary_build(*, client_id: int, week_start: date) -> WeeklySummary:
    """Build (or build again) one client's summary of one clinic week: a batch of one."""
    if not summaries_build([(client_id, week_start)]):
        raise Client.DoesNotExist(client_id)
    return WeeklySummary.objects.get(client_id=client_id, week_start=week_start)
