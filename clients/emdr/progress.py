"""Where a client's EMDR work stands: pure rules on plain data, no database.

Session prep, the caseload and the weekly summary read the same rules, so that a page
and a reason never disagree. Each rule is stated in its function's docstring; the
numbers it uses are the constants below.
"""

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .models import ProcessingRecord, Target

Closure = ProcessingRecord.Closure
Status = Target.Status

# A session that left one target incomplete is incomplete, whatever the others did; a
# contained one was closed on purpose and still needs a look; complete only when all were.
CLOSURE_ORDER = (Closure.INCOMPLETE, Closure.CONTAINED, Closure.COMPLETE)
# The phases that change a target (desensitisation, installation, body scan): after them
# the next session reevaluates. History, preparation, set-up or closure alone do not.
PROCESSING_PHASES = frozenset({4, 5, 6})
# A trigger logged this many times, touching no target, is a candidate target...
CANDIDATE_AT = 3
# ... counted since the last session, or over this many weeks when that is longer.
CANDIDATE_WEEKS = 4
# A resolved target reevaluated above this SUD since its resolution: disturbance came back.
REOPEN_ABOVE = 1


@dataclass(frozen=True)
class TargetFacts:
    id: int
    status: str
    status_since: datetime  # for a resolved target: when it was resolved


@dataclass(frozen=True)
class RecordFacts:
    """What a held session did with a target, as the rules need it."""

    target_id: int
    session_at: datetime
    phases: tuple[int, ...] = ()
    closure: str = Closure.COMPLETE
    reevaluation_sud: int | None = None
    sud_start: int | None = None
    sud_end: int | None = None
    voc_setup: int | None = None
    voc_installed: int | None = None

    @property
    def processed(self) -> bool:
        return bool(PROCESSING_PHASES.intersection(self.phases))


@dataclass(frozen=True)
class LogFacts:
    """A TICES log entry: the trigger as the client wrote it, when, the target it touches
    (None for none), its disturbance (0-10) and its id (None when not stored). ``by_words``
    is True when it touches ``target_id`` by its words only (see ``touching``)."""

    trigger: str
    occurred_at: datetime
    target_id: int | None = None
    disturbance: int = 0
    id: int | None = None
    by_words: bool = False


def session_closure(closures: Iterable[str]) -> str | None:
    """How a session closed, from the closure of each target worked in it: incomplete
    if any was, else contained if any was, else complete; None when nothing was recorded."""
    found = set(closures)
    return next((closure for closure in CLOSURE_ORDER if closure in found), None)


@dataclass(frozen=True)
class Readings:
    """A target's latest numbers and how many sessions worked it."""

    sud: int | None
    voc: int | None
    sessions: int
    last_at: datetime | None


def readings(records: Sequence[RecordFacts]) -> Readings:
    """The last SUD and VoC measured on a target (the end of a session when recorded,
    else its start), and the number of sessions with a record of it."""
    sud = voc = last_at = None
    for record in sorted(records, key=lambda r: r.session_at):
        session_sud = record.sud_end if record.sud_end is not None else record.sud_start
        session_voc = record.voc_installed if record.voc_installed is not None else record.voc_setup
        sud = session_sud if session_sud is not None else sud
        voc = session_voc if session_voc is not None else voc
        last_at = record.session_at
    return Readings(sud, voc, len({r.session_at for r in records}), last_at)


@dataclass(frozen=True)
class Due:
    """A target to reevaluate at the next session, and why: "processed" (its latest
    processing is not reevaluated yet) or "resolved" (its first session since)."""

    target_id: int
    why: str
    since: datetime  # the session that processed it, or the moment it was resolved


PROCESSED = "processed"
RESOLVED = "resolved"


def reevaluation_due(
    targets: Sequence[TargetFacts],
    records: Sequence[RecordFacts],
    *,
    held: Sequence[datetime],
) -> list[Due]:
    """The targets to reevaluate at the start of the next session, in the order given.

    - A planned or in-progress target whose latest processing (a record with phase 4, 5
      or 6) has no record of the same target in a later session with a reevaluation SUD.
      The targets worked in the last held session are always among them; one processed
      earlier whose reevaluation was skipped stays due until a SUD at reevaluation is
      recorded, since its last work has not been checked.
    - A resolved target while no session has been held since it was resolved: the next
      session is its first after the resolution, where its SUD is checked to stay at 0
      (or 1). Once a session has been held since, the chance has passed; the target
      stays resolved and is not raised again.
    Set-aside targets are never due. ``held`` are the starts of the held sessions up to now.
    """
    by_target: dict[int, list[RecordFacts]] = {}
    for record in records:
        by_target.setdefault(record.target_id, []).append(record)
    found = []
    for target in targets:
        mine = by_target.get(target.id, [])
        if target.status in (Status.PLANNED, Status.IN_PROGRESS):
            processed = [r.session_at for r in mine if r.processed]
            if not processed:
                continue
            last = max(processed)
            checked = any(r.session_at > last and r.reevaluation_sud is not None for r in mine)
            if not checked:
                found.append(Due(target.id, PROCESSED, last))
        elif target.status == Status.RESOLVED and not any(
            start > target.status_since for start in held
        ):
            found.append(Due(target.id, RESOLVED, target.status_since))
    return found


def normalised(text: str) -> str:
    """A trigger as the rules compare it: casefolded, punctuation removed, whitespace
    collapsed ("His car, outside!" and "his car  outside" are the same trigger)."""
    kept = "".join(ch for ch in text.casefold() if not unicodedata.category(ch).startswith("P"))
    return " ".join(kept.split())


def touching(entries: Sequence[LogFacts]) -> list[LogFacts]:
    """The entries with the target each touches as the rules read it, in the order given.

    An entry linked to no target whose ``normalised`` trigger is that of an entry linked
    to a target touches that target too, by its words (``by_words``): a trigger set up as
    a target stays covered when the client cannot link new entries to it (its label hidden
    from them). When entries linked to several targets have the words, the target of the
    latest of them (when it happened, then its id) wins. Entries linked by the client or
    the therapist keep their target; nothing is written."""
    linked: dict[str, LogFacts] = {}
    for entry in entries:
        key = normalised(entry.trigger)
        if entry.target_id is None or not key:
            continue
        kept = linked.get(key)
        if kept is None or (entry.occurred_at, entry.id or 0) > (kept.occurred_at, kept.id or 0):
            linked[key] = entry
    found = []
    for entry in entries:
        match = linked.get(normalised(entry.trigger)) if entry.target_id is None else None
        found.append(
            entry if match is None else replace(entry, target_id=match.target_id, by_words=True)
        )
    return found


@dataclass(frozen=True)
class Candidate:
    """A trigger logged again and again that no target covers: a candidate target."""

    words: str  # as the client wrote it the last time
    count: int  # times logged in the stretch named by ``since_last_session``
    since_last_session: bool  # True: since the last session; False: in CANDIDATE_WEEKS
    latest_at: datetime
    latest_id: int | None = None  # the latest entry's, to set the target up from


def candidate_targets(
    entries: Iterable[LogFacts],
    *,
    last_session_at: datetime | None,
    now: datetime,
    at_least: int = CANDIDATE_AT,
    weeks: int = CANDIDATE_WEEKS,
) -> list[Candidate]:
    """Triggers logged ``at_least`` times, among the entries that touch no target (not even
    by their words: see ``touching``), matched by their ``normalised`` text, either since
    the last session or in the last ``weeks`` weeks (whichever stretch is longer counts;
    the shorter one is named when it alone reaches the count). The most logged first, then
    the most recent. Each names the latest entry of its trigger (its words and id). A
    trigger already set up as a target is thus never a candidate again."""
    recent_from = now - timedelta(weeks=weeks)
    groups: dict[str, list[LogFacts]] = {}
    for entry in touching(list(entries)):
        key = normalised(entry.trigger)
        if entry.target_id is None and key and entry.occurred_at <= now:
            groups.setdefault(key, []).append(entry)
    found = []
    for group in groups.values():
        latest = max(group, key=lambda e: (e.occurred_at, e.id or 0))
        since_last = (
            sum(1 for e in group if e.occurred_at >= last_session_at)
            if last_session_at is not None
            else 0
        )
        recent = sum(1 for e in group if e.occurred_at >= recent_from)
        if since_last >= at_least:
            found.append(
                Candidate(latest.trigger.strip(), since_last, True, latest.occurred_at, latest.id)
            )
        elif recent >= at_least:
            found.append(
                Candidate(latest.trigger.strip(), recent, False, latest.occurred_at, latest.id)
            )
    found.sort(key=lambda c: (-c.count, -c.latest_at.timestamp()))
    return found


@dataclass(frozen=True)
class Stirred:
    """A resolved target the client's log touched again at or above the calming level:
    the hardest such entry since the last session."""

    target_id: int
    disturbance: int
    occurred_at: datetime


def resolved_stirred(
    targets: Sequence[TargetFacts],
    entries: Iterable[LogFacts],
    *,
    last_session_at: datetime | None,
    level: int,
) -> list[Stirred]:
    """The resolved targets to reevaluate because the client logged, since the last
    session (every entry given when there is none), an entry touching the target with
    disturbance at or above ``level`` (the clinic's calming level), after the target was
    resolved. One per target, with its hardest such entry (the latest of equals), in the
    order the targets are given. Planned, in-progress and set-aside targets are not
    raised: the first two are still worked, the last is not worked on purpose."""
    resolved = {t.id: t.status_since for t in targets if t.status == Status.RESOLVED}
    hardest: dict[int, LogFacts] = {}
    for entry in entries:
        since = resolved.get(entry.target_id)  # None: touching no resolved target
        if (
            since is None
            or entry.disturbance < level
            or entry.occurred_at <= since
            or (last_session_at is not None and entry.occurred_at < last_session_at)
        ):
            continue
        kept = hardest.get(entry.target_id)
        if kept is None or (entry.disturbance, entry.occurred_at) > (
            kept.disturbance,
            kept.occurred_at,
        ):
            hardest[entry.target_id] = entry
    return [
        Stirred(t.id, hardest[t.id].disturbance, hardest[t.id].occurred_at)
        for t in targets
        if t.id in hardest
    ]


@dataclass(frozen=True)
class Returned:
    """A resolved target whose disturbance came back at a reevaluation since: to reopen?"""

    target_id: int
    sud: int  # at the latest reevaluation since the resolution
    reevaluated_at: datetime  # the start of that session
    resolved_at: datetime


def disturbance_returned(
    targets: Sequence[TargetFacts],
    records: Sequence[RecordFacts],
    *,
    above: int = REOPEN_ABOVE,
) -> list[Returned]:
    """The resolved targets whose latest reevaluation since the resolution (a record of
    the target in a session that started after it was resolved, with a SUD at
    reevaluation) is above ``above`` (SUD 1): the disturbance came back, and the target
    may be reopened. In the order the targets are given.

    A reevaluation in a session that started before the resolution, the one it was
    resolved in included, does not count: it measured the work the resolution concluded.
    A later reevaluation at or below ``above`` settles it (the disturbance went down
    again). A target reopened since (planned or in progress again) or set aside is not
    raised; one resolved again counts from its new resolution."""
    found = []
    for target in targets:
        if target.status != Status.RESOLVED:
            continue
        since = [
            r
            for r in records
            if r.target_id == target.id
            and r.reevaluation_sud is not None
            and r.session_at > target.status_since
        ]
        if not since:
            continue
        latest = max(since, key=lambda r: r.session_at)
        if latest.reevaluation_sud > above:
            found.append(
                Returned(target.id, latest.reevaluation_sud, latest.session_at, target.status_since)
            )
    return found
