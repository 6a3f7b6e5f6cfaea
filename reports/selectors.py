"""Loads of report windows: a fixed number of queries, whatever the window's size.

Each hands plain data (``reports.metrics`` types) to the metrics; callers have
already checked, through ``clients.selectors``, that the requester may see the client.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from clients.models import Assignment, CheckIn, CheckInEmotion, Client, Completion
from clinic.models import Session

from . import metrics

DEFAULT_WINDOW = timedelta(days=28)


def default_since(client: Client, until: datetime) -> datetime:
    """The start of the last held session before ``until``, or four weeks back."""
    last = (
        Session.objects.filter(client=client, starts_at__lt=until, status=Session.Status.COMPLETED)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return last or until - DEFAULT_WINDOW


# In the order of CheckInPoint's fields, as windows_load unpacks them.
CHECK_IN_FIELDS = (
    "occurred_at",
    "distress",
    "charge",
    "mind_space",
    "self_compassion",
    "resistance",
)


def windows_load(
    *, clients: list[Client], since: datetime, until: datetime
) -> dict[int, metrics.Window]:
    """Check-ins (with emotions), assignments and completions of many clients' windows.

    Four queries, whatever the number of clients or the length of the window.
    """
    ids = [client.pk for client in clients]
    zones = {client.pk: ZoneInfo(client.time_zone) for client in clients}
    in_window = {"occurred_at__gte": since, "occurred_at__lte": until}
    rows = list(
        CheckIn.objects.filter(client_id__in=ids, **in_window)
        .order_by("occurred_at", "id")
        .values_list("id", "client_id", *CHECK_IN_FIELDS)
    )
    emotions: dict[int, list[tuple[str, int]]] = {}
    for check_in_id, code, intensity in (
        CheckInEmotion.objects.filter(
            check_in__client_id__in=ids,
            check_in__occurred_at__gte=since,
            check_in__occurred_at__lte=until,
        )
        .order_by("-intensity", "id")
        .values_list("check_in_id", "label__code", "intensity")
    ):
        emotions.setdefault(check_in_id, []).append((code, intensity))
    check_ins: dict[int, list[metrics.CheckInPoint]] = {pk: [] for pk in ids}
    no_emotions = ()
    for pk, client_id, occurred_at, distress, charge, mind_space, kind, resistance in rows:
        check_ins[client_id].append(
            metrics.CheckInPoint(
                occurred_at,
                distress,
                tuple(emotions.get(pk, no_emotions)),
                charge,
                mind_space,
                kind,
                resistance,
            )
        )
    plans: dict[int, list[metrics.AssignmentPlan]] = {pk: [] for pk in ids}
    for a in Assignment.objects.filter(client_id__in=ids).select_related("exercise"):
        plans[a.client_id].append(
            metrics.AssignmentPlan(
                id=a.pk,
                title=a.exercise.title,
                schedule=a.schedule,
                starts_on=a.starts_on,
                ends_on=a.ends_on,
                times_per_week=a.times_per_week,
                active=a.status != Assignment.Status.PAUSED,
            )
        )
    completions: dict[int, list[metrics.CompletionPoint]] = {pk: [] for pk in ids}
    for assignment_id, client_id, title, completed_at, before, after in Completion.objects.filter(
        assignment__client_id__in=ids, completed_at__gte=since, completed_at__lte=until
    ).values_list(
        "assignment_id",
        "assignment__client_id",
        "assignment__exercise__title",
        "completed_at",
        "distress_before",
        "distress_after",
    ):
        completions[client_id].append(
            metrics.CompletionPoint(
                assignment_id,
                title,
                completed_at.astimezone(zones[client_id]).date(),  # the client's day
                before,
                after,
                completed_at,
            )
        )
    now = timezone.now()

    def asked_until(zone: ZoneInfo):
        # Today is not over: what today asks for counts tomorrow.
        yesterday = timezone.localdate(now, timezone=zone) - timedelta(days=1)
        return min(timezone.localdate(until, timezone=zone), yesterday)

    return {
        pk: metrics.Window(
            asked_until=asked_until(zones[pk]),
            first_day=timezone.localdate(since, timezone=zones[pk]),
            last_day=timezone.localdate(until, timezone=zones[pk]),
            check_ins=tuple(check_ins[pk]),
            plans=tuple(plans[pk]),
            completions=tuple(completions[pk]),
        )
        for pk in ids
    }


def window_load(*, client: Client, since: datetime, until: datetime) -> metrics.Window:
    """One client's window (see ``windows_load``)."""
    return windows_load(clients=[client], since=since, until=until)[client.pk]


def held_sessions(client: Client) -> list[datetime]:
    return list(
        client.sessions.filter(status=Session.Status.COMPLETED)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
    )
