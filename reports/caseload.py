"""The caseload: every client a therapist treats, who needs attention first, and why.

Order: an unresolved safety concern (the newest answer first), then other open alerts,
then what the outcome measures say (a self-harm item answered above 0 in the latest
response, reliable deterioration), then a safety concern of the last two weeks that was
followed up, then high distress, a TICES log entry at the clinic's calming level since the
last session, rising distress, a stuck pattern, the last session's EMDR processing left
incomplete, then a measure overdue by more than a week, then silence, then everyone else.
Each reason is said in words.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.measures.instruments import INSTRUMENTS
from clients.measures.models import MeasureResponse
from clients.measures.services import self_harm_answers
from clients.models import Alert, CheckIn, Client, EmotionLabel, FocusArea
from clients.safety.models import SAFETY_REMEMBERED_DAYS, FollowUp
from clients.safety.selectors import follow_ups_prefetch
from clinic.models import Session, Therapist

from . import directions, metrics
from .caseload_emdr import EmdrSignals, emdr_signals
from .caseload_emdr import reasons as emdr_reasons
from .caseload_measures import MeasureSignals, measure_signals
from .caseload_measures import reasons as measure_reasons
from .selectors import windows_load

RECENT = timedelta(days=28)
SILENT_DAYS = 7
SAFETY_REMEMBERED = timedelta(days=SAFETY_REMEMBERED_DAYS)
# The latest check-in's distress at or above this reads as high (0-10 scale).
HIGH_DISTRESS_FROM = 8

(
    OPEN_SAFETY,
    OPEN_ALERT,
    SELF_HARM_ITEM,
    RELIABLE_DETERIORATION,
    RECENT_SAFETY,
    HIGH_DISTRESS,
    TICES_HIGH,
    RISING_DISTRESS,
    STUCK,
    EMDR_INCOMPLETE,
    MEASURE_OVERDUE,
    SILENT,
    NOTHING,
) = range(13)
# The EMDR reasons watch (tier 1), below every safety reason: neither is a risk answer.
# A log entry at the calming level is the client's own word of a hard moment, as fresh as
# a check-in's distress, so it ranks beside high distress. An incomplete session is what
# the therapist left open and will pick up anyway by reevaluation; it ranks after what
# the client says now, but above a measure overdue and silence, since activated material
# between sessions is worth a call before the next session.
# How loudly a row is marked: act now, watch, quiet for a while, nothing to flag.
# A measure left unanswered is a kind of silence: it is marked as silence is.
TIERS = {
    OPEN_SAFETY: 0,
    OPEN_ALERT: 0,
    SELF_HARM_ITEM: 1,
    RELIABLE_DETERIORATION: 1,
    RECENT_SAFETY: 1,
    HIGH_DISTRESS: 1,
    TICES_HIGH: 1,
    RISING_DISTRESS: 1,
    STUCK: 1,
    EMDR_INCOMPLETE: 1,
    MEASURE_OVERDUE: 2,
    SILENT: 2,
    NOTHING: 3,
}


@dataclass
class ClientAlerts:
    """What the caseload needs to know about one client's alerts."""

    open_safety: list[Alert] = field(default_factory=list)  # newest first
    open_other: list[Alert] = field(default_factory=list)
    recent_safety: list[Alert] = field(default_factory=list)  # followed up, newest first


@dataclass
class CaseloadRow:
    client: Client
    last_check_in_at: datetime | None
    days_since: int | None  # in the clinic's calendar: 0 is today
    distress: metrics.Trend | None
    neutrality: metrics.Trend | None
    stuck: bool
    adherence: int | None  # % of planned exercises done, as the readings tally it
    open_alerts: int
    newest_open_alert: Alert | None
    next_session_at: datetime | None
    reasons: list[str]
    priority: int
    sort_moment: float = 0.0  # within a priority: the newest safety answer first

    @property
    def tier(self) -> int:
        return TIERS[self.priority]

    # The trend cells follow the same rules as the readings, so an arrow and a sentence
    # never disagree about the same four weeks.
    @property
    def distress_way(self) -> directions.Direction | None:
        return directions.of_trend(self.distress, directions.DISTRESS)

    @property
    def neutrality_way(self) -> directions.Direction | None:
        return directions.of_trend(self.neutrality, directions.CHARGE)


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
    return list(
        clients.annotate(
            last_check_in_at=Subquery(newest.values("occurred_at")[:1]),
            next_session_at=Subquery(upcoming.values("starts_at")[:1]),
        ).order_by("label")
    )


def _alerts_by_client(client_ids: list[int], now: datetime) -> dict[int, ClientAlerts]:
    """Open alerts and recent safety alerts of these clients, in one query."""
    found: dict[int, ClientAlerts] = {pk: ClientAlerts() for pk in client_ids}
    recent_safety = Q(kind=Alert.Kind.SAFETY_CONCERN, created_at__gte=now - SAFETY_REMEMBERED)
    alerts = (
        Alert.objects.filter(client_id__in=client_ids)
        .filter(Q(acknowledged_at__isnull=True) | recent_safety)
        # The response whose self-harm item raised it, in the same query (a LEFT JOIN).
        .select_related("check_in", "measure_response")
        .prefetch_related(follow_ups_prefetch())
        .order_by("-created_at", "-id")
    )
    for alert in alerts:
        mine = found[alert.client_id]
        if alert.is_open and alert.kind == Alert.Kind.SAFETY_CONCERN:
            mine.open_safety.append(alert)
        elif alert.is_open:
            mine.open_other.append(alert)
        else:
            mine.recent_safety.append(alert)
    for mine in found.values():  # newest answer first, however late an app sent it
        mine.open_safety.sort(key=answered_at, reverse=True)
        mine.recent_safety.sort(key=answered_at, reverse=True)
    return found


def caseload(*, therapist: Therapist, status: str = "active", focus: str = "") -> list[CaseloadRow]:
    """The therapist's clients, who needs attention first; the reason said in words."""
    now = timezone.now()
    zone = ZoneInfo(therapist.clinic.time_zone)
    clients = _clients(therapist, status, focus)
    windows = windows_load(clients=clients, since=now - RECENT, until=now)
    alerts = _alerts_by_client([client.pk for client in clients], now)
    measures = measure_signals(
        clients, open_alerts={pk: found.open_safety for pk, found in alerts.items()}, now=now
    )
    emdr = emdr_signals(clients, now=now)
    names = dict(
        EmotionLabel.objects.filter(clinic_id=therapist.clinic_id).values_list("code", "name")
    )
    rows = [
        _row(
            client,
            metrics.summarize(windows[client.pk]),
            alerts[client.pk],
            measures[client.pk],
            now,
            zone,
            names,
            emdr.get(client.pk),
        )
        for client in clients
    ]
    return sorted(rows, key=lambda row: (row.priority, -row.sort_moment, row.client.label))


def _days_ago(moment: datetime, now: datetime, zone: ZoneInfo) -> int:
    """Whole calendar days in the clinic's zone: last night at 23:00 is 1 day ago at 08:00."""
    return (now.astimezone(zone).date() - moment.astimezone(zone).date()).days


def _moment(moment: datetime, now: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    time = date_format(local, "H:i")
    days = _days_ago(moment, now, zone)
    if days == 0:
        return _("at %(time)s today") % {"time": time}
    if days == 1:
        return _("at %(time)s yesterday") % {"time": time}
    return _("on %(day)s at %(time)s") % {"day": date_format(local, "D j M"), "time": time}


def raised_by_response(alert: Alert) -> MeasureResponse | None:
    """The measure response whose self-harm item raised the alert, if one did (loaded
    with the alert: ``select_related("measure_response")``)."""
    if alert.check_in_id is not None:
        return None
    try:
        return alert.measure_response
    except MeasureResponse.DoesNotExist:
        return None


def answered_at(alert: Alert) -> datetime:
    """When the client answered: the check-in's or the response's own time (an app may
    send it late)."""
    if alert.check_in:
        return alert.check_in.occurred_at
    response = raised_by_response(alert)
    return response.completed_at if response else alert.created_at


def _attempt_reason(alert: Alert, now: datetime, zone: ZoneInfo) -> str | None:
    tried = [f for f in alert.history if f.action == FollowUp.Action.COULD_NOT_REACH]
    if not tried:
        return None
    return _("tried to reach them %(when)s, not reached yet") % {
        "when": _moment(tried[-1].at, now, zone)
    }


def _alert_reason(alert: Alert, now: datetime, zone: ZoneInfo) -> str:
    check_in = alert.check_in
    when = _moment(answered_at(alert), now, zone)
    if alert.kind == Alert.Kind.SAFETY_CONCERN:
        response = raised_by_response(alert)
        if response is not None:
            return _measure_alert_reason(response, when)
        if check_in is None or check_in.distress is None:
            return _("Safety: answered yes %(when)s") % {"when": when}
        return _("Safety: answered yes %(when)s, distress %(distress)s/10") % {
            "when": when,
            "distress": check_in.distress,
        }
    if check_in is None or check_in.distress is None:
        return _("Sharp rise in distress %(when)s") % {"when": when}
    return _("Sharp rise in distress %(when)s, distress %(distress)s/10") % {
        "when": when,
        "distress": check_in.distress,
    }


def _measure_alert_reason(response: MeasureResponse, when: str) -> str:
    """ "Safety: PHQ-9 item 9 answered “Several days” (1) at 14:00 today": the answer as
    given, never a verdict."""
    instrument = INSTRUMENTS[response.instrument]
    answered = self_harm_answers(instrument, response.answers)
    code, value = next(iter(answered.items()), (instrument.safety_items[0], None))
    if value is None:  # the item was answered 0 after all: say only what was answered
        return _("Safety: answered on %(instrument)s %(when)s") % {
            "instrument": instrument.name,
            "when": when,
        }
    return _("Safety: %(instrument)s item %(item)s answered “%(answer)s” (%(value)s) %(when)s") % {
        "instrument": instrument.name,
        "item": code,
        "answer": instrument.option_text(code, value) or value,
        "value": value,
        "when": when,
    }


def _followed_up_reason(alert: Alert, now: datetime, zone: ZoneInfo) -> str:
    days = _days_ago(answered_at(alert), now, zone)
    if days == 0:
        return _("safety concern today, followed up")
    return ngettext(
        "safety concern %(days)s day ago, followed up",
        "safety concern %(days)s days ago, followed up",
        days,
    ) % {"days": days}


def _row(
    client: Client,
    summary: metrics.Summary,
    alerts: ClientAlerts,
    measures: MeasureSignals,
    now: datetime,
    zone: ZoneInfo,
    names: dict,
    emdr: EmdrSignals | None = None,
) -> CaseloadRow:
    last = client.last_check_in_at
    days_since = _days_ago(last, now, zone) if last else None
    reasons, priority = [], NOTHING
    open_alerts = alerts.open_safety + alerts.open_other
    for alert in open_alerts:
        reasons.append(_alert_reason(alert, now, zone))
        attempt = _attempt_reason(alert, now, zone)
        if attempt:
            reasons.append(attempt)
    if alerts.open_safety:
        priority = OPEN_SAFETY
    elif alerts.open_other:
        priority = OPEN_ALERT
    said = measure_reasons(measures, clinic_zone=zone, client_zone=ZoneInfo(client.time_zone))
    if said["self_harm"]:
        reasons += said["self_harm"]
        priority = min(priority, SELF_HARM_ITEM)
    if said["deteriorated"]:
        reasons += said["deteriorated"]
        priority = min(priority, RELIABLE_DETERIORATION)
    if alerts.recent_safety and not alerts.open_safety:
        reasons.append(_followed_up_reason(alerts.recent_safety[0], now, zone))
        priority = min(priority, RECENT_SAFETY)
    trend = summary.distress
    if trend is not None and trend.last >= HIGH_DISTRESS_FROM:
        reasons.append(
            _("distress high: %(value)s/10 at the last check-in") % {"value": round(trend.last)}
        )
        priority = min(priority, HIGH_DISTRESS)
    said_emdr = emdr_reasons(emdr, zone=zone)
    if said_emdr["hard_moment"]:
        reasons += said_emdr["hard_moment"]
        priority = min(priority, TICES_HIGH)
    if metrics.is_rising(trend):
        reasons.append(
            _("distress rising (+%(slope)s a week)") % {"slope": f"{trend.slope_per_week:.1f}"}
        )
        priority = min(priority, RISING_DISTRESS)
    flow = summary.flow
    if flow and flow.stuck:
        for stretch in flow.stretches[-1:]:
            if stretch.reason == "emotion":
                count = stretch.end - stretch.start + 1
                reasons.append(
                    _("%(name)s has led %(count)s check-ins in a row")
                    % {"name": names.get(stretch.label, stretch.label), "count": count}
                )
            else:
                reasons.append(_("pushing feelings away, check-in after check-in"))
        priority = min(priority, STUCK)
    if said_emdr["incomplete"]:
        reasons += said_emdr["incomplete"]
        priority = min(priority, EMDR_INCOMPLETE)
    if said["overdue"]:
        reasons += said["overdue"]
        priority = min(priority, MEASURE_OVERDUE)
    if days_since is None or days_since >= SILENT_DAYS:
        reasons.append(
            _("no check-ins yet")
            if last is None
            else ngettext(
                "no check-in for %(days)s day", "no check-in for %(days)s days", days_since
            )
            % {"days": days_since}
        )
        priority = min(priority, SILENT)
    newest_safety = answered_at(alerts.open_safety[0]).timestamp() if alerts.open_safety else 0.0
    return CaseloadRow(
        client=client,
        last_check_in_at=last,
        days_since=days_since,
        distress=trend,
        neutrality=summary.neutrality,
        stuck=bool(flow and flow.stuck),
        adherence=directions.tally(summary.adherence).percent,
        open_alerts=len(open_alerts),
        newest_open_alert=open_alerts[0] if open_alerts else None,
        next_session_at=client.next_session_at,
        reasons=reasons,
        priority=priority,
        sort_moment=newest_safety,
    )
