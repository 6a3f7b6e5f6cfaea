"""The EMDR part of the session-prep report: how the last session closed (an incomplete
or contained one first), the targets in progress, what is due for reevaluation, the
client's TICES log since the last session by the target it touches, and topics, each
naming its rule (``clients.emdr.progress``). A candidate target carries the id of its
trigger's latest log entry, for the new-target page to be set up from.

An entry the client linked to no target touches a target by its words when entries linked
to that target have the same words (``progress.touching``): read so here, never written.
The log entries' query therefore also reads the entries linked to a target before the
stretch shown, for their words.

Three queries when the client has targets (targets, their records, log entries), and one
more for the clinic's calming level when something was logged since the last session.
The client comes scoped to the treating therapist (``client_get_for``): what the client
wrote is decrypted for them only, and the template escapes it.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.emdr import progress
from clients.emdr.models import ProcessingRecord, Target, TicesEntry
from clients.emdr.services import calming_at
from clients.models import Client

Closure = ProcessingRecord.Closure
RECORD_FIELDS = (
    "target_id",
    "session__starts_at",
    "phases",
    "closure",
    "reevaluation_sud",
    "sud_start",
    "sud_end",
    "voc_setup",
    "voc_installed",
)


@dataclass(frozen=True)
class Topic:
    rule: str
    text: str
    # A candidate target's latest log entry: the new-target page is set up from it.
    from_entry: int | None = None


@dataclass(frozen=True)
class TargetLine:
    target: Target
    readings: progress.Readings


@dataclass(frozen=True)
class DueLine:
    target: Target
    text: str
    rule: str


@dataclass(frozen=True)
class LogGroup:
    target: Target | None  # None: entries touching no target
    entries: list[TicesEntry]
    # The ids of the entries touching the target by their words only, not linked to it.
    by_words: frozenset[int] = frozenset()


@dataclass
class PrepEmdr:
    last_session_at: datetime | None
    closure: str | None  # of the last held session: incomplete, contained, complete, None
    flag: str  # the closure in words when it was incomplete or contained, else ""
    in_progress: list[TargetLine]
    due: list[DueLine]
    log: list[LogGroup]
    log_span: str  # "since the last session", or the weeks shown without one
    calming_at: int | None = None  # the clinic's level, read when something was logged
    topics: list[Topic] = field(default_factory=list)
    can_set_up: bool = True  # a target may be set up (not for a discharged client)

    @property
    def closure_label(self) -> str:
        return str(Closure(self.closure).label) if self.closure else ""


def _day(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "D j M")


def _quoted(target: Target) -> str:
    # Translators: a target's label quoted in a sentence, so that one with a comma or a
    # colon reads as one label.
    return _("“%(label)s”") % {"label": target.label}


def _labels(targets: Sequence[Target]) -> str:
    return ", ".join(_quoted(target) for target in targets)


def _closure_flag(closure: str | None, at: datetime, worked: list[Target]) -> str:
    facts = {"day": _day(at), "targets": _labels(worked)}
    if closure == Closure.INCOMPLETE:
        return _("Last session (%(day)s): EMDR processing ended incomplete (%(targets)s)") % facts
    if closure == Closure.CONTAINED:
        return _("Last session (%(day)s): EMDR processing was contained (%(targets)s)") % facts
    return ""


def _closure_topic(closure: str | None, worked: list[Target]) -> Topic | None:
    named = {"targets": _labels(worked)}
    if closure == Closure.INCOMPLETE:
        return Topic(
            _("The last session's processing ended incomplete"),
            _(
                "Begin with how they have been since, and what stirred them up between "
                "sessions; reevaluate %(targets)s before going on."
            )
            % named,
        )
    if closure == Closure.CONTAINED:
        return Topic(
            _("The last session's processing was contained"),
            _("Ask how the container has held, and reevaluate %(targets)s before going on.")
            % named,
        )
    return None


def _due_line(due: progress.Due, target: Target, read: progress.Readings) -> DueLine:
    if due.why == progress.RESOLVED:
        return DueLine(
            target,
            _("Resolved on %(day)s: check that it stays at SUD 0 (or 1).")
            % {"day": _day(due.since)},
            _("A resolved target is reevaluated in its first session after the resolution"),
        )
    text = _("Processed on %(day)s: ask its SUD before going on.") % {"day": _day(due.since)}
    if read.sud is not None:
        text = _("Processed on %(day)s: ask its SUD before going on (last %(sud)d).") % {
            "day": _day(due.since),
            "sud": read.sud,
        }
    return DueLine(
        target,
        text,
        _("A target processed in a session is reevaluated at the start of the next one"),
    )


def _candidate_topic(found: progress.Candidate) -> Topic:
    facts = {"words": found.words, "count": found.count, "weeks": progress.CANDIDATE_WEEKS}
    if found.since_last_session:
        text = _(
            "Candidate target: “%(words)s” logged %(count)d times since the last session, "
            "touching no target."
        )
    else:
        text = _(
            "Candidate target: “%(words)s” logged %(count)d times in the last %(weeks)d "
            "weeks, touching no target."
        )
    return Topic(
        _(
            "A trigger logged %(at_least)d or more times that no target covers (the same "
            "words, case and punctuation aside)"
        )
        % {"at_least": progress.CANDIDATE_AT},
        text % facts,
        from_entry=found.latest_id,
    )


def _stirred_topic(stirred: progress.Stirred, target: Target, level: int) -> Topic:
    return Topic(
        _("A resolved target stirred again at or above the clinic's calming level (%(level)d/10)")
        % {"level": level},
        _(
            "Reevaluate %(label)s: the client logged disturbance %(value)d/10 touching it "
            "on %(day)s."
        )
        % {
            "label": _quoted(target),
            "value": stirred.disturbance,
            "day": _day(stirred.occurred_at),
        },
    )


def _returned_topic(returned: progress.Returned, target: Target) -> Topic:
    return Topic(
        _("A resolved target reevaluated above SUD %(above)d") % {"above": progress.REOPEN_ABOVE},
        _(
            "Reopen %(label)s? Reevaluated at SUD %(sud)d on %(day)s, after it was resolved "
            "on %(resolved)s."
        )
        % {
            "label": _quoted(target),
            "sud": returned.sud,
            "day": _day(returned.reevaluated_at),
            "resolved": _day(returned.resolved_at),
        },
    )


def _hard_moments_topic(entries: list[TicesEntry], level: int, span: str) -> Topic | None:
    hard = [entry for entry in entries if entry.disturbance >= level]
    if not hard:
        return None
    worst = max(hard, key=lambda entry: (entry.disturbance, entry.occurred_at))
    text = ngettext(
        "%(count)d log entry %(span)s with disturbance at or above the clinic's calming "
        "level (%(level)d/10), at %(value)d/10 on %(day)s: ask what happened and what "
        "helped them settle.",
        "%(count)d log entries %(span)s with disturbance at or above the clinic's calming "
        "level (%(level)d/10), the highest %(value)d/10 on %(day)s: ask what happened and "
        "what helped them settle.",
        len(hard),
    ) % {
        "count": len(hard),
        "span": span,
        "level": level,
        "value": worst.disturbance,
        "day": _day(worst.occurred_at),
    }
    return Topic(
        _("A log entry with disturbance at or above the clinic's calming level (%(level)d/10)")
        % {"level": level},
        text,
    )


def _log_groups(
    entries: list[TicesEntry], targets: list[Target], by_words: dict[int, int]
) -> list[LogGroup]:
    """Entries by the target they touch, in the plan's order, then those touching none;
    each group oldest first. ``by_words`` maps an entry linked to no target to the target
    it touches by its words."""
    by_target: dict[int | None, list[TicesEntry]] = {}
    for entry in sorted(entries, key=lambda e: e.occurred_at):
        by_target.setdefault(by_words.get(entry.pk, entry.target_id), []).append(entry)
    groups = [
        LogGroup(
            t,
            by_target[t.pk],
            frozenset(e.pk for e in by_target[t.pk] if e.pk in by_words),
        )
        for t in targets
        if t.pk in by_target
    ]
    if None in by_target:
        groups.append(LogGroup(None, by_target[None]))
    return groups


def prep_emdr(*, client: Client, held: Sequence[datetime], now: datetime) -> PrepEmdr | None:
    """The EMDR part, or None for a client without targets or recent log entries.
    ``held`` are the starts of the client's held sessions, oldest first."""
    past = [start for start in held if start <= now]
    last_at = past[-1] if past else None
    recent_from = now - timedelta(weeks=progress.CANDIDATE_WEEKS)
    log_from = min(last_at, recent_from) if last_at else recent_from
    targets = list(
        client.emdr_targets.only(
            "id", "client_id", "label", "status", "status_changed_at"
        ).order_by("plan_order", "id")
    )
    # The stretch shown, and the entries linked to a target before it: their words make
    # an entry linked to none touch that target (progress.touching). One query either way.
    loaded = list(
        client.tices_entries.filter(
            Q(occurred_at__gte=log_from) | Q(target__isnull=False), occurred_at__lte=now
        )
        .only("id", "client_id", "occurred_at", "trigger", "disturbance", "target_id")
        .order_by("occurred_at", "id")
    )
    entries = [e for e in loaded if e.occurred_at >= log_from]
    if not targets and not entries:
        return None
    rows = (
        ProcessingRecord.objects.filter(target__client=client).values_list(*RECORD_FIELDS)
        if targets
        else ()
    )
    # In RecordFacts' order: target, session, phases, then the closure and the numbers.
    records = [
        progress.RecordFacts(target_id, at, tuple(phases or ()), *rest)
        for target_id, at, phases, *rest in rows
    ]
    by_id = {target.pk: target for target in targets}
    mine = {target.pk: [r for r in records if r.target_id == target.pk] for target in targets}
    read = {pk: progress.readings(theirs) for pk, theirs in mine.items()}

    last_records = [r for r in records if last_at is not None and r.session_at == last_at]
    closure = progress.session_closure(r.closure for r in last_records)
    worked = [by_id[r.target_id] for r in last_records if r.closure == closure]
    worked.sort(key=lambda t: targets.index(t))

    facts = [progress.TargetFacts(t.pk, t.status, t.status_changed_at) for t in targets]
    due = progress.reevaluation_due(facts, records, held=past)

    since = [e for e in entries if last_at is None or e.occurred_at >= last_at]
    span = (
        _("since the last session")
        if last_at
        else ngettext(
            "in the last %(weeks)d week", "in the last %(weeks)d weeks", progress.CANDIDATE_WEEKS
        )
        % {"weeks": progress.CANDIDATE_WEEKS}
    )
    level = calming_at(client.clinic_id) if since else None

    read_as = progress.touching(
        [
            progress.LogFacts(e.trigger, e.occurred_at, e.target_id, e.disturbance, e.pk)
            for e in loaded
        ]
    )
    logged = [entry for entry in read_as if entry.occurred_at >= log_from]
    by_words = {entry.id: entry.target_id for entry in logged if entry.by_words}
    topics = [_closure_topic(closure, worked)]
    topics += [
        _returned_topic(returned, by_id[returned.target_id])
        for returned in progress.disturbance_returned(facts, records)
    ]
    if level is not None:
        topics += [
            _stirred_topic(stirred, by_id[stirred.target_id], level)
            for stirred in progress.resolved_stirred(
                facts, logged, last_session_at=last_at, level=level
            )
        ]
    topics += [
        _candidate_topic(found)
        for found in progress.candidate_targets(logged, last_session_at=last_at, now=now)
    ]
    if level is not None:
        topics.append(_hard_moments_topic(since, level, span))
    return PrepEmdr(
        last_session_at=last_at,
        closure=closure,
        flag=_closure_flag(closure, last_at, worked) if last_at else "",
        in_progress=[
            TargetLine(t, read[t.pk]) for t in targets if t.status == Target.Status.IN_PROGRESS
        ],
        due=[_due_line(d, by_id[d.target_id], read[d.target_id]) for d in due],
        log=_log_groups(since, targets, by_words),
        log_span=span,
        calming_at=level,
        topics=[topic for topic in topics if topic is not None],
        can_set_up=client.status != Client.Status.DISCHARGED,
    )
