"""Writes: targets and their status, processing records per session, TICES log entries."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, EmotionLabel, Exercise
from clients.services import emotion_labels_named
from clinic.models import Session, User

from . import resolution
from .models import (
    PHASES,
    PROCESSING_PHASES,
    ProcessingRecord,
    Target,
    TargetStatusChange,
    TicesEntry,
)

TARGET_FIELDS = (
    "label",
    "shown_to_client",
    "memory",
    "worst_image",
    "negative_cognition",
    "positive_cognition",
    "body_location",
    "sequence",
    "focus_area",
    "plan_order",
)
RECORD_FIELDS = (
    "phases",
    "reevaluation_sud",
    "sud_start",
    "sud_end",
    "voc_setup",
    "voc_installed",
    "sets_count",
    "sets_kind",
    "body_scan_clear",
    "closure",
    "calming_technique",
    "calming_exercise",
    "notes",
    "plan_next",
)


def _refuse_after_discharge(client: Client) -> None:
    if client.status == Client.Status.DISCHARGED:
        raise PermissionDenied(_("Treatment has ended; nothing more is recorded."))


def _labels_from(client: Client, codes: Iterable[str], field: str) -> list[EmotionLabel]:
    return emotion_labels_named(clinic_id=client.clinic_id, codes=list(codes), field=field)


def _status_change(target: Target, status: str, by: User | None, **why) -> None:
    target.status = status
    target.status_changed_at = timezone.now()
    target.save(update_fields=["status", "status_changed_at"])
    TargetStatusChange.objects.create(
        target=target, status=status, changed_at=target.status_changed_at, changed_by=by, **why
    )


@transaction.atomic
def target_create(
    *, client: Client, by: User | None, emotions: Iterable[str] = (), **fields
) -> Target:
    """Set up a target for a client; it starts as planned, last in the plan unless placed."""
    _refuse_after_discharge(client)
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"Unknown target fields: {sorted(unknown)}")
    labels = _labels_from(client, emotions, "emotions")
    if fields.get("plan_order") is None:
        last = client.emdr_targets.aggregate(last=Max("plan_order"))["last"]
        fields["plan_order"] = (last or 0) + 1
    target = Target(client=client, created_by=by, **fields)
    target.full_clean(exclude=["client", "created_by"], validate_constraints=False)
    _label_free(target)
    target.save()
    target.emotions.set(labels)
    TargetStatusChange.objects.create(
        target=target, status=target.status, changed_at=target.status_changed_at, changed_by=by
    )
    return target


def _label_free(target: Target) -> None:
    taken = Target.objects.filter(client_id=target.client_id, label=target.label)
    if target.pk:
        taken = taken.exclude(pk=target.pk)
    if taken.exists():
        raise ValidationError({"label": _("This client has a target with this label already.")})


@transaction.atomic
def target_update(
    *, target: Target, by: User | None, emotions: Iterable[str] | None = None, **fields
) -> Target:
    """Change what a target says (not its status: ``target_status_set``)."""
    _refuse_after_discharge(target.client)
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"Unknown target fields: {sorted(unknown)}")
    labels = None if emotions is None else _labels_from(target.client, emotions, "emotions")
    for name, value in fields.items():
        setattr(target, name, value)
    target.full_clean(exclude=["client", "created_by"], validate_constraints=False)
    _label_free(target)
    if fields:
        target.save(update_fields=list(fields))
    if labels is not None:
        target.emotions.set(labels)
    return target


def is_processing(record: ProcessingRecord) -> bool:
    """Whether a record processed its target: any of phases 3-6 done, or the numbers at
    the end (SUD, VoC after installation) given. A reevaluation alone does not: it looks
    at the target again without processing it, and leaves the rule nothing to read."""
    return (
        bool(PROCESSING_PHASES.intersection(record.phases or ()))
        or record.sud_end is not None
        or record.voc_installed is not None
    )


def latest_processing(newest_first: Iterable[ProcessingRecord]) -> ProcessingRecord | None:
    """Of a target's records, newest first, the first that processed it."""
    return next((record for record in newest_first if is_processing(record)), None)


def last_record(target: Target) -> ProcessingRecord | None:
    """The target's latest processing record: what the resolution rule reads. A later
    reevaluation alone is passed over (``is_processing``)."""
    records = (
        target.records.filter(session__status=Session.Status.COMPLETED)
        .select_related("session")
        .order_by("-session__starts_at", "-id")
    )
    return latest_processing(records)


@transaction.atomic
def target_status_set(
    *,
    target: Target,
    status: str,
    by: User | None,
    sud_one_fitting: bool = False,
    reason: str = "",
) -> Target:
    """Move a target to a status, recording the date. Resolved needs the last session's
    numbers to meet the rule, or the therapist's judgement (SUD 1) or reason (VoC 5-6);
    otherwise a ValidationError names what stands in the way."""
    _refuse_after_discharge(target.client)
    if status not in Target.Status.values:
        raise ValidationError({"status": _("Choose planned, in progress, resolved or set aside.")})
    if status == target.status:
        return target
    why = {}
    if status == Target.Status.RESOLVED:
        last = last_record(target)
        if last is None:
            raise ValidationError(
                {"status": _("Record a session's processing of this target before resolving it.")}
            )
        grounds, problems = resolution.grounds_for(
            sud_end=last.sud_end,
            voc_installed=last.voc_installed,
            body_scan_clear=last.body_scan_clear,
            sud_one_fitting=sud_one_fitting,
            reason=reason,
        )
        if problems:
            raise ValidationError(problems)
        why = {"grounds": grounds, "reason": reason.strip(), "sud_one_fitting": sud_one_fitting}
    elif reason.strip():
        why = {"reason": reason.strip()}
    _status_change(target, status, by, **why)
    return target


def _clean_phases(phases: object) -> list[int]:
    if not isinstance(phases, list | tuple) or not phases:
        raise ValidationError({"phases": _("Choose the phases done, from 1 to 8.")})
    if any(isinstance(p, bool) or not isinstance(p, int) or p not in PHASES for p in phases):
        raise ValidationError({"phases": _("Phases are numbers from 1 to 8.")})
    return sorted(set(phases))


@transaction.atomic
def record_save(
    *, session: Session, target: Target, by: User | None, **fields
) -> tuple[ProcessingRecord, bool]:
    """Record (or correct) what a held session did with a target. A planned target that
    is worked becomes in progress. Returns (record, created)."""
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"Unknown record fields: {sorted(unknown)}")
    if target.client_id != session.client_id:
        raise ValidationError({"target": _("This target belongs to another client.")})
    _refuse_after_discharge(target.client)
    if session.status != Session.Status.COMPLETED:
        raise ValidationError(
            {"session": _("Processing is recorded for a held session; mark it held first.")}
        )
    fields["phases"] = _clean_phases(fields.get("phases"))
    if not target.is_open and PROCESSING_PHASES.intersection(fields["phases"]):
        raise ValidationError(
            {
                "target": _(
                    "This target is %(status)s: put it back in progress before processing it "
                    "again. A reevaluation alone (phase 8) can be recorded as it is."
                )
                % {"status": target.get_status_display().lower()}
            }
        )
    exercise = fields.get("calming_exercise")
    if isinstance(exercise, Exercise) and exercise.clinic_id != target.client.clinic_id:
        raise ValidationError(
            {"calming_exercise": _("This exercise is not in the clinic's library.")}
        )
    record = ProcessingRecord.objects.filter(session=session, target=target).first()
    created = record is None
    if created:
        record = ProcessingRecord(session=session, target=target)
    for name, value in fields.items():
        setattr(record, name, value)
    record.recorded_by = by
    record.recorded_at = timezone.now()
    record.full_clean(exclude=["session", "target", "recorded_by"], validate_constraints=False)
    record.save()
    if target.status == Target.Status.PLANNED:
        _status_change(target, Target.Status.IN_PROGRESS, by)
    return record, created


@transaction.atomic
def record_remove(*, record: ProcessingRecord, by: User | None) -> None:
    """Remove what a session recorded of a target: a session recorded by mistake, or one
    that did not take place (it can then be marked so). ``by`` is who removes it; the
    audit trail records the delete through its write signals, with the request's actor.

    The target's status stays as it is, even when this was its only record and it is in
    progress with no other: the status is the therapist's decision (as "resolved" is),
    and they change it on the target's page if the target was not worked after all."""
    _refuse_after_discharge(record.target.client)
    record.delete()


def calming_at(clinic_id: int) -> int:
    """The disturbance from which a log entry shows the client their calming exercises."""
    from .models import CALMING_AT_DEFAULT, EmdrSettings

    chosen = EmdrSettings.objects.filter(clinic_id=clinic_id).values_list("calming_at", flat=True)
    return next(iter(chosen), CALMING_AT_DEFAULT)


def _within_reporting_window(moment: datetime) -> None:
    """A log entry, like a check-in, is of a moment not in the future and not long ago."""
    now = timezone.now()
    if moment > now + settings.CHECK_IN_MAX_FUTURE:
        raise ValidationError({"occurred_at": _("This time is in the future.")})
    if moment < now - settings.CHECK_IN_MAX_AGE:
        raise ValidationError(
            {
                "occurred_at": _("This is more than %(days)d days ago.")
                % {"days": settings.CHECK_IN_MAX_AGE.days}
            }
        )


@dataclass(frozen=True)
class TicesDraft:
    entry: TicesEntry
    labels: list[EmotionLabel]
    stored: TicesEntry | None = None
    uuid_from_client: bool = False


def tices_prepare(
    *,
    client: Client,
    occurred_at: datetime,
    trigger: str,
    disturbance: int,
    image: str = "",
    cognition: str = "",
    sensation: str = "",
    emotions: Iterable[str] = (),
    target_id: int | None = None,
    client_uuid: uuid.UUID | None = None,
) -> TicesDraft:
    """Validate a log entry; writes nothing. A target must be one of the client's that
    the therapist shows them; any other id is refused as unknown."""
    if client_uuid is not None:
        stored = TicesEntry.objects.filter(client=client, client_uuid=client_uuid).first()
        if stored is not None:
            return TicesDraft(entry=stored, labels=[], stored=stored)
    _refuse_after_discharge(client)
    _within_reporting_window(occurred_at)
    labels = _labels_from(client, emotions, "emotions")
    target = None
    if target_id is not None:
        target = client.emdr_targets.filter(pk=target_id, shown_to_client=True).first()
        if target is None:
            raise ValidationError({"target": _("No such target in your log's choices.")})
    entry = TicesEntry(
        client=client,
        occurred_at=occurred_at,
        client_uuid=client_uuid or uuid.uuid4(),
        trigger=trigger.strip(),
        image=image.strip(),
        cognition=cognition.strip(),
        sensation=sensation.strip(),
        disturbance=disturbance,
        target=target,
    )
    entry.full_clean(
        exclude=["client", "target"], validate_unique=False, validate_constraints=False
    )
    return TicesDraft(entry=entry, labels=labels, uuid_from_client=client_uuid is not None)


@transaction.atomic(savepoint=False)
def tices_record(*, draft: TicesDraft) -> tuple[TicesEntry, bool]:
    """Store a prepared entry with its emotions. Returns (entry, created); a
    ``client_uuid`` already stored returns the stored entry, so a retry stores nothing."""
    if draft.stored is not None:
        return draft.stored, False
    entry = draft.entry
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        if not draft.uuid_from_client:
            raise
        return TicesEntry.objects.get(client=entry.client, client_uuid=entry.client_uuid), False
    entry.emotions.set(draft.labels)
    return entry, True


@transaction.atomic
def tices_link_to_target(*, target: Target, entries: Iterable[TicesEntry]) -> int:
    """Link log entries of the target's client to ``target``, as when a repeated trigger
    becomes a target (``selectors.loose_entries_naming`` finds them). Returns how many."""
    linked = 0
    # One by one, so each change leaves its audit row as any other write does.
    for entry in entries:
        if entry.client_id != target.client_id:
            raise ValueError("A log entry is linked only to a target of its own client.")
        entry.target = target
        entry.save(update_fields=["target"])
        linked += 1
    return linked
