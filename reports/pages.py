"""What the progress report and the session-prep report show, gathered per page.

One function per page; each loads its rows in a fixed number of queries
(``window_load`` and a few lists) and turns them into plain data for the template.
"""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import orjson
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from clients.models import Alert, Assignment, CheckIn, Client, EmotionLabel, Exercise
from clients.safety.selectors import follow_ups_prefetch
from clients.wording import PersonWords, person_words, unnamed_words
from clinic.models import Session

from . import figures, metrics, readings, windows
from .chart_dates import Frame, hover_moment
from .selectors import held_sessions, window_load


@dataclass
class Chart:
    key: str
    title: str
    reading: str
    figure_json: str
    table_headers: list[str]
    table_rows: list[list]
    empty: bool

    @property
    def table(self) -> str:
        return table_html(self.title, self.table_headers, self.table_rows)


def table_html(caption: str, headers: list[str], rows: list[list]) -> SafeString:
    """The numbers of a chart as an HTML table. Built here rather than in a template
    loop: a year of check-ins is thousands of cells, and every one is escaped."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return mark_safe(  # noqa: S308 - every piece above is escaped
        f'<table class="table small"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


@dataclass
class ProgressReport:
    client: Client
    window: windows.ReportWindow
    summary: metrics.Summary
    charts: list[Chart]
    discuss: list[CheckIn]
    alerts: list[Alert]
    alert_history: list[Alert]
    assignments: list[Assignment]
    sessions: list[Session]
    library: list[Exercise]
    window_choices: dict = field(default_factory=lambda: windows.CHOICES)
    held_sessions: list[datetime] = field(default_factory=list)  # every one, not the window's


def _cell(value):
    return "—" if value is None else value


def _wall_clock(value, zone: ZoneInfo):
    """Datetimes as wall-clock time in ``zone``: Plotly drops UTC offsets and would
    otherwise draw an evening check-in on the next day."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(zone).replace(tzinfo=None)
    if isinstance(value, dict):
        return {key: _wall_clock(item, zone) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_wall_clock(item, zone) for item in value]
    return value


def figure_json(figure: dict, zone: ZoneInfo) -> str:
    """JSON safe to place inside <script type="application/json"> (as json_script escapes)."""
    text = orjson.dumps(_wall_clock(figure, zone)).decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def label_names(client: Client) -> dict[str, str]:
    return dict(EmotionLabel.objects.filter(clinic_id=client.clinic_id).values_list("code", "name"))


def charts(
    window: metrics.Window,
    summary: metrics.Summary,
    sessions: list[datetime],
    names: dict[str, str],
    span: str,
    zone: ZoneInfo,
    until: datetime | None = None,
    words: PersonWords | None = None,
) -> list[Chart]:
    """``until`` is the window's end: a long window's last 4 weeks are counted back from
    it, so that they read as the 4-week window ending then. Without it, now, or the end
    of the window's last day when that is earlier (a custom window in the past).
    ``words`` name the other person and the ends of the charge scale as set for the
    client; without them, "the other person"."""
    points = sorted(window.check_ins, key=lambda c: c.occurred_at)
    if until is None:
        last_moment = datetime.combine(window.last_day, datetime.max.time(), tzinfo=zone)
        until = min(timezone.now(), last_moment)
    words = words or unnamed_words()
    person = {"person": words.for_staff}
    ends = {"negative": words.ends.negative, "positive": words.ends.positive}
    stretches = summary.flow.stretches if summary.flow else ()
    # Every chart spans the window's days, so that their dates line up down the page.
    frame = Frame(window.first_day, window.last_day, zone)

    def rows(*columns):
        # Dated as the charts' hover texts date them: "Tue 25 Nov, 21:14".
        dated = [(hover_moment(frame, c.occurred_at), c) for c in points]
        return [[when, *(_cell(f(c)) for f in columns)] for when, c in dated]

    strongest = [
        lambda c: names.get(c.strongest[0], c.strongest[0]) if c.strongest else None,
        lambda c: c.strongest[1] if c.strongest else None,
    ]
    distress = figures.distress_figure(points, sessions, window.completions, frame)
    exercises = figures.exercises_figure(summary.adherence, summary.exercise_effect)
    return [
        Chart(
            "distress",
            _("Distress"),
            readings.distress(summary, span, points, until),
            figure_json(distress, zone),
            [_("When"), _("Distress")],
            rows(lambda c: c.distress),
            summary.distress is None,
        ),
        Chart(
            "flow",
            _("Emotional flow"),
            readings.flow(summary, names),
            figure_json(figures.flow_figure(points, stretches, names, frame), zone),
            [_("When"), _("Strongest emotion"), _("Intensity"), _("All labelled")],
            rows(
                *strongest,
                lambda c: ", ".join(names.get(code, code) for code, _i in c.emotions),
            ),
            summary.flow is None or not summary.flow.distinct_labels,
        ),
        Chart(
            "charge",
            _("Charge toward %(person)s") % person,
            readings.charge(summary, points, until, words),
            figure_json(figures.charge_figure(points, words, frame), zone),
            [_("When"), _("Charge (−5 %(negative)s … +5 %(positive)s)") % ends],
            rows(lambda c: c.charge),
            summary.neutrality is None,
        ),
        Chart(
            "mind_space",
            _("Mind space"),
            readings.mind_space(summary, points, until, words),
            figure_json(figures.mind_space_figure(points, words, frame), zone),
            [_("When"), _("%% of the day %(person)s took up") % person],
            rows(lambda c: c.mind_space),
            summary.mind_space is None,
        ),
        Chart(
            "compassion",
            _("Self-compassion and resistance"),
            readings.compassion(summary, points, until),
            figure_json(figures.compassion_figure(points, frame), zone),
            [_("When"), _("Self-compassion"), _("Resistance")],
            rows(lambda c: c.self_compassion, lambda c: c.resistance),
            summary.self_compassion is None and summary.resistance is None,
        ),
        Chart(
            "exercises",
            _("Exercises"),
            readings.exercises(summary),
            figure_json(exercises, zone),
            [
                _("Exercise"),
                _("Done"),
                _("Planned"),
                _("Mean distress before"),
                _("Mean distress after"),
                _("Mean drop"),
            ],
            _exercise_rows(summary),
            not summary.adherence and not summary.exercise_effect,
        ),
    ]


def _exercise_rows(summary: metrics.Summary) -> list[list]:
    """The means as the reading quotes them; the mean drop is the quoted mean before
    minus the quoted mean after, so the three agree (6.9, 5.1, 1.8)."""
    effects = {e.title: e for e in summary.exercise_effect}
    rows = []
    for item in summary.adherence:
        effect = effects.get(item.title)
        means = readings.exercise_means(effect) if effect else ("—", "—", "—")
        rows.append([item.title, item.done, item.planned, *means])
    return rows


ALERT_HISTORY = 10


def open_alerts(client: Client) -> list[Alert]:
    """Open alerts, safety concerns first, each kind the newest first, with what raised them."""
    newest_first = client.alerts.filter(acknowledged_at__isnull=True).order_by("-created_at")
    return sorted(  # a stable sort: the newest stay first within each kind
        newest_first.select_related("check_in"),
        key=lambda alert: alert.kind != Alert.Kind.SAFETY_CONCERN,
    )


def alert_history(client: Client) -> list[Alert]:
    """The latest resolved alerts, each with the follow-ups recorded for it."""
    return list(
        client.alerts.filter(acknowledged_at__isnull=False)
        .select_related("acknowledged_by")
        .prefetch_related(follow_ups_prefetch())
        .order_by("-created_at")[:ALERT_HISTORY]
    )


def progress_report(
    *, client: Client, window_key: str, first_day=None, last_day=None
) -> ProgressReport:
    """Everything on a client's progress report for one window.

    Times show in the clinic's zone, as everywhere on the therapist's pages.
    """
    zone = ZoneInfo(client.clinic.time_zone)
    held = held_sessions(client)
    window = windows.resolve(
        window_key,
        now=timezone.now(),
        held_sessions=held,
        started_on=client.started_on,
        zone=zone,
        first_day=first_day,
        last_day=last_day,
    )
    data = window_load(client=client, since=window.since, until=window.until)
    summary = metrics.summarize(data)
    in_window = [start for start in held if window.since <= start <= window.until]
    return ProgressReport(
        client=client,
        window=window,
        summary=summary,
        charts=charts(
            data,
            summary,
            in_window,
            label_names(client),
            window.span,
            zone,
            until=window.until,
            words=person_words(client),
        ),
        discuss=list(
            # A safety answer's words always reach the therapist, asked to talk about or not.
            client.check_ins.filter(
                Q(wants_to_discuss=True) | Q(safety_concern=True),
                occurred_at__gte=window.since,
                occurred_at__lte=window.until,
            ).order_by("-occurred_at")
        ),
        alerts=open_alerts(client),
        alert_history=alert_history(client),
        assignments=list(
            client.assignments.exclude(status=Assignment.Status.ENDED)
            .select_related("exercise")
            .order_by("-starts_on", "-id")
        ),
        sessions=list(client.sessions.order_by("-starts_at")[:8]),
        library=list(Exercise.objects.filter(clinic_id=client.clinic_id, is_active=True)),
        held_sessions=held,
    )
