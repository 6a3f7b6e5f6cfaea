"""The outcome measures in a weekly summary: counts only, never a score or an instrument,
so that the same words can travel in the therapist's digest e-mail.

"Completed" counts the responses of the week; a change counts an instrument answered that
week whose score, against the first of the episode, is a reliable improvement or a reliable
deterioration by the clinic's cut-offs (``series_for``, as the progress report reads it).
"""

from datetime import datetime

from django.utils.translation import ngettext

from clients.measures.models import MeasureResponse
from clients.measures.policies import Policy
from clients.measures.selectors import series_for
from clients.models import Client

NONE = {"completed": 0, "reliable_improvement": 0, "reliable_deterioration": 0}


def week_counts(
    *,
    client: Client,
    responses: list[MeasureResponse],
    start: datetime,
    policy: dict[str, Policy] | None,
) -> dict:
    """The week's counts from the client's episode responses up to the end of the week,
    oldest first (so that building the week again gives the same counts). ``policy``, the
    clinic's cut-offs, is needed only when something was answered since ``start``."""
    answered = {r.instrument for r in responses if r.completed_at >= start}
    if not answered:
        return dict(NONE)
    changes = [
        s.change for s in series_for(client, responses, policy) if s.instrument.code in answered
    ]
    return {
        "completed": sum(1 for r in responses if r.completed_at >= start),
        "reliable_improvement": sum(1 for c in changes if c and c.reliable_improvement),
        "reliable_deterioration": sum(1 for c in changes if c and c.reliable_deterioration),
    }


def add_up(rows: list[dict]) -> dict:
    """The counts of several summaries (a therapist's week); older rows without counts
    count as none."""
    return {key: sum(row.get(key) or 0 for row in rows) for key in NONE}


def measures_sentence(counts: dict | None) -> str:
    """ "2 measures completed; 1 reliable improvement." ("" when none was completed)."""
    counts = counts or NONE
    completed = counts.get("completed") or 0
    if not completed:
        return ""
    improved = counts.get("reliable_improvement") or 0
    worse = counts.get("reliable_deterioration") or 0
    parts = [
        ngettext("%(count)d measure completed", "%(count)d measures completed", completed)
        % {"count": completed}
    ]
    if improved:
        parts.append(
            ngettext("%(count)d reliable improvement", "%(count)d reliable improvements", improved)
            % {"count": improved}
        )
    if worse:
        parts.append(
            ngettext("%(count)d reliable deterioration", "%(count)d reliable deteriorations", worse)
            % {"count": worse}
        )
    return "; ".join(parts) + "."
