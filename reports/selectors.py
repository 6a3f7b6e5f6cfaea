"""Loads of report windows: a fixed number of queries, whatever the window's size.

Each hands plain data (``reports.metrics`` types) to the metrics; callers have
already checked, through ``clients.selectors``, that the requester may see the client.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from clients.models import Assignment, CheckInEmotion, Client, Completion
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


def window_load(*, client: Client, since: datetime, until: datetime) -> metrics.Window:
    """Check-ins (with emotions), assignments and completions of one window: 4 queries."""
    zone = ZoneInfo(client.time_zone)
    check_ins = list(
        client.check_ins.filter(occurred_at__gte=since, occurred_at__lte=until)
        .order_by("occurred_at", "id")
        .values(
            "id", "occurred_at", "distress", "charge", "mind_space", "self_compassion", "resistance"
        )
    )
    emotions: dict[int, list[tuple[str, int]]] = {}
    for check_in_id, code, intensity in (
        CheckInEmotion.objects.filter(check_in_id__in=[c["id"] for c in check_ins])
        .order_by("-intensity", "id")
        .values_list("check_in_id", "label__code", "intensity")
    ):
        emotions.setdefault(check_in_id, []).append((code, intensity))
    plans = [
        metrics.AssignmentPlan(
            id=a.pk,
            title=a.exercise.title,
            schedule=a.schedule,
            starts_on=a.starts_on,
            ends_on=a.ends_on,
            times_per_week=a.times_per_week,
            active=a.status != Assignment.Status.PAUSED,
        )
        for a in client.assignments.select_related("exercise")
    ]
    completions = [
        metrics.CompletionPoint(
            assignment_id=c.assignment_id,
            title=c.assignment.exercise.title,
            completed_on=timezone.localdate(c.completed_at, timezone=zone),
            distress_before=c.distress_before,
            distress_after=c.distress_after,
        )
        for c in Completion.objects.filter(
            assignment__client=client, completed_at__gte=since, completed_at__lte=until
        ).select_related("assignment__exercise")
    ]
    return metrics.Window(
        first_day=timezone.localdate(since, timezone=zone),
        last_day=timezone.localdate(until, timezone=zone),
        check_ins=tuple(
            metrics.CheckInPoint(
                occurred_at=c["occurred_at"],
                distress=c["distress"],
                emotions=tuple(emotions.get(c["id"], ())),
                charge=c["charge"],
                mind_space=c["mind_space"],
                self_compassion=c["self_compassion"],
                resistance=c["resistance"],
            )
            for c in check_ins
        ),
        plans=tuple(plans),
        completions=tuple(completions),
    )
