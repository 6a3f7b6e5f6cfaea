"""EMDR in a weekly summary: targets resolved that week and the client's TICES log entries,
with the highest disturbance logged.

The summary's digest is read on the pages, where the week's distress is said too, so it
says the highest disturbance; the therapist's digest e-mail carries counts only, added up
across their clients (``email_sentence``), never a disturbance.

A target counts as resolved in a week when its last status change of that week made it
resolved: resolved and opened again the same week is not counted. Both reads are the
chunk's (``summary_batch``): the status changes and log entries of all its clients in
two queries.
"""

from collections.abc import Iterable
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.emdr.models import Target

NONE = {"targets_resolved": 0, "log_entries": 0, "log_highest": None}


def week_counts(
    *,
    changes: Iterable[tuple[int, datetime, str]],
    entries: Iterable[tuple[datetime, int]],
    start: datetime,
    end: datetime,
) -> dict:
    """The week [start, end)'s counts from one client's status changes (target id, when,
    status) and log entries (when, disturbance); anything outside the week is ignored, so
    building the week again gives the same counts."""
    last_status: dict[int, tuple[datetime, str]] = {}
    for target_id, at, status in changes:
        if start <= at < end and (target_id not in last_status or at >= last_status[target_id][0]):
            last_status[target_id] = (at, status)
    week = [disturbance for at, disturbance in entries if start <= at < end]
    return {
        "targets_resolved": sum(
            1 for _at, status in last_status.values() if status == Target.Status.RESOLVED
        ),
        "log_entries": len(week),
        "log_highest": max(week, default=None),
    }


def sentence(counts: dict | None) -> str:
    """ "1 EMDR target resolved; 3 TICES log entries, the highest disturbance 8/10."
    ("" for a week without either)."""
    counts = counts or NONE
    resolved = counts.get("targets_resolved") or 0
    logged = counts.get("log_entries") or 0
    parts = []
    if resolved:
        parts.append(
            ngettext("%(count)d EMDR target resolved", "%(count)d EMDR targets resolved", resolved)
            % {"count": resolved}
        )
    if logged and counts.get("log_highest") is not None:
        parts.append(
            ngettext(
                "%(count)d TICES log entry, disturbance %(highest)d/10",
                "%(count)d TICES log entries, the highest disturbance %(highest)d/10",
                logged,
            )
            % {"count": logged, "highest": counts["log_highest"]}
        )
    return "; ".join(parts) + "." if parts else ""


def add_up(rows: Iterable[dict]) -> dict:
    """The counts of several summaries (a therapist's week), without the disturbance;
    older rows without EMDR counts count as none."""
    rows = list(rows)
    return {
        key: sum(row.get(key) or 0 for row in rows) for key in ("targets_resolved", "log_entries")
    }


def email_sentence(figures: Iterable[dict]) -> str:
    """For the digest e-mail, from the summaries' stored figures: counts across the
    therapist's clients, never a disturbance ("" when there is nothing to count)."""
    counts = add_up((row or {}).get("emdr") or {} for row in figures)
    resolved, logged = counts["targets_resolved"], counts["log_entries"]
    parts = []
    if resolved:
        parts.append(
            ngettext("%(count)d target resolved", "%(count)d targets resolved", resolved)
            % {"count": resolved}
        )
    if logged:
        parts.append(
            ngettext("%(count)d TICES log entry", "%(count)d TICES log entries", logged)
            % {"count": logged}
        )
    if not parts:
        return ""
    return _("EMDR across your clients: %(counts)s.") % {"counts": "; ".join(parts)}
