"""The caseload: every client a therapist treats, who needs attention first, and why."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from clients.models import Alert, CheckIn, Client, EmotionLabel, FocusArea
from clinic.models import Session, Therapist

from . import metrics
from .selectors import windows_load

RECENT = timedelta(days=28)
SILENT_DAYS = 7


@dataclass
class CaseloadRow:
    client: Client
    last_check_in_at: datetime | None
    days_since: int | None
    distress: metrics.Trend | None
    neutrality: metrics.Trend | None
    stuck: bool
    adherence: float | None
    open_alerts: int
    next_session_at: datetime | None
    reasons: list[str]
    priority: int  # 0 open alert, 1 stuck or rising distress, 2 silent, 3 nothing to flag


def filter_choices() -> dict:
    return {
        "status_choices": Client.Status.choices,
        "focus_choices": FocusArea.choices,
    }


def _clients(therapist: Therapist, status: str, focus: str):
    now = timezone.now()
    clients = Client.objects.filter(primary_therapist=therapist)
    if status in Client.Status.values:
        clients = clients.filter(status=status)
    if focus in FocusArea.values:
        clients = clients.filter(focus_areas__icontains=f'"{focus}"')
    newest = CheckIn.objects.filter(client=OuterRef("pk")).order_by("-occurred_at")
    upcoming = Session.objects.filter(
        client=OuterRef("pk"), starts_at__gte=now, status=Session.Status.SCHEDULED
    ).order_by("starts_at")
    open_alerts = (
        Alert.objects.filter(client=OuterRef("pk"), acknowledged_at__isnull=True)
        .values("client")
        .annotate(n=Count("id"))
        .values("n")
    )
    return list(
        clients.annotate(
            last_check_in_at=Subquery(newest.values("occurred_at")[:1]),
            next_session_at=Subquery(upcoming.values("starts_at")[:1]),
            open_alert_count=Subquery(open_alerts),
        ).order_by("label")
    )


def caseload(*, therapist: Therapist, status: str = "active", focus: str = "") -> list[CaseloadRow]:
    """The therapist's clients, who needs attention first; the reason said in words."""
    now = timezone.now()
    clients = _clients(therapist, status, focus)
    windows = windows_load(clients=clients, since=now - RECENT, until=now)
    names = dict(
        EmotionLabel.objects.filter(clinic_id=therapist.clinic_id).values_list("code", "name")
    )
    rows = []
    for client in clients:
        summary = metrics.summarize(windows[client.pk])
        rows.append(_row(client, summary, now, names))
    return sorted(rows, key=lambda row: (row.priority, row.client.label))


def _row(client: Client, summary: metrics.Summary, now: datetime, names: dict) -> CaseloadRow:
    last = client.last_check_in_at
    days_since = (now - last).days if last else None
    reasons, priority = [], 3
    if client.open_alert_count:
        alerts = client.open_alert_count
        reasons.append(f"{alerts} open alert{'s' if alerts > 1 else ''}")
        priority = 0
    flow = summary.flow
    if flow and flow.stuck:
        for stretch in flow.stretches[-1:]:
            if stretch.reason == "emotion":
                name = names.get(stretch.label, stretch.label)
                reasons.append(
                    f"{name} has led {stretch.end - stretch.start + 1} check-ins in a row"
                )
            else:
                reasons.append("pushing feelings away, check-in after check-in")
        priority = min(priority, 1)
    trend = summary.distress
    if metrics.is_rising(trend):
        reasons.append(f"distress rising (+{trend.slope_per_week:.1f} a week)")
        priority = min(priority, 1)
    if days_since is None or days_since >= SILENT_DAYS:
        reasons.append("no check-ins yet" if last is None else f"no check-in for {days_since} days")
        priority = min(priority, 2)
    return CaseloadRow(
        client=client,
        last_check_in_at=last,
        days_since=days_since,
        distress=trend,
        neutrality=summary.neutrality,
        stuck=bool(flow and flow.stuck),
        adherence=summary.adherence_overall,
        open_alerts=client.open_alert_count or 0,
        next_session_at=client.next_session_at,
        reasons=reasons,
        priority=priority,
    )
