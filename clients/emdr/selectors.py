"""Reads of EMDR records, each starting from the requester's scope (404 for anyone else),
and what the therapist's pages read of a client they treat."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from clients.models import Assignment, Client, EmotionLabel, Exercise, ExerciseCategory
from clients.selectors import clients_for
from clinic.models import Session, User

from .models import ProcessingRecord, Target, TicesEntry
from .progress import normalised
from .services import is_processing

# The library's categories that calm or contain: what a distressed log entry points to.
CALMING_CATEGORIES = (ExerciseCategory.GROUNDING, ExerciseCategory.ALLOWING)


def targets_for(*, user: User) -> QuerySet[Target]:
    """Therapists: their clients' targets. Clients: only the labels shown to them."""
    targets = Target.objects.filter(client__in=clients_for(user=user))
    if user.role == User.Role.CLIENT:
        targets = targets.filter(shown_to_client=True)
    return targets.select_related("client")


def records_for(*, user: User) -> QuerySet[ProcessingRecord]:
    """Processing records: therapists only (a client's own notes are the therapist's)."""
    if user.role != User.Role.THERAPIST:
        return ProcessingRecord.objects.none()
    return ProcessingRecord.objects.filter(
        target__client__in=clients_for(user=user)
    ).select_related("session", "target", "calming_exercise")


def tices_for(*, user: User) -> QuerySet[TicesEntry]:
    return (
        TicesEntry.objects.filter(client__in=clients_for(user=user))
        .select_related("client", "target")
        .prefetch_related("emotions")
    )


def calming_assignments(client: Client) -> QuerySet[Assignment]:
    """The client's active assignments of calming exercises, shown after a hard moment."""
    return (
        client.assignments.filter(
            status=Assignment.Status.ACTIVE, exercise__category__in=CALMING_CATEGORIES
        )
        .select_related("exercise")
        .order_by("exercise__title")
    )


def _an_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def loose_entry(client: Client, entry_id) -> TicesEntry | None:
    """The client's log entry touching no target that a new target is set up from (session
    prep's candidate), or None; an id of anyone else's entry is as good as none."""
    entry, _linked = entry_from_log(client, entry_id)
    return entry


def entry_from_log(client: Client, entry_id) -> tuple[TicesEntry | None, bool]:
    """``loose_entry``, and whether the id names an entry of this client's log that is
    already linked to a target. Anyone else's entry is as good as none: never told apart."""
    entry_id = _an_id(entry_id)
    if entry_id is None:
        return None, False
    entry = client.tices_entries.filter(pk=entry_id).first()
    if entry is None:
        return None, False
    if entry.target_id is not None:
        return None, True
    return entry, False


def loose_entries_naming(client: Client, trigger: str) -> list[TicesEntry]:
    """The client's log entries touching no target that name ``trigger``: the same words,
    case and punctuation aside, as the candidate rule groups them (``progress.normalised``)."""
    wanted = normalised(trigger)
    loose = client.tices_entries.filter(target__isnull=True).only("id", "client_id", "trigger")
    return [entry for entry in loose if normalised(entry.trigger) == wanted]


# --- The therapist's pages --------------------------------------------------------------


def emotion_choices(
    client: Client, target: Target | None = None
) -> tuple[list[EmotionLabel], list]:
    """The clinic's active words for feelings, with any the target already has; and the
    codes the target has."""
    labels = EmotionLabel.objects.filter(clinic_id=client.clinic_id)
    if target is None:
        return list(labels.filter(is_active=True)), []
    had = list(target.emotions.values_list("code", flat=True))
    return list(labels.filter(Q(is_active=True) | Q(code__in=had))), had


@dataclass
class Row:
    """A target as a session's page lists it, with this session's record if any, and the
    page's suggestion to resolve it."""

    target: Target
    record: ProcessingRecord | None
    suggestion: Any = None


def session_rows(client: Client, session: Session) -> list[Row]:
    """The client's open targets, then the resolved ones (for a reevaluation) and any other
    recorded for this session, each group in the plan's order."""
    recorded = {r.target_id: r for r in session.emdr_records.select_related("calming_exercise")}
    offered = [Target.Status.PLANNED, Target.Status.IN_PROGRESS, Target.Status.RESOLVED]
    targets = sorted(
        client.emdr_targets.filter(Q(status__in=offered) | Q(pk__in=list(recorded))),
        key=lambda target: not target.is_open,  # stable: the plan's order within each group
    )
    rows = []
    for target in targets:
        target.client = client
        record = recorded.get(target.pk)
        if record is not None:
            record.session, record.target = session, target
        rows.append(Row(target, record))
    return rows


def processed_after(session: Session, target_ids: list[int]) -> set[int]:
    """Of these targets, those a later session processed (``services.is_processing``):
    this session's record of them is no longer what the resolution rule reads."""
    if not target_ids:
        return set()
    later = ProcessingRecord.objects.filter(
        target_id__in=target_ids, session__starts_at__gt=session.starts_at
    ).only("target_id", "phases", "sud_end", "voc_installed")
    return {record.target_id for record in later if is_processing(record)}


def first_choice(rows: list[Row], asked: str | None) -> Row | None:
    """The target a session's form opens on: the one asked for, else the first in progress
    not yet recorded, else the first not yet recorded, else the first."""
    by_id = {str(row.target.pk): row for row in rows}
    if asked in by_id:
        return by_id[asked]
    waiting = [row for row in rows if row.record is None]
    in_progress = [row for row in waiting if row.target.status == Target.Status.IN_PROGRESS]
    return next(iter(in_progress or waiting or rows), None)


def library_for(client: Client, rows: list[Row], target_id: str | None) -> list[Exercise]:
    """The clinic's active library, and the exercise the target's record in this session
    already names, even if it has left the library since: correcting the record keeps it."""
    kept = next(
        (
            row.record.calming_exercise_id
            for row in rows
            if str(row.target.pk) == target_id and row.record is not None
        ),
        None,
    )
    return list(
        Exercise.objects.filter(clinic_id=client.clinic_id).filter(Q(is_active=True) | Q(pk=kept))
    )


def session_record(session: Session, record_id) -> ProcessingRecord | None:
    """A record of this session, by an id as sent; None for anything else."""
    record_id = _an_id(record_id)
    if record_id is None:
        return None
    return session.emdr_records.select_related("target").filter(pk=record_id).first()
