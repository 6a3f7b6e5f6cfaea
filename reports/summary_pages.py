"""What the summaries pages show."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Alert, Client
from clinic.models import Therapist

from . import figures, summaries, weeks
from .chart_dates import Frame, hover_week
from .models import WeeklySummary
from .pages import figure_json


@dataclass(frozen=True)
class Flag:
    name: str  # as stored, e.g. "safety concern"
    label: str  # as shown
    reason: str


@dataclass(frozen=True)
class SummaryRow:
    """A stored summary with what may need attention now: its stored flags, and a
    safety alert that is open now or recent, found when the page is read (the stored
    row is not changed)."""

    summary: WeeklySummary
    flags: tuple[Flag, ...]

    @property
    def needs_attention(self) -> bool:
        return bool(self.flags) or self.summary.needs_attention

    @property
    def urgency(self) -> int:
        """The rank of the most urgent flag; flags the page does not know come after
        the known ones, and no flag at all last."""
        known = summaries.URGENCY
        ranks = [known.index(f.name) if f.name in known else len(known) for f in self.flags]
        return min(ranks, default=len(known) + 1)


def with_safety_now(queryset: QuerySet, *, now: datetime) -> QuerySet:
    """Annotate each summary with its client's safety alerts as they are now: one open
    (``safety_open``) or raised in the last ``SAFETY_RECENT_DAYS`` (``safety_recent``).
    Subqueries of the summaries' own query, so the page asks no more for more clients."""
    safety = Alert.objects.filter(client=OuterRef("client"), kind=Alert.Kind.SAFETY_CONCERN)
    recent = now - timedelta(days=summaries.SAFETY_RECENT_DAYS)
    return queryset.annotate(
        safety_open=Exists(safety.filter(acknowledged_at__isnull=True)),
        safety_recent=Exists(safety.filter(created_at__gte=recent)),
    )


def _flags(summary: WeeklySummary) -> tuple[Flag, ...]:
    stored = [
        Flag(name, summaries.flag_label(name), summaries.flag_reason(name, summary.figures))
        for name in summary.flags
    ]
    if not (summary.safety_open or summary.safety_recent):
        return tuple(stored)
    # What holds now says more than what the week's summary saw when it was built.
    reason = (
        _("A safety alert is open now.")
        if summary.safety_open
        else _("A safety answer in the last %(days)d days.")
        % {"days": summaries.SAFETY_RECENT_DAYS}
    )
    live = Flag(summaries.SAFETY, summaries.flag_label(summaries.SAFETY), reason)
    return (live, *(flag for flag in stored if flag.name != summaries.SAFETY))


def latest_week(*, therapist: Therapist) -> dict:
    """The last finished week's summaries, those who may need attention first, the most
    urgent first (safety before all), then by label."""
    now = timezone.now()
    zone = ZoneInfo(therapist.clinic.time_zone)
    week = weeks.week_start_of(now.astimezone(zone).date()) - timedelta(weeks=1)
    stored = with_safety_now(
        WeeklySummary.objects.filter(
            client__primary_therapist=therapist, week_start=week
        ).select_related("client"),
        now=now,
    )
    rows = sorted(
        (SummaryRow(s, _flags(s)) for s in stored),
        key=lambda row: (
            not row.needs_attention,
            row.urgency,
            -len(row.flags),  # of two clients with the same worry, the one with more first
            row.summary.client.label,
        ),
    )
    return {
        "week_start": week,
        "rows": rows,
        "summaries": [row.summary for row in rows],
        "safety_days": summaries.SAFETY_RECENT_DAYS,
    }


def client_weeks(*, client: Client) -> dict:
    summaries = list(client.weekly_summaries.order_by("-week_start")[:26])
    zone = ZoneInfo(client.clinic.time_zone)
    return {"summaries": summaries, "trend_json": figure_json(weeks_figure(summaries), zone)}


def weeks_figure(summaries: list[WeeklySummary]) -> dict:
    """Mean distress week by week, a point on each Monday, labelled "Week of 2 Nov"."""
    oldest_first = sorted(summaries, key=lambda s: s.week_start)
    means = [s.figures.get("week", {}).get("distress_mean") for s in oldest_first]
    frame = None
    if oldest_first:  # half a week either side, so that no point sits on an edge
        first, last = oldest_first[0].week_start, oldest_first[-1].week_start
        frame = Frame(first - timedelta(days=3), last + timedelta(days=3))
    layout = figures.layout_of(_("Mean distress by week"), _("distress"), [-0.5, 10.5], frame)
    layout.update({"height": 220, "showlegend": False})
    trend = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": _("Mean distress"),
        "x": [s.week_start for s in oldest_first],
        "y": means,
        "text": [
            _("%(week)s: mean distress %(mean)s")
            % {"week": hover_week(frame, s.week_start), "mean": "–" if mean is None else mean}
            for s, mean in zip(oldest_first, means, strict=True)
        ],
        "hovertemplate": "%{text}<extra></extra>",
        "line": {"color": figures.BLUE},
    }
    return {"data": [trend], "layout": layout}
