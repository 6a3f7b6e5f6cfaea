"""The EMDR section of the progress report: disturbance and VoC per target across
sessions, the client's TICES log per week, the targets, and the held sessions of the
report's window to record processing for.

Shown only when the client has targets: without any, the section costs one query (the
targets, found empty). With them, four whatever their number and the sessions': the
targets, every processing record of a held session with its session's start, the log's
dates and ratings in the weeks shown, and the window's held sessions. Nothing encrypted
is read.

Every count agrees: a target's sessions are its records of held sessions, in the list of
targets and in the readings ("over the 2 of its 3 sessions with a VoC"), and a chart's
table has a row for each session that rated the target on that chart.

What each chart spans, and why:
- SUD and VoC: the whole course of treatment, from the first session recorded. A target
  is worked over months; its first set-up is the baseline that every later session is
  read against, and a report window would cut it off.
- The TICES log: the report's window, in whole weeks, and at least the last 12 weeks.
  The bars are weekly, and the default window (since the last session) is about a week:
  a single bar would show no direction. Weeks are the client's own (their time zone),
  where the other charts' dates are the clinic's, as the sessions are booked.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from clients.emdr.models import ProcessingRecord, Target, TicesEntry
from clients.models import Client
from clinic.models import Session

from .chart_dates import Frame, hover_day, placed, week_of
from .figures import emdr as figures
from .figures import tices
from .pages import Chart, framed_json
from .readings import emdr as readings
from .windows import ReportWindow

TICES_AT_LEAST = timedelta(weeks=12)
# As many held sessions as the report's list of sessions shows.
SESSIONS_LISTED = 8


@dataclass
class TargetRow:
    id: int
    label: str
    status: str  # the status's words
    sequence: str
    sessions: int
    last_worked: str  # "Tue 3 Mar", "" when not worked yet


@dataclass
class HeldSession:
    id: int
    when: str  # "Tue 3 Mar, 10:00", in the clinic's zone
    worked: list[str]  # labels of the targets whose processing is recorded


@dataclass
class EmdrSection:
    charts: list[Chart]
    targets: list[TargetRow]
    sessions: list[HeldSession] = field(default_factory=list)
    can_record: bool = True  # not once treatment has ended


RECORD_FIELDS = (
    "target_id",
    "session_id",
    "session__starts_at",
    "sud_start",
    "sud_end",
    "voc_setup",
    "voc_installed",
    "reevaluation_sud",
)


def _lines(targets: list[Target], records: list[tuple]) -> dict[int, figures.TargetLine]:
    worked: dict[int, list[figures.Worked]] = {target.pk: [] for target in targets}
    for target_id, _session_id, starts_at, *ratings in records:
        sud_start, sud_end, voc_setup, voc_installed, reevaluation_sud = ratings
        worked[target_id].append(
            figures.Worked(
                starts_at, sud_start, sud_end, voc_setup, voc_installed, reevaluation_sud
            )
        )
    return {
        target.pk: figures.TargetLine(
            target.label, worked[target.pk], target.status, target.status_changed_at
        )
        for target in targets
    }


def _course_frame(client: Client, lines: list[figures.TargetLine], zone: ZoneInfo) -> Frame | None:
    """From the first session recorded to today (or the discharge), taking in any later
    resolution, in the clinic's zone; None before any."""
    moments = [w.at for line in lines for w in line.sessions]
    if not moments:
        return None
    moments += [line.resolved_at for line in lines if line.resolved_at is not None]
    days = [timezone.localtime(moment, zone).date() for moment in moments]
    end = client.discharged_on or timezone.localdate(timezone=zone)
    return Frame(min(days), max([end, *days]), zone).for_page()


def tices_frame(window: ReportWindow, zone: ZoneInfo) -> Frame:
    """The weeks of the log's chart, in the client's zone: the window's, from its first
    week's Monday, and at least the last 12 weeks to the window's end."""
    last = window.until.astimezone(zone).date()
    first = min(window.since.astimezone(zone).date(), last - TICES_AT_LEAST + timedelta(days=1))
    return Frame(week_of(first), last, zone).for_page()


def _per_session_table(
    lines: list[figures.TargetLine], frame: Frame, scale: figures.Scale
) -> list[list]:
    """The table's columns: one row per session and target with a rating on this chart,
    in the order of the sessions, then of the plan; a column per rating (in the order
    taken); the last column dates the resolution on the row the star is on."""
    rows = []
    for order, line in enumerate(lines):
        star = figures.resolved_point(line, scale.end)
        for worked in line.sessions:
            values = [get(worked) for get in scale.columns]
            if all(value is None for value in values):
                continue
            resolved = hover_day(frame, frame.day_of(line.resolved_at)) if worked is star else "—"
            rows.append((worked.at, order, line.label, values, resolved))
    rows.sort(key=lambda row: (row[0], row[1]))
    _x, when = placed(frame, [row[0] for row in rows])
    dash = "—"
    ratings = range(len(scale.columns))
    return [
        when,
        [row[2] for row in rows],
        *([dash if row[3][n] is None else row[3][n] for row in rows] for n in ratings),
        [row[4] for row in rows],
    ]


def _course_chart(
    key: str,
    title: str,
    headers: list[str],
    lines: list[figures.TargetLine],
    frame: Frame | None,
    reading: str,
    figure_of,
    scale: figures.Scale,
) -> Chart:
    if frame is None:
        return Chart(key, title, reading, "", headers, [[] for _ in headers], True)
    columns = _per_session_table(lines, frame, scale)
    return Chart(
        key, title, reading, framed_json(figure_of(lines, frame)), headers, columns, not columns[0]
    )


def _tices_chart(entries: list[tuple[datetime, int]], frame: Frame) -> Chart:
    counts = tices.tices_counts(entries, frame)
    bands = tices.band_names()
    mondays = list(counts)
    columns = [
        [hover_day(frame, monday) for monday in mondays],
        *([counts[monday][band] for monday in mondays] for band in range(len(bands))),
        [sum(counts[monday]) for monday in mondays],
    ]
    return Chart(
        "emdr-tices",
        _("The client's TICES log"),
        readings.tices_reading(counts, frame),
        framed_json(tices.tices_figure(entries, frame)),
        [_("Week of"), *bands, _("All entries")],
        columns,
        not any(sum(each) for each in counts.values()),
    )


def section(
    *, client: Client, window: ReportWindow, held: list[datetime] | None = None
) -> EmdrSection | None:
    """The EMDR section of ``client``'s progress report (the caller checked access), or
    None when the client has no targets. ``held`` are the starts of the client's held
    sessions, when the report has them (to tell a target left unworked)."""
    targets = list(
        client.emdr_targets.order_by("plan_order", "id").only(
            "id", "label", "status", "status_changed_at", "sequence", "plan_order", "client_id"
        )
    )
    if not targets:
        return None
    clinic_zone = ZoneInfo(client.clinic.time_zone)
    # Held sessions only: a record is kept with its session, and a session with records
    # cannot be un-held, but a chart of the work done draws none other.
    records = list(
        ProcessingRecord.objects.filter(
            target__client=client, session__status=Session.Status.COMPLETED
        )
        .order_by("session__starts_at", "target__plan_order", "id")
        .values_list(*RECORD_FIELDS)
    )
    by_target = _lines(targets, records)
    lines = [by_target[target.pk] for target in targets]
    frame = _course_frame(client, lines, clinic_zone)

    client_zone = ZoneInfo(client.time_zone)
    weeks = tices_frame(window, client_zone)
    entries = list(
        TicesEntry.objects.filter(
            client=client,
            occurred_at__gte=datetime.combine(weeks.first_day, time.min, tzinfo=client_zone),
            occurred_at__lt=datetime.combine(
                weeks.last_day + timedelta(days=1), time.min, tzinfo=client_zone
            ),
        ).values_list("occurred_at", "disturbance")
    )
    sessions = list(
        client.sessions.filter(
            status=Session.Status.COMPLETED,
            starts_at__gte=window.since,
            starts_at__lte=window.until,
        )
        .order_by("-starts_at")
        .values_list("id", "starts_at")[:SESSIONS_LISTED]
    )
    held = held if held is not None else []
    charts = [
        _course_chart(
            "emdr-sud",
            _("Disturbance per target (SUD)"),
            [
                _("When"),
                _("Target"),
                _("SUD at reevaluation"),
                _("SUD at the start"),
                _("SUD at the end"),
                _("Resolved"),
            ],
            lines,
            frame,
            readings.sud_reading(lines, frame, held),
            figures.sud_figure,
            figures.sud_scale(),
        ),
        _course_chart(
            "emdr-voc",
            _("Validity of the positive cognition per target (VoC)"),
            [
                _("When"),
                _("Target"),
                _("VoC at set-up"),
                _("VoC after installation"),
                _("Resolved"),
            ],
            lines,
            frame,
            readings.voc_reading(lines),
            figures.voc_figure,
            figures.voc_scale(),
        ),
        _tices_chart(entries, weeks),
    ]
    return EmdrSection(
        charts=charts,
        targets=_target_rows(targets, by_target, frame),
        sessions=_held_sessions(sessions, records, by_target, clinic_zone),
        can_record=client.status != Client.Status.DISCHARGED,
    )


def _target_rows(
    targets: list[Target], by_target: dict[int, figures.TargetLine], frame: Frame | None
) -> list[TargetRow]:
    rows = []
    for target in targets:
        worked = by_target[target.pk].sessions
        last = hover_day(frame, frame.day_of(worked[-1].at)) if worked and frame else ""
        rows.append(
            TargetRow(
                target.pk,
                target.label,
                target.get_status_display(),
                target.get_sequence_display(),
                len(worked),
                last,
            )
        )
    return rows


def _held_sessions(
    sessions: list[tuple[int, datetime]],
    records: list[tuple],
    by_target: dict[int, figures.TargetLine],
    zone: ZoneInfo,
) -> list[HeldSession]:
    worked: dict[int, list[str]] = {}
    for target_id, session_id, *_ratings in records:
        worked.setdefault(session_id, []).append(by_target[target_id].label)
    if not sessions:
        return []
    days = [timezone.localtime(starts_at, zone).date() for _id, starts_at in sessions]
    frame = Frame(min(days), max(days), zone)
    _x, when = placed(frame, [starts_at for _id, starts_at in sessions])
    return [
        HeldSession(session_id, words, worked.get(session_id, []))
        for (session_id, _at), words in zip(sessions, when, strict=True)
    ]
