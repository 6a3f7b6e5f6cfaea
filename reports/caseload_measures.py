"""What the outcome measures add to the caseload, for many clients in a fixed number of
queries: reliable deterioration, a self-harm item answered above 0, a measure long overdue.

One query loads the episode responses of every client, one the clinic's cut-offs (when
there are responses), and ``due_by_client`` its own four; the rest is arithmetic on what
was loaded.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clients.measures import policies
from clients.measures.instruments import INSTRUMENTS
from clients.measures.instruments.definition import Instrument
from clients.measures.models import MeasureResponse
from clients.measures.selectors import (
    DueMeasure,
    Series,
    due_by_client,
    episode_start,
    series_for,
)
from clients.measures.services import self_harm_answers
from clients.models import Alert, Client


@dataclass(frozen=True)
class SelfHarmAnswer:
    """The latest response of an instrument with a self-harm item, answered above 0."""

    instrument: Instrument
    response: MeasureResponse


@dataclass
class MeasureSignals:
    self_harm: list[SelfHarmAnswer] = field(default_factory=list)
    deteriorated: list[Series] = field(default_factory=list)
    overdue: list[DueMeasure] = field(default_factory=list)


def _episode_responses(clients: list[Client]) -> dict[int, list[MeasureResponse]]:
    """Each client's responses since they started, oldest first: one query for all."""
    starts = {client.pk: episode_start(client) for client in clients}
    found: dict[int, list[MeasureResponse]] = defaultdict(list)
    rows = MeasureResponse.objects.filter(
        client_id__in=list(starts), completed_at__gte=min(starts.values())
    ).order_by("completed_at", "id")
    for response in rows:
        if response.completed_at >= starts[response.client_id]:
            found[response.client_id].append(response)
    return found


def _latest_self_harm(
    responses: list[MeasureResponse], open_alert_ids: set[int]
) -> list[SelfHarmAnswer]:
    """The latest response of each instrument with a self-harm item, when it answered the
    item above 0. The client's most recent word on it stands until a newer response says
    otherwise, followed up or not; while its alert is still open, the open alert says it
    already (in the same words), so it is not said twice."""
    latest: dict[str, MeasureResponse] = {}
    for response in responses:  # oldest first: the last one wins
        if INSTRUMENTS[response.instrument].safety_items:
            latest[response.instrument] = response
    return [
        SelfHarmAnswer(INSTRUMENTS[code], response)
        for code, response in latest.items()
        if self_harm_answers(INSTRUMENTS[code], response.answers)
        and response.alert_id not in open_alert_ids
    ]


def measure_signals(
    clients: list[Client], *, open_alerts: dict[int, list[Alert]], now: datetime
) -> dict[int, MeasureSignals]:
    """Per client: what the measures say needs attention (see the module's docstring)."""
    if not clients:
        return {}
    responses = _episode_responses(clients)
    policy_by_clinic: dict[int, dict] = {}  # read once per clinic, and only when needed
    due = due_by_client(clients, now)
    found = {}
    for client in clients:
        mine = responses.get(client.pk, [])
        open_ids = {alert.pk for alert in open_alerts.get(client.pk, [])}
        series = []
        if mine:
            if client.clinic_id not in policy_by_clinic:
                policy_by_clinic[client.clinic_id] = policies.policies_for(client.clinic_id)
            series = series_for(client, mine, policy=policy_by_clinic[client.clinic_id])
        found[client.pk] = MeasureSignals(
            self_harm=_latest_self_harm(mine, open_ids),
            deteriorated=[s for s in series if s.change and s.change.reliable_deterioration],
            overdue=[each for each in due[client.pk] if each.overdue],
        )
    return found


def series_name(series: Series) -> str:
    """ "PHQ-9", or "ITQ PTSD symptoms" for a charted sub-scale."""
    if series.charted == "total":
        return series.instrument.name
    return _("%(instrument)s %(subscale)s") % {
        "instrument": series.instrument.name,
        "subscale": series.label,
    }


def _day(moment: datetime, zone: ZoneInfo) -> str:
    return date_format(moment.astimezone(zone), "j M")


def reasons(signals: MeasureSignals, *, clinic_zone: ZoneInfo, client_zone: ZoneInfo) -> dict:
    """The reasons in words, by kind: "self_harm", "deteriorated", "overdue"."""
    return {
        "self_harm": [
            _("Self-harm item answered above 0 on %(instrument)s (%(day)s)")
            % {
                "instrument": found.instrument.name,
                "day": _day(found.response.completed_at, clinic_zone),
            }
            for found in signals.self_harm
        ],
        "deteriorated": [
            _("%(name)s: reliable deterioration (%(baseline)s → %(latest)s)")
            % {
                "name": series_name(series),
                "baseline": series.change.baseline,
                "latest": series.change.latest,
            }
            for series in signals.deteriorated
        ],
        # Due from midnight of the client's own day: that day, said in their calendar.
        "overdue": [
            _("%(instrument)s due since %(day)s, not yet answered")
            % {"instrument": due.instrument.name, "day": _day(due.since, client_zone)}
            for due in signals.overdue
        ],
    }
