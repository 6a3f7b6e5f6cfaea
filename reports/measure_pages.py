"""What the Measures section of the progress report and the response page show.

The section loads in a fixed number of queries, whatever the number of responses: the
episode's responses (with who entered them), the clinic's policies, held sessions,
schedules and what is due. Charts, readings and tables are built from that plain data.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from clients.measures import policies
from clients.measures import selectors as measure_selectors
from clients.measures.instruments import INSTRUMENTS
from clients.measures.instruments.definition import Instrument
from clients.measures.models import MeasureResponse, MeasureSchedule
from clients.measures.services import client_today
from clients.models import Client

from .chart_dates import Frame, hover_moment
from .figures.measures import measure_figure
from .measure_forms import ScheduleForm
from .pages import figure_json
from .readings.measures import measure_reading
from .selectors import held_sessions


@dataclass
class MeasureRow:
    when: str
    values: list
    response: MeasureResponse
    entered_by: str  # "" when the client answered it themself


@dataclass
class MeasureChart:
    instrument: Instrument
    reading: str
    figure_json: str
    headers: list[str]
    rows: list[MeasureRow]  # oldest first: the last row is the latest score

    @property
    def latest_row(self) -> MeasureRow:
        return self.rows[-1]


@dataclass
class ScheduleRow:
    schedule: MeasureSchedule
    instrument: Instrument
    in_use: bool
    stopped: bool  # nothing left to stop


@dataclass
class MeasureSection:
    charts: list[MeasureChart]
    schedules: list[ScheduleRow]
    due: list = field(default_factory=list)
    in_use: list[Instrument] = field(default_factory=list)
    schedule_form: ScheduleForm | None = None


def _frame(client: Client, responses: list[MeasureResponse], zone: ZoneInfo) -> Frame:
    """From the start of treatment to today (or the discharge), so that the charts of
    every instrument line up; widened to any score outside that."""
    days = [timezone.localtime(r.completed_at, zone).date() for r in responses]
    end = client.discharged_on or timezone.localdate(timezone=zone)
    first: date = min([client.started_on, *days])
    return Frame(first, max([end, first, *days]), zone)


def _table(
    instrument: Instrument, responses: list[MeasureResponse], frame: Frame
) -> tuple[list[str], list[MeasureRow]]:
    labels = {sub.code: str(sub.label) for sub in instrument.subscales}
    headers = [_("When")]
    headers += [_("Total") if c == "total" else labels.get(c, c) for c in instrument.charted]
    if instrument.bands:
        headers.append(_("Severity"))
    if instrument.diagnoses:
        headers.append(_("Provisional diagnosis"))
    headers.append(_("Entered by"))
    rows = []
    for response in responses:
        values = [
            response.total if c == "total" else response.subscales.get(c)
            for c in instrument.charted
        ]
        if instrument.bands:  # as scored then: a later definition never rewrites it
            values.append(instrument.band_label(response.band) or "—")
        if instrument.diagnoses:
            values.append(instrument.diagnosis_label(response.diagnosis) or "—")
        staff = ""
        if response.entered_by_id:
            name = response.entered_by.get_full_name() or response.entered_by.get_username()
            staff = _("%(name)s, from a paper form") % {"name": name}
        rows.append(MeasureRow(hover_moment(frame, response.completed_at), values, response, staff))
    return headers, rows


def measure_charts(
    client: Client, clinic: dict[str, policies.Policy], held: list[datetime] | None = None
) -> list[MeasureChart]:
    """One chart, reading and table per instrument the client has scores for this episode,
    judged by the clinic's cut-offs (``policies_for``); ``held`` sessions are marked
    (loaded here unless the caller has them)."""
    zone = ZoneInfo(client.clinic.time_zone)
    responses = list(measure_selectors.episode_responses(client).select_related("entered_by"))
    if not responses:
        return []
    series = measure_selectors.series_for(client, responses, policy=clinic)
    criteria = {code: policy.criteria for code, policy in clinic.items()}
    frame = _frame(client, responses, zone)
    held = held_sessions(client) if held is None else held
    sessions = [start for start in held if frame.first_day <= frame.day_of(start)]
    charts = []
    for code, instrument in INSTRUMENTS.items():
        mine = [r for r in responses if r.instrument == code]
        if not mine:
            continue
        lines = [each for each in series if each.instrument.code == code]
        from_paper = {r.completed_at for r in mine if r.entered_by_id}
        figure = measure_figure(instrument, lines, criteria[code], sessions, frame, from_paper)
        reading = measure_reading(
            instrument,
            lines,
            criteria[code],
            first_band=mine[0].band,
            latest_band=mine[-1].band,
            first_diagnosis=mine[0].diagnosis,
            latest_diagnosis=mine[-1].diagnosis,
        )
        headers, rows = _table(instrument, mine, frame)
        charts.append(MeasureChart(instrument, reading, figure_json(figure, zone), headers, rows))
    return charts


def schedule_rows(client: Client, in_use: set[str]) -> list[ScheduleRow]:
    """The client's schedules still running, each instrument once."""
    today = client_today(client)
    rows = []
    for schedule in client.measure_schedules.order_by("instrument"):
        if schedule.stopped_at is not None or (
            schedule.ends_on is not None and schedule.ends_on < today
        ):
            continue
        rows.append(
            ScheduleRow(
                schedule, INSTRUMENTS[schedule.instrument], schedule.instrument in in_use, False
            )
        )
    return rows


def measure_section(*, client: Client, held: list[datetime] | None = None) -> MeasureSection:
    """The Measures section of ``client``'s progress report (the caller checked access);
    ``held`` are the client's held sessions, when the report has them already."""
    clinic = policies.policies_for(client.clinic_id)
    in_use = [p.instrument for p in clinic.values() if p.enabled]
    discharged = client.status == Client.Status.DISCHARGED
    return MeasureSection(
        charts=measure_charts(client, clinic, held),
        schedules=schedule_rows(client, {each.code for each in in_use}),
        due=measure_selectors.due_for(client),
        in_use=in_use,
        schedule_form=None
        if discharged or not in_use
        else ScheduleForm(instruments=in_use, auto_id="id_measure_%s"),
    )
