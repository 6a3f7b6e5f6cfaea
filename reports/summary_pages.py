"""What the summaries pages show."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from clients.models import Client
from clinic.models import Therapist

from . import figures, weeks
from .models import WeeklySummary
from .pages import figure_json


def latest_week(*, therapist: Therapist) -> dict:
    zone = ZoneInfo(therapist.clinic.time_zone)
    week = weeks.week_start_of(timezone.now().astimezone(zone).date()) - timedelta(weeks=1)
    summaries = list(
        WeeklySummary.objects.filter(client__primary_therapist=therapist, week_start=week)
        .select_related("client")
        .order_by("-needs_attention", "client__label")
    )
    return {"week_start": week, "summaries": summaries}


def client_weeks(*, client: Client) -> dict:
    summaries = list(client.weekly_summaries.order_by("-week_start")[:26])
    oldest_first = list(reversed(summaries))
    trend = {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Mean distress",
                "x": [s.week_start.isoformat() for s in oldest_first],
                "y": [s.figures.get("week", {}).get("distress_mean") for s in oldest_first],
                "line": {"color": figures.BLUE},
            }
        ],
        "layout": {
            "height": 220,
            "margin": {"l": 40, "r": 10, "t": 10, "b": 30},
            "yaxis": {"range": [0, 10.5], "title": {"text": "distress"}},
            "xaxis": {"type": "date", "tickformat": "%-d %b"},
            "font": figures.FONT,
        },
    }
    zone = ZoneInfo(client.clinic.time_zone)
    return {"summaries": summaries, "trend_json": figure_json(trend, zone)}
