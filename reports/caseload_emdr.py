"""What EMDR adds to the caseload: the last session's processing ended incomplete, and a
TICES log entry at or above the clinic's calming level since the last session.

High is the clinic's own level (``EmdrSettings.calming_at``, 7 by default): the level
from which the client was shown their calming exercises at once, so the therapist hears
of the same moments the client was helped through. One query for every client together:
the clients' last held session, its closures, their clinic's level and their hardest log
entry since are subqueries of it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.emdr import progress
from clients.emdr.models import CALMING_AT_DEFAULT, EmdrSettings, ProcessingRecord, TicesEntry
from clients.models import Client
from clinic.models import Session

Closure = ProcessingRecord.Closure
# Without a held session, the log is read over the caseload's own four weeks.
WITHOUT_SESSION = timedelta(days=28)


@dataclass(frozen=True)
class EmdrSignals:
    last_session_at: datetime | None = None
    closure: str | None = None  # the last held session's (progress.session_closure)
    level: int = CALMING_AT_DEFAULT
    hard_count: int = 0  # log entries at or above ``level`` since the last session
    hardest: int | None = None  # the highest of them
    hardest_at: datetime | None = None

    @property
    def incomplete(self) -> bool:
        return self.closure == Closure.INCOMPLETE


def emdr_signals(clients: list[Client], *, now: datetime) -> dict[int, EmdrSignals]:
    """Per client id: what the EMDR records say (see the module's docstring)."""
    if not clients:
        return {}
    held = Session.objects.filter(
        client=OuterRef("pk"), status=Session.Status.COMPLETED, starts_at__lte=now
    ).order_by("-starts_at", "-id")
    in_last = ProcessingRecord.objects.filter(session_id=OuterRef("emdr_last_id"))
    level = EmdrSettings.objects.filter(clinic_id=OuterRef("clinic_id")).values("calming_at")[:1]
    hard = TicesEntry.objects.filter(
        client_id=OuterRef("pk"),
        occurred_at__gte=OuterRef("emdr_since"),
        occurred_at__lte=now,
        disturbance__gte=OuterRef("emdr_level"),
    )
    counted = hard.order_by().values("client_id").annotate(n=Count("pk")).values("n")
    hardest = hard.order_by("-disturbance", "-occurred_at")
    rows = (
        Client.objects.filter(pk__in=[client.pk for client in clients])
        .annotate(
            emdr_last_id=Subquery(held.values("pk")[:1]),
            emdr_last_at=Subquery(held.values("starts_at")[:1]),
            emdr_since=Coalesce("emdr_last_at", Value(now - WITHOUT_SESSION)),
            emdr_level=Coalesce(
                Subquery(level), Value(CALMING_AT_DEFAULT), output_field=IntegerField()
            ),
            **{
                f"emdr_{closure}": Exists(in_last.filter(closure=closure))
                for closure in Closure.values
            },
            emdr_hard=Coalesce(Subquery(counted), Value(0)),
            emdr_hardest=Subquery(hardest.values("disturbance")[:1]),
            emdr_hardest_at=Subquery(hardest.values("occurred_at")[:1]),
        )
        .values(
            "pk",
            "emdr_last_at",
            "emdr_level",
            "emdr_hard",
            "emdr_hardest",
            "emdr_hardest_at",
            *(f"emdr_{closure}" for closure in Closure.values),
        )
    )
    return {
        row["pk"]: EmdrSignals(
            last_session_at=row["emdr_last_at"],
            closure=progress.session_closure(
                closure for closure in Closure.values if row[f"emdr_{closure}"]
            ),
            level=row["emdr_level"],
            hard_count=row["emdr_hard"],
            hardest=row["emdr_hardest"],
            hardest_at=row["emdr_hardest_at"],
        )
        for row in rows
    }


def _day(moment: datetime, zone: ZoneInfo) -> str:
    return date_format(moment.astimezone(zone), "j M")


def reasons(signals: EmdrSignals | None, *, zone: ZoneInfo) -> dict[str, list[str]]:
    """The reasons in words, by kind: "hard_moment", "incomplete"."""
    found: dict[str, list[str]] = {"hard_moment": [], "incomplete": []}
    if signals is None:
        return found
    if signals.hard_count:
        facts = {
            "count": signals.hard_count,
            "level": signals.level,
            "value": signals.hardest,
            "day": _day(signals.hardest_at, zone),
        }
        if signals.last_session_at is None:
            text = ngettext(
                "%(count)s TICES entry in the last 4 weeks with disturbance at or above the "
                "clinic's calming level (%(level)s/10), at %(value)s/10 (%(day)s)",
                "%(count)s TICES entries in the last 4 weeks with disturbance at or above the "
                "clinic's calming level (%(level)s/10), up to %(value)s/10 (%(day)s)",
                signals.hard_count,
            )
        else:
            text = ngettext(
                "%(count)s TICES entry since the last session with disturbance at or above "
                "the clinic's calming level (%(level)s/10), at %(value)s/10 (%(day)s)",
                "%(count)s TICES entries since the last session with disturbance at or above "
                "the clinic's calming level (%(level)s/10), up to %(value)s/10 (%(day)s)",
                signals.hard_count,
            )
        found["hard_moment"].append(text % facts)
    if signals.incomplete:
        found["incomplete"].append(
            _("last session's EMDR processing ended incomplete (%(day)s)")
            % {"day": _day(signals.last_session_at, zone)}
        )
    return found
