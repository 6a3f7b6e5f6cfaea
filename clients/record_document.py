"""The record a client asks for, as a page a person reads: everything the clinic holds
about them in plain words, in their own time zone, ready to print or save as PDF.

The machine-readable export (JSON, CSV) is ``records.py``; this is the same record for
reading. Both are for clinic admins, and both are audited as exports.
"""

import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clinic.models import Session
from clinic.time_zones import zone_name

from .models import (
    EMOTION_ORDER,
    SCALES,
    Alert,
    Assignment,
    CheckIn,
    CheckInEmotion,
    Client,
    Completion,
    EmotionLabel,
)
from .records import export_audit
from .wording import PersonWords, person_words


@dataclass
class Answer:
    """One answer as the page shows it: what was asked, the answer, and its scale."""

    question: str
    answer: str
    scale: str = ""
    warning: bool = False


@dataclass
class CheckInEntry:
    check_in: CheckIn
    feelings: list[str]
    answers: list[Answer]


@dataclass
class ExerciseEntry:
    assignment: Assignment
    schedule: str
    completions: list[tuple[Completion, list[Answer]]] = field(default_factory=list)


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value).replace("-", "−")


def _of(value: int, scale: str) -> str:
    return _("%(value)d of %(high)d") % {"value": value, "high": SCALES[scale][1]}


def check_in_answers(check_in: CheckIn, words: PersonWords) -> list[Answer]:
    """The check-in's answers in words, each with its scale; skipped ones are left out.
    The other person is named as the client's own questions name them."""
    safety = _("Thoughts of harming oneself (the safety question)")
    answers = []
    if check_in.safety_concern:
        answers.append(Answer(safety, _("yes"), warning=True))
    if check_in.distress is not None:
        answers.append(
            Answer(
                _("Distress"),
                _of(check_in.distress, "distress"),
                _("0 is none, 10 the most imaginable"),
            )
        )
    if check_in.charge is not None:
        answers.append(
            Answer(
                _("Feelings toward %(person)s") % {"person": words.for_client},
                _signed(check_in.charge),
                _("−5 is %(negative)s, 0 no charge left, +5 %(positive)s")
                % {"negative": words.ends.negative, "positive": words.ends.positive},
            )
        )
    if check_in.mind_space is not None:
        answers.append(
            Answer(
                _("How much of the day %(person)s took up in your thoughts")
                % {"person": words.for_client},
                _("%(value)d%% of the day") % {"value": check_in.mind_space},
            )
        )
    if check_in.self_compassion is not None:
        answers.append(
            Answer(
                _("Kindness toward oneself"),
                _of(check_in.self_compassion, "self_compassion"),
                _("0 is none, 10 a great deal"),
            )
        )
    if check_in.resistance is not None:
        answers.append(
            Answer(
                _("Pushing feelings away"),
                _of(check_in.resistance, "resistance"),
                _("0 is not at all, 10 completely"),
            )
        )
    answers.append(
        Answer(_("Wants to talk about it in the next session"), _yes_no(check_in.wants_to_discuss))
    )
    if not check_in.safety_concern:
        answers.append(Answer(safety, _("no")))
    return answers


def completion_answers(completion: Completion) -> list[Answer]:
    return [
        Answer(
            _("Distress before and after"),
            _("%(before)d before, %(after)d after, of 10")
            % {"before": completion.distress_before, "after": completion.distress_after},
            _("0 is none, 10 the most imaginable"),
        ),
        Answer(
            _("How helpful it was"),
            _of(completion.helpfulness, "helpfulness"),
            _("1 is not helpful, 5 very helpful"),
        ),
    ]


def schedule_words(assignment: Assignment) -> str:
    if assignment.schedule == Assignment.Schedule.WEEKLY:
        count = assignment.times_per_week or 0
        return ngettext("once a week", "%(count)d times a week", count) % {"count": count}
    if assignment.schedule == Assignment.Schedule.DAILY:
        return _("every day")
    return _("once")


def _feelings(check_in: CheckIn) -> list[str]:
    return [
        _("%(feeling)s, %(intensity)s")
        % {"feeling": e.label.name, "intensity": _of(e.intensity, "intensity")}
        for e in check_in.emotions.all()
    ]


def _phases(record) -> str:
    return ", ".join(str(phase) for phase in record.phases)


def emdr_context(client: Client, *, has_targets: bool, has_entries: bool) -> dict:
    """The client's EMDR targets with their status changes and processing records, and the
    TICES log; nothing is read of what the client has none of (``has_*``, from the caller)."""
    from .emdr.models import ProcessingRecord, Target, TargetStatusChange, TicesEntry

    if not has_targets and not has_entries:
        return {"emdr_targets": [], "tices_entries": []}

    labels = EmotionLabel.objects.order_by("sort_order", "id")
    targets = (
        Target.objects.filter(client=client)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("emotions", queryset=labels),
            Prefetch(
                "status_changes",
                queryset=TargetStatusChange.objects.select_related("changed_by").order_by(
                    "changed_at", "id"
                ),
            ),
            Prefetch(
                "records",
                queryset=ProcessingRecord.objects.select_related(
                    "session", "calming_exercise", "recorded_by"
                ).order_by("session__starts_at", "id"),
            ),
        )
        .order_by("plan_order", "id")
    )
    entries = (
        TicesEntry.objects.filter(client=client)
        .select_related("target")
        .prefetch_related(Prefetch("emotions", queryset=labels))
        .order_by("occurred_at", "id")
    )
    return {
        "emdr_targets": [
            (target, [(record, _phases(record)) for record in target.records.all()])
            for target in (targets if has_targets else [])
        ],
        "tices_entries": list(entries) if has_entries else [],
    }


def record_context(*, client: Client) -> dict:
    """Everything held about the client, gathered for the page in a fixed number of queries."""
    from reports.models import WeeklySummary
    from reports.summaries import flag_label

    from .emdr.models import Target, TicesEntry
    from .safety.models import FollowUp, SafetyPlan

    client = (
        Client.objects.select_related("clinic", "user", "primary_therapist__user")
        .annotate(
            has_emdr_targets=Exists(Target.objects.filter(client=OuterRef("pk"))),
            has_tices_entries=Exists(TicesEntry.objects.filter(client=OuterRef("pk"))),
        )
        .get(pk=client.pk)
    )
    sessions = Session.objects.filter(client=client).select_related("therapist__user")
    completions = Completion.objects.order_by("completed_at")
    assignments = (
        Assignment.objects.filter(client=client)
        .select_related("exercise", "assigned_by__user")
        .prefetch_related(Prefetch("completions", queryset=completions))
        .order_by("starts_on", "id")
    )
    emotions = CheckInEmotion.objects.select_related("label").order_by(*EMOTION_ORDER)
    check_ins = (
        CheckIn.objects.filter(client=client)
        .prefetch_related(Prefetch("emotions", queryset=emotions))
        .order_by("occurred_at")
    )
    follow_ups = FollowUp.objects.select_related("by").order_by("at", "id")
    alerts = (
        Alert.objects.filter(client=client)
        .select_related("check_in", "acknowledged_by")
        .prefetch_related(Prefetch("follow_ups", queryset=follow_ups))
        .order_by("created_at")
    )
    plan = SafetyPlan.objects.filter(client=client).select_related("updated_by").first()
    summaries = WeeklySummary.objects.filter(client=client).order_by("week_start")
    zone = zoneinfo.ZoneInfo(client.time_zone)
    words = person_words(client)
    return {
        "client": client,
        "account": client.user,
        "clinic": client.clinic,
        "zone": zone,
        "zone_name": zone_name(client.time_zone),
        "produced_at": timezone.now(),
        "focus_areas": client.focus_area_names,
        "sessions": list(sessions.order_by("starts_at")),
        "exercises": [
            ExerciseEntry(
                assignment=a,
                schedule=schedule_words(a),
                completions=[(c, completion_answers(c)) for c in a.completions.all()],
            )
            for a in assignments
        ],
        "check_ins": [
            CheckInEntry(check_in=c, feelings=_feelings(c), answers=check_in_answers(c, words))
            for c in check_ins
        ],
        "alerts": list(alerts),
        "safety_plan": plan if plan is not None and not plan.is_empty else None,
        "summaries": [
            (summary, [flag_label(flag) for flag in summary.flags]) for summary in summaries
        ],
        **emdr_context(
            client, has_targets=client.has_emdr_targets, has_entries=client.has_tices_entries
        ),
    }


def client_record_document(*, client: Client, request) -> dict:
    """The readable record's content; producing it is audited as an export of the client."""
    context = record_context(client=client)
    export_audit(client=client, request=request)
    return context
