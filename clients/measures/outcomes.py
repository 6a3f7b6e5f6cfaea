"""Clinic outcomes: per instrument, how many clients changed and how, over a chosen period.

The figures are built by the rules of ``change`` (``change_between`` and ``paired``), never
re-stated here. Change is judged within the chosen period: a client's baseline is their
first score in the period, their latest their last score in it, and a score from before
the client's treatment began (a back-dated paper form) is not counted, as the progress
report leaves it out of the episode. One query reads the scores of the requester's scope
and period; everything after it is pure (``client_changes``, ``outcomes_of``), so the cost
in queries does not grow with clients.

Aggregates only: no client is named. Every count is shown with its n, however small:
hiding small cells would protect nobody, since a therapist's cell is the clinic's total
less the others', and the clinic's admins can read every answer in the admin.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, DateField, F, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic.models import Therapist, User

from . import policies
from .change import Change, Criteria
from .instruments import INSTRUMENTS
from .instruments.definition import Instrument
from .models import MeasureResponse
from .selectors import paired_changes, responses_for

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)

# What each share counts, in the order the page, the CSV and the API give them.
SHARES = ("reliable_improvement", "recovery", "reliable_recovery", "reliable_deterioration")
SHARE_NAMES = {
    "reliable_improvement": gettext_lazy("Reliable improvement"),
    "recovery": gettext_lazy("Recovery"),
    "reliable_recovery": gettext_lazy("Reliable recovery"),
    "reliable_deterioration": gettext_lazy("Reliable deterioration"),
}


# --- The period ----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """From midnight of the first day to midnight after the last, in the clinic's zone."""
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )


def twelve_months_to(end: date) -> Period:
    """The twelve months that end on ``end``: 2 Dec 2025 to 1 Dec 2026."""
    try:
        year_before = end.replace(year=end.year - 1)
    except ValueError:  # 29 February
        year_before = end.replace(year=end.year - 1, day=28)
    return Period(year_before + timedelta(days=1), end)


UNREADABLE = {
    "start": gettext_lazy(
        "The start date could not be read: give it as year-month-day, e.g. 2026-01-31."
    ),
    "end": gettext_lazy(
        "The end date could not be read: give it as year-month-day, e.g. 2026-12-31."
    ),
}
EMPTY = {
    "start": gettext_lazy("The start date is empty: give a date or leave the parameter out."),
    "end": gettext_lazy("The end date is empty: give a date or leave the parameter out."),
}
REPEATED = {
    "start": gettext_lazy("Give one start date, not several."),
    "end": gettext_lazy("Give one end date, not several."),
}


def period_from(params: Mapping, *, today: date, empty_is_default: bool = True) -> Period:
    """The period a request asks for (``start`` and ``end``, year-month-day, both included);
    the twelve months to today when it names none. A ValidationError names each bad field.

    A page's form sends an empty field for "no date"; the API refuses one, as it refuses
    any empty filter, so that a typo is not silently read as the default."""
    errors: dict[str, list[str]] = {}
    days: dict[str, date | None] = {}
    for field in ("start", "end"):
        values = params.getlist(field) if hasattr(params, "getlist") else [params.get(field)]
        values = [value for value in values if value is not None]
        days[field] = None
        if len(values) > 1:
            errors[field] = [str(REPEATED[field])]
            continue
        text = values[0].strip() if values else ""
        if not text:
            if values and not empty_is_default:
                errors[field] = [str(EMPTY[field])]
            continue
        try:
            day = date.fromisoformat(text) if len(text) <= 10 else None
        except ValueError:
            day = None
        if day is None:
            errors[field] = [str(UNREADABLE[field])]
        elif not EARLIEST <= day <= LATEST:
            errors[field] = [
                _("Give a date from %(earliest)s to %(latest)s.")
                % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}
            ]
        else:
            days[field] = day
    if errors:
        raise ValidationError(errors)
    start, end = days["start"], days["end"]
    if start is not None and end is None and start > today:
        raise ValidationError({"start": [_("The start date is after today: give an end date.")]})
    end = end or today
    start = start or twelve_months_to(end).start
    if start > end:
        raise ValidationError({"end": [_("The end date is before the start date.")]})
    return Period(start, end)


def clinic_today(user: User) -> date:
    """Today in the user's clinic, where the period's days begin and end."""
    return datetime.now(ZoneInfo(user.clinic.time_zone)).date()


# --- The figures (pure) ----------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """``met`` of ``n`` clients."""

    met: int
    n: int

    @property
    def percent(self) -> int | None:
        """A whole percent, halves rounded up (1 of 8 is 13%, as a reader rounds); None
        over no clients."""
        return (200 * self.met + self.n) // (2 * self.n) if self.n else None


@dataclass(frozen=True)
class ShareLine:
    key: str
    name: str
    share: Share | None  # None: no published criterion
    n: int  # the denominator; with no criterion, the clients with two scores
    rule: str


@dataclass(frozen=True)
class Outcome:
    """One charted number of one instrument (a total, or an ITQ sub-scale) over a scope."""

    instrument: Instrument
    charted: str  # "total" or a sub-scale code
    criteria: Criteria
    paired_with: Instrument | None  # read beside this instrument (PHQ-9 with GAD-7)
    clients: int  # with at least two scores in the period
    # None: the instrument has no published criterion for it (ITQ), never "none met".
    reliable_improvement: Share | None
    recovery: Share | None
    reliable_recovery: Share | None
    reliable_deterioration: Share | None

    @property
    def label(self) -> str:
        if self.charted == "total":
            return self.instrument.name
        scale = next(s.label for s in self.instrument.subscales if s.code == self.charted)
        return _("%(instrument)s, %(scale)s") % {"instrument": self.instrument.name, "scale": scale}

    @property
    def not_a_case_at_baseline(self) -> int | None:
        """Clients counted apart from recovery: below the cut-off at their first score."""
        return None if self.recovery is None else self.clients - self.recovery.n

    def share(self, key: str) -> Share | None:
        return getattr(self, key)

    @property
    def lines(self) -> list["ShareLine"]:
        """Each share with its name, its denominator and its rule, in the order shown."""
        lines = []
        for key in SHARES:
            share = self.share(key)
            n = self.clients if share is None else share.n
            lines.append(ShareLine(key, str(SHARE_NAMES[key]), share, n, self.rule(key)))
        return lines

    def rule(self, key: str) -> str:
        """What the share counts, in words, with the clinic's cut-offs."""
        points, cutoff = self.criteria.reliable_change, self.criteria.caseness
        if self.share(key) is None:
            return _("No published criterion for this measure.")
        if key == "reliable_improvement":
            return _(
                "A fall of %(points)d points or more from the first score in the period "
                "to the last."
            ) % {"points": points}
        if key == "reliable_deterioration":
            return _(
                "A rise of %(points)d points or more from the first score in the period "
                "to the last."
            ) % {"points": points}
        if key == "recovery":
            return _(
                "A case at %(cutoff)d or more at the first score and below %(cutoff)d at "
                "the last; only over clients who were a case at the first."
            ) % {"cutoff": cutoff}
        return _(
            "Recovery and reliable improvement both (a case at %(cutoff)d or more, then "
            "below %(cutoff)d, by a fall of %(points)d points or more)."
        ) % {"cutoff": cutoff, "points": points}


class ScoreRow(NamedTuple):
    """One stored score as the figures read it (``score_rows`` gives plain tuples that
    begin in this order, the cheapest shape to read eight thousand of; what follows the
    fifth is its own)."""

    client_id: int
    therapist_id: int | None  # the client's therapist now
    instrument: str
    total: int | None
    scales: dict | None  # the sub-scales, only of an instrument charted by them


def client_changes(
    rows: Iterable[ScoreRow], policy: Mapping[str, policies.Policy]
) -> dict[tuple[str, str], Change]:
    """One client's change per (instrument, charted number) from their rows, oldest first,
    with the PHQ-9/GAD-7 pairing applied. A number with fewer than two scores has no
    change and no key. Only each number's first and last score are kept as the rows
    stream past (the progress report keeps every point, for its chart); from there the
    change and the pairing are the progress report's own (``paired_changes``)."""
    first: dict[tuple[str, str], int] = {}
    last: dict[tuple[str, str], int] = {}
    for row in rows:  # a ScoreRow, or a longer tuple that begins as one
        code, total, scales = row[2], row[3], row[4]
        for charted in INSTRUMENTS[code].charted:
            value = total if charted == "total" else (scales or {}).get(charted)
            if value is None:
                continue
            key = code, charted
            if key in first:
                last[key] = value
            else:
                first[key] = value
    return paired_changes({key: (first[key], latest) for key, latest in last.items()}, policy)


def _share(changes: list[Change], key: str) -> Share:
    applicable = [getattr(change, key) for change in changes]
    applicable = [each for each in applicable if each is not None]
    return Share(met=sum(applicable), n=len(applicable))


def outcomes_of(
    per_client: Iterable[dict[tuple[str, str], Change]], policy: Mapping[str, policies.Policy]
) -> list[Outcome]:
    """The figures of every instrument in ``policy`` (those the clinic has on), in the
    product's order, from each client's changes (``client_changes``)."""
    by_key: dict[tuple[str, str], list[Change]] = defaultdict(list)
    for changes in per_client:
        for key, change in changes.items():
            by_key[key].append(change)
    outcomes = []
    for code, each in policy.items():
        definition = each.instrument
        criteria = each.criteria
        has_points = criteria.reliable_change is not None
        has_cutoff = criteria.caseness is not None
        pair = INSTRUMENTS.get(definition.paired_with) if each.paired else None
        for charted in definition.charted:
            changes = by_key.get((code, charted), [])
            outcomes.append(
                Outcome(
                    instrument=definition,
                    charted=charted,
                    criteria=criteria,
                    paired_with=pair if pair and pair.code in policy else None,
                    clients=len(changes),
                    reliable_improvement=(
                        _share(changes, "reliable_improvement") if has_points else None
                    ),
                    recovery=_share(changes, "recovery") if has_cutoff else None,
                    reliable_recovery=(
                        _share(changes, "reliable_recovery") if has_points and has_cutoff else None
                    ),
                    reliable_deterioration=(
                        _share(changes, "reliable_deterioration") if has_points else None
                    ),
                )
            )
    return outcomes


# --- Who sees what, and the one read -------------------------------------------------


@dataclass(frozen=True)
class TherapistOutcomes:
    therapist_id: int
    name: str
    outcomes: list[Outcome]


@dataclass(frozen=True)
class Report:
    period: Period
    whole_clinic: bool  # a clinic admin's view; a therapist sees their own caseload
    outcomes: list[Outcome]
    by_therapist: list[TherapistOutcomes]  # the clinic admin's only


def may_see_outcomes(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_clinic_admin or (user.role == User.Role.THERAPIST and hasattr(user, "therapist"))


def score_rows(
    scope: QuerySet[MeasureResponse], policy, first: datetime, after_last: datetime
) -> Iterator[ScoreRow]:
    """The scores the figures need, in one query, ordered by client, instrument and time,
    without those from before the client's treatment began. The times order the rows but
    are mostly not read, and sub-scales are read only for an instrument charted by them:
    at a thousand clients, turning eight thousand values into datetimes and dicts cost
    more than all the figures."""
    by_scales = [code for code in policy if INSTRUMENTS[code].charted != ("total",)]
    # As text, decoded below where present: a JSON field's converter would run on every row.
    scales = (
        Case(
            When(instrument__in=by_scales, then=Cast("subscales", TextField())),
            output_field=TextField(),
        )
        if by_scales
        else Value(None, output_field=TextField())
    )
    # The episode begins at midnight of the client's first day in their own zone, as on
    # the progress report: from 10:00 UTC the day before (UTC+14) to 12:00 UTC that day
    # (UTC-12). A score on a later UTC day is in it whatever the zone; for one up to that
    # day (few: the first day's and any before it) SQL adds its time, the first day and
    # the zone as one text, and Python compares exactly (``before_treatment``). One text,
    # null on most rows, and the UTC day by a plain cast (the connection's zone is UTC):
    # a converter per row, or TruncDate's Python function per row on SQLite, cost up to a
    # third more at a thousand clients.
    near_start = Case(
        When(
            Q(utc_day__lte=F("client__started_on")),
            then=Concat(
                Cast("completed_at", TextField()),
                Value("|"),
                Cast("client__started_on", TextField()),
                Value("|"),
                "client__time_zone",
                output_field=TextField(),
            ),
        ),
        output_field=TextField(),
    )
    rows = (
        scope.filter(
            instrument__in=list(policy), completed_at__gte=first, completed_at__lt=after_last
        )
        .annotate(scales=scales, utc_day=Cast("completed_at", DateField()), near_start=near_start)
        .order_by("client_id", "instrument", "completed_at", "id")
        .values_list(
            "client_id",
            "client__primary_therapist_id",
            "instrument",
            "total",
            "scales",
            "near_start",
        )
    )
    for row in rows:
        if row[5] is not None and before_treatment(row[5]):
            continue
        yield row if row[4] is None else (*row[:4], json.loads(row[4]))


def before_treatment(near_start: str) -> bool:
    """Whether a score near the client's first day came before its midnight, from
    "completed_at|started_on|time_zone" (the time as the database writes it in UTC:
    "2026-03-09 12:30:00" by SQLite, "2026-03-09 12:30:00+00" by PostgreSQL)."""
    at, day, zone = near_start.split("|")
    completed_at = datetime.fromisoformat(at)
    if completed_at.tzinfo is None:
        completed_at = completed_at.replace(tzinfo=UTC)
    return completed_at < datetime.combine(date.fromisoformat(day), time.min, ZoneInfo(zone))


def outcomes_for(*, user: User, period: Period) -> Report:
    """The outcomes a clinic admin (their clinic, and per therapist) or a therapist (their
    own caseload) may see; anyone else is refused. A fixed number of queries."""
    if not may_see_outcomes(user):
        raise PermissionDenied
    whole_clinic = user.is_clinic_admin
    zone = ZoneInfo(user.clinic.time_zone)
    policy = policies.enabled_for(user.clinic_id)
    scope = (
        MeasureResponse.objects.filter(client__clinic_id=user.clinic_id)
        if whole_clinic
        else responses_for(user=user)
    )
    per_client = []  # (the client's therapist, their changes)
    rows = score_rows(scope, policy, *period.bounds(zone))
    for _client, client_rows in groupby(rows, key=itemgetter(0)):
        client_rows = list(client_rows)
        per_client.append((client_rows[0][1], client_changes(client_rows, policy)))
    by_therapist = []
    if whole_clinic:
        grouped = defaultdict(list)
        for therapist_id, changes in per_client:
            grouped[therapist_id].append(changes)
        therapists = Therapist.objects.filter(clinic_id=user.clinic_id).select_related("user")
        by_therapist = [
            TherapistOutcomes(t.pk, t.display_name, outcomes_of(grouped[t.pk], policy))
            for t in sorted(therapists, key=lambda t: t.display_name.casefold())
            if t.is_active or t.pk in grouped
        ]
    everyone = outcomes_of((changes for _therapist, changes in per_client), policy)
    return Report(period, whole_clinic, everyone, by_therapist)
