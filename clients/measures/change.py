"""Change over an episode of care, by the NHS Talking Therapies conventions (MEASURES.md).

Pure functions on plain numbers, like ``reports.metrics``: baseline is the first score
of the episode, latest the most recent. Reliable change is a fixed number of points per
instrument; recovery applies only to a client who was a case at baseline, and is "not
applicable" (None) otherwise, counted apart, never as a failure.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Criteria:
    """An instrument's cut-offs as a clinic uses them."""

    caseness: int | None  # a case at or above; None when the instrument has none
    reliable_change: int | None  # points; None when none is published


@dataclass(frozen=True)
class Change:
    baseline: int
    latest: int
    change: int  # latest - baseline: negative is fewer symptoms
    reliable_improvement: bool | None
    reliable_deterioration: bool | None
    recovery: bool | None  # None: not applicable (not a case at baseline, or no cut-off)
    reliable_recovery: bool | None

    @property
    def outcome(self) -> str:
        """One word for the change, in order of what a clinician must see first."""
        if self.reliable_deterioration:
            return "reliable_deterioration"
        if self.reliable_recovery:
            return "reliable_recovery"
        if self.recovery:
            return "recovery"
        if self.reliable_improvement:
            return "reliable_improvement"
        if self.reliable_improvement is None:
            return "not_applicable"
        return "no_reliable_change"


def change_between(baseline: int, latest: int, criteria: Criteria) -> Change:
    """Compare two scores of one instrument."""
    points = criteria.reliable_change
    improved = None if points is None else baseline - latest >= points
    worse = None if points is None else latest - baseline >= points
    recovery = None
    if criteria.caseness is not None and baseline >= criteria.caseness:
        recovery = latest < criteria.caseness
    reliable_recovery = None if recovery is None or improved is None else recovery and improved
    return Change(
        baseline=baseline,
        latest=latest,
        change=latest - baseline,
        reliable_improvement=improved,
        reliable_deterioration=worse,
        recovery=recovery,
        reliable_recovery=reliable_recovery,
    )


def paired(change: Change, other: Change | None) -> Change:
    """PHQ-9 with GAD-7: an improvement on one while the other reliably deteriorates is
    not an improvement (the manual's convention, a clinic setting)."""
    if other is None or not other.reliable_deterioration:
        return change
    return Change(
        baseline=change.baseline,
        latest=change.latest,
        change=change.change,
        reliable_improvement=False if change.reliable_improvement is not None else None,
        reliable_deterioration=change.reliable_deterioration,
        recovery=change.recovery,  # caseness alone: the other measure does not move it
        reliable_recovery=False if change.reliable_recovery is not None else None,
    )
