"""What the progress report and the session-prep report show, gathered per page.

One function per page; each loads its rows in a fixed number of queries
(``window_load`` and a few lists) and turns them into plain data for the template.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from operator import attrgetter
from zoneinfo import ZoneInfo

import orjson
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from clients.models import Alert, Assignment, Client, EmotionLabel, Exercise
from clients.safety.selectors import follow_ups_prefetch
from clients.wording import PersonWords, person_words, unnamed_words
from clinic.models import Session

from . import figures, metrics, readings, windows
from .chart_dates import Frame, day_words, placed
from .selectors import held_sessions, window_load


@dataclass
class Chart:
    key: str
    title: str
    reading: str
    figure_json: str
    table_headers: list[str]
    # The table of the numbers, column by column: the charts are built from columns, and
    # a year's table is thousands of cells.
    table_columns: list[list]
    empty: bool
    # The page's escaped cells, shared by its tables (every table starts with the same
    # column of dates).
    cells: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def table_rows(self) -> list[list]:
        return [list(row) for row in zip(*self.table_columns, strict=True)]

    @property
    def table(self) -> str:
        return _table(self.title, self.table_headers, self.table_columns, self.cells)


def table_html(caption: str, headers: list[str], rows: list[list]) -> SafeString:
    """The numbers of a chart as an HTML table. Built here rather than in a template
    loop: a year of check-ins is thousands of cells, and every one is escaped."""
    return _table(caption, headers, list(zip(*rows, strict=True)), {})


def _table(caption: str, headers: list[str], columns: list[list], cells: dict) -> SafeString:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    last = len(columns) - 1
    rows = []
    for index, column in enumerate(columns):
        # Each distinct cell escaped once, as django.utils.html.escape does it (a year has
        # thousands of cells but few distinct ratings, and its dates start every table);
        # the row's tags go with its first and last cells.
        start = "<tr><td>" if index == 0 else "<td>"
        end = "</td></tr>" if index == last else "</td>"
        # The column of dates is the same list in every table of the page: done once (the
        # entry keeps the list, so that its id cannot pass to another).
        seen = cells.get((id(column), start, end))
        if seen is None:
            texts = list(map(str, column))
            known = cells.setdefault((start, end), {})
            for text in set(texts).difference(known):
                known[text] = f"{start}{html.escape(text)}{end}"
            seen = cells[id(column), start, end] = (column, list(map(known.__getitem__, texts)))
        rows.append(seen[1])
    body = "".join(map("".join, zip(*rows, strict=True)))
    return mark_safe(  # noqa: S308 - every piece above is escaped
        f'<table class="table small"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


@dataclass(frozen=True)
class Discussed:
    """A check-in the client wants to talk about, or a safety answer, as the report lists
    it: only what it shows, read without building the whole check-in."""

    occurred_at: datetime
    note: str
    distress: int | None
    safety_concern: bool
    day: str  # "Tue 25 Nov", in the clinic's zone


@dataclass
class ProgressReport:
    client: Client
    window: windows.ReportWindow
    summary: metrics.Summary
    charts: list[Chart]
    discuss: list[Discussed]
    alerts: list[Alert]
    alert_history: list[Alert]
    assignments: list[Assignment]
    sessions: list[Session]
    library: list[Exercise]
    window_choices: dict = field(default_factory=lambda: windows.CHOICES)
    held_sessions: list[datetime] = field(default_factory=list)  # every one, not the window's

    @property
    def discuss_html(self) -> SafeString:
        return discuss_html(self.discuss)


def _column(values) -> list:
    """A column of a table: a skipped answer shows as a dash."""
    return ["—" if value is None else value for value in values]


# A datetime with a UTC offset as orjson writes it, "2026-11-25T21:14:00+01:00", or with
# microseconds, "…:00.000005+01:00": two patterns, each quick to look for in a year's JSON.
_WITH_OFFSET = (
    re.compile(rb':\d\d[+-]\d\d:\d\d"'),
    re.compile(rb'\.\d{6}[+-]\d\d:\d\d"'),
)


def figure_json(figure: dict, zone: ZoneInfo) -> str:
    """JSON safe to place inside <script type="application/json"> (as json_script escapes).

    Datetimes are written as wall-clock time in ``zone``: Plotly drops UTC offsets and
    would otherwise draw an evening check-in on the next day. The builders already give
    wall-clock times; should a datetime with an offset (or text that looks like one) be
    written, the figure is written again with every datetime converted."""
    text = orjson.dumps(figure)
    if any(pattern.search(text) for pattern in _WITH_OFFSET):

        def wall_clock(value):
            if isinstance(value, datetime) and value.tzinfo is not None:
                value = value.astimezone(zone).replace(tzinfo=None)
            if isinstance(value, date | time):  # as orjson writes them
                return value.isoformat()
            raise TypeError(type(value).__name__)

        passed = orjson.OPT_PASSTHROUGH_DATETIME
        text = orjson.dumps(figure, default=wall_clock, option=passed)
    return _script_safe(text)


def framed_json(figure: dict) -> str:
    """``figure_json`` for a figure built on a ``Frame``: its builder has already given
    every datetime as wall-clock time in the frame's zone, so none is looked for."""
    return _script_safe(orjson.dumps(figure))


def _script_safe(text: bytes) -> str:
    escaped = text.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")
    return escaped.decode()


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
    frame: Frame | None = None,
) -> list[Chart]:
    """``until`` is the window's end: a long window's last 4 weeks are counted back from
    it, so that they read as the 4-week window ending then. Without it, now, or the end
    of the window's last day when that is earlier (a custom window in the past).
    ``words`` name the other person and the ends of the charge scale as set for the
    client; without them, "the other person". ``frame`` is the page's (see
    ``Frame.for_page``); without it, one over the window's days in ``zone``."""
    points = sorted(window.check_ins, key=lambda c: c.occurred_at)
    if until is None:
        last_moment = datetime.combine(window.last_day, datetime.max.time(), tzinfo=zone)
        until = min(timezone.now(), last_moment)
    words = words or unnamed_words()
    person = {"person": words.for_staff}
    ends = {"negative": words.ends.negative, "positive": words.ends.positive}
    stretches = summary.flow.stretches if summary.flow else ()
    if frame is None:
        frame = Frame(window.first_day, window.last_day, zone).for_page()
    # The tables date each check-in as the charts' hover texts do: "Tue 25 Nov, 21:14".
    _drawn_at, when = placed(frame, [c.occurred_at for c in points])
    cells: dict = {}  # escaped once for all the page's tables

    def columns(*getters):
        return [when, *(_column(map(get, points)) for get in getters)]

    def strongest_name(c):
        return names.get(c.strongest[0], c.strongest[0]) if c.strongest else None

    def strongest_intensity(c):
        return c.strongest[1] if c.strongest else None

    def all_labelled(c):
        return ", ".join(names.get(code, code) for code, _i in c.emotions)

    exercise_headers = [
        _("Exercise"),
        _("Done"),
        _("Planned"),
        _("Mean distress before"),
        _("Mean distress after"),
        _("Mean drop"),
    ]
    distress = figures.distress_figure(points, sessions, window.completions, frame)
    exercises = figures.exercises_figure(summary.adherence, summary.exercise_effect)
    return [
        Chart(
            "distress",
            _("Distress"),
            readings.distress(summary, span, points, until),
            framed_json(distress),
            [_("When"), _("Distress")],
            columns(attrgetter("distress")),
            summary.distress is None,
            cells,
        ),
        Chart(
            "flow",
            _("Emotional flow"),
            readings.flow(summary, names),
            framed_json(figures.flow_figure(points, stretches, names, frame)),
            [_("When"), _("Strongest emotion"), _("Intensity"), _("All labelled")],
            columns(strongest_name, strongest_intensity, all_labelled),
            summary.flow is None or not summary.flow.distinct_labels,
            cells,
        ),
        Chart(
            "charge",
            _("Charge toward %(person)s") % person,
            readings.charge(summary, points, until, words),
            framed_json(figures.charge_figure(points, words, frame)),
            [_("When"), _("Charge (−5 %(negative)s … +5 %(positive)s)") % ends],
            columns(attrgetter("charge")),
            summary.neutrality is None,
            cells,
        ),
        Chart(
            "mind_space",
            _("Mind space"),
            readings.mind_space(summary, points, until, words),
            framed_json(figures.mind_space_figure(points, words, frame)),
            [_("When"), _("%% of the day %(person)s took up") % person],
            columns(attrgetter("mind_space")),
            summary.mind_space is None,
            cells,
        ),
        Chart(
            "compassion",
            _("Self-compassion and resistance"),
            readings.compassion(summary, points, until),
            framed_json(figures.compassion_figure(points, frame)),
            [_("When"), _("Self-compassion"), _("Resistance")],
            columns(attrgetter("self_compassion"), attrgetter("resistance")),
            summary.self_compassion is None and summary.resistance is None,
            cells,
        ),
        Chart(
            "exercises",
            _("Exercises"),
            readings.exercises(summary),
            figure_json(exercises, zone),
            exercise_headers,
            _columns_of(_exercise_rows(summary), len(exercise_headers)),
            not summary.adherence and not summary.exercise_effect,
            cells,
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


def _columns_of(rows: list[list], width: int) -> list[list]:
    """Rows of a table as its columns; ``width`` columns when there are no rows."""
    return [list(column) for column in zip(*rows, strict=True)] or [[] for _ in range(width)]


DISCUSSED_DAY = "D j M"


def to_discuss(client: Client, window: windows.ReportWindow, frame: Frame) -> list[Discussed]:
    """The window's check-ins to talk about, and its safety answers, the newest first,
    dated in the frame's zone."""
    found = []
    # A safety answer's words always reach the therapist, asked to talk about or not.
    for occurred_at, note, distress, safety_concern in (
        client.check_ins.filter(
            Q(wants_to_discuss=True) | Q(safety_concern=True),
            occurred_at__gte=window.since,
            occurred_at__lte=window.until,
        )
        .order_by("-occurred_at")
        .values_list("occurred_at", "note", "distress", "safety_concern")
    ):
        day = day_words(frame, frame.day_of(occurred_at), DISCUSSED_DAY)
        found.append(Discussed(occurred_at, note, distress, safety_concern, day))
    return found


def discuss_html(items: list[Discussed]) -> SafeString:
    """The check-ins to talk about, and the safety answers, as the report lists them: each
    a quote of the client's note above its day, distress and whether it was a safety
    answer. Built here rather than in a template loop, as the tables are: a year can hold
    dozens, and a template loop costs tens of microseconds an item."""
    no_note = escape(_("(no note)"))
    distress = _("distress %(d)s/10")
    safety = f' · <strong class="danger">{escape(_("safety answer: yes"))}</strong>'
    quotes = []
    for item in items:
        footer = escape(item.day)
        if item.distress is not None:
            footer += " · " + distress % {"d": item.distress}
        if item.safety_concern:
            footer += safety
        note = escape(item.note) if item.note else no_note
        quotes.append(f"<blockquote><p>{note}</p><footer>{footer}</footer></blockquote>")
    return mark_safe("\n".join(quotes))  # noqa: S308 - the note and the day are escaped


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
    # Every chart spans the window's days, so that their dates line up down the page; the
    # page's frame converts and words each moment once, for every chart, table and list.
    frame = Frame(data.first_day, data.last_day, zone).for_page()
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
            frame=frame,
        ),
        discuss=to_discuss(client, window, frame),
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
