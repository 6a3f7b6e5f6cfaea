"""What the EMDR API reads and writes: targets and their status, processing records, the
client's TICES log. Which values are right beyond their shape (a clinic's emotion words,
the resolution rule, a held session) is the services' rule; they name the field."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clients.api.serializers import CrisisOutput, EmotionLabelOutput, _within_reporting_window
from clients.models import TEXT_MAX_CHARS, Client, Exercise, FocusArea
from clinic.api.serializers import (
    AwareDateTimeField,
    StrictBooleanField,
    StrictIntegerField,
    StrictSerializer,
)
from clinic.models import Session

from .. import resolution
from ..models import (
    PHASES,
    PLAN_ORDER_MAX,
    SETS_MAX,
    SUD,
    VOC,
    ProcessingRecord,
    Target,
    TargetStatusChange,
)
from ..services import last_record, latest_processing

MOST_EMOTIONS = 20
REASON_MAX_CHARS = 1000
TARGET_ID_MAX = 2**63 - 1
THERAPIST_ONLY = "Only in the treating therapist's answers."


def _text(max_length: int = TEXT_MAX_CHARS, **kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, allow_blank=True, **kwargs)


def _emotion_codes(**kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.SlugField(max_length=40),
        max_length=MOST_EMOTIONS,
        help_text="Codes from GET /api/v1/emotions/, each once.",
        **kwargs,
    )


def _rating(bounds: tuple[int, int], **kwargs) -> StrictIntegerField:
    low, high = bounds
    return StrictIntegerField(min_value=low, max_value=high, **kwargs)


# --- resolution -----------------------------------------------------------------
class ReadingOutput(serializers.Serializer):
    """What the resolution rule says of a session's end numbers; the therapist decides."""

    meets_rule = serializers.BooleanField(
        help_text="SUD 0, VoC 7 and a clear body scan: suggest 'resolved'."
    )
    needs_judgement = serializers.BooleanField(
        help_text=(
            "Within reach with the therapist's word: SUD 1 judged fitting (sud_one_fitting) "
            "and/or VoC 5-6 accepted with a reason."
        )
    )
    problems = serializers.DictField(
        child=serializers.CharField(),
        help_text="Field to why the numbers do not read as resolved; empty when they do.",
    )


class LastReadingOutput(ReadingOutput):
    record = serializers.IntegerField(help_text="The processing record read: the latest.")
    session_starts_at = serializers.DateTimeField()


def reading_of(record: ProcessingRecord) -> resolution.Reading:
    return resolution.reading(
        sud_end=record.sud_end,
        voc_installed=record.voc_installed,
        body_scan_clear=record.body_scan_clear,
    )


# --- targets --------------------------------------------------------------------
class TargetLabelOutput(serializers.Serializer):
    """A target as its client sees it: the label the therapist chose to show, no more."""

    id = serializers.IntegerField()
    label = serializers.CharField()


NEWEST_FIRST = ("-session__starts_at", "-id")


@extend_schema_field(LastReadingOutput(allow_null=True))
class LatestReadingField(serializers.Field):
    """The rule's reading of a target's latest processing record. A plain field, not a method field,
    so the schema can say that clients' answers leave it out."""

    def to_representation(self, target):
        records = getattr(target, "records_newest_first", None)
        # The latest record that processed the target (a reevaluation alone is passed
        # over), as the status change itself reads it.
        last = last_record(target) if records is None else latest_processing(records)
        if last is None:
            return None
        read = reading_of(last)
        return LastReadingOutput(
            {
                "meets_rule": read.meets_rule,
                "needs_judgement": read.needs_judgement,
                "problems": read.problems,
                "record": last.pk,
                "session_starts_at": last.session.starts_at,
            }
        ).data


class StatusChangeOutput(serializers.Serializer):
    status = serializers.ChoiceField(choices=Target.Status.choices)
    changed_at = serializers.DateTimeField()
    grounds = serializers.ChoiceField(
        choices=TargetStatusChange.Grounds.choices,
        allow_blank=True,
        help_text="For a resolution: which reading of the rule was accepted.",
    )
    reason = serializers.CharField()


class TargetOutput(TargetLabelOutput):
    """A target. Clients get only ``id`` and ``label``; the rest is the therapist's."""

    client = serializers.IntegerField(source="client_id", required=False)
    shown_to_client = serializers.BooleanField(required=False)
    memory = serializers.CharField(required=False, help_text=THERAPIST_ONLY)
    worst_image = serializers.CharField(required=False, help_text=THERAPIST_ONLY)
    negative_cognition = serializers.CharField(required=False, help_text=THERAPIST_ONLY)
    positive_cognition = serializers.CharField(required=False, help_text=THERAPIST_ONLY)
    emotions = EmotionLabelOutput(many=True, required=False)
    body_location = serializers.CharField(required=False)
    sequence = serializers.ChoiceField(choices=Target.Sequence.choices, required=False)
    focus_area = serializers.ChoiceField(
        choices=FocusArea.choices, allow_blank=True, required=False
    )
    plan_order = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(choices=Target.Status.choices, required=False)
    status_changed_at = serializers.DateTimeField(required=False)
    status_changes = StatusChangeOutput(many=True, required=False, help_text="Oldest first.")
    created_at = serializers.DateTimeField(required=False)
    resolution = LatestReadingField(
        source="*",
        required=False,
        help_text="What the rule says of the latest session's numbers; null before any.",
    )


class TargetInput(StrictSerializer):
    """A target's own fields. A change (PATCH) sends only those it changes."""

    label = serializers.CharField(max_length=60, help_text="Short, unique per client.")
    shown_to_client = StrictBooleanField(
        default=False, help_text="The client may link a log entry to this label."
    )
    memory = _text(default="")
    worst_image = _text(default="")
    negative_cognition = _text(default="")
    positive_cognition = _text(default="")
    emotions = _emotion_codes(default=list)
    body_location = _text(120, default="")
    sequence = serializers.ChoiceField(choices=Target.Sequence.choices, default="past")
    focus_area = serializers.ChoiceField(choices=FocusArea.choices, allow_blank=True, default="")
    plan_order = StrictIntegerField(min_value=1, max_value=PLAN_ORDER_MAX, required=False)


class TargetCreateInput(TargetInput):
    client = serializers.PrimaryKeyRelatedField(
        queryset=Client.objects.none(), help_text="A client I treat."
    )
    plan_order = StrictIntegerField(
        min_value=1,
        max_value=PLAN_ORDER_MAX,
        required=False,
        allow_null=True,
        default=None,
        help_text="Default: last in the client's plan.",
    )

    def __init__(self, *args, clients=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the therapist's own clients can be named; anyone else "does not exist".
        if clients is not None:
            self.fields["client"].queryset = clients


class TargetStatusInput(StrictSerializer):
    status = serializers.ChoiceField(choices=Target.Status.choices)
    sud_one_fitting = StrictBooleanField(
        default=False, help_text="Resolving at SUD 1: I judge 1 fitting for this memory."
    )
    reason = _text(
        REASON_MAX_CHARS,
        default="",
        help_text="Resolving with a VoC of 5-6: why it is accepted. Kept with the change.",
    )


# --- processing records ---------------------------------------------------------
@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "integer", "minimum": PHASES[0], "maximum": PHASES[-1]},
        "minItems": 1,
        "maxItems": len(PHASES),
        "description": "The phases done, 1-8.",
        "example": [3, 4, 7],
    }
)
class PhasesField(serializers.Field):
    default_error_messages = {
        "invalid": _("Choose the phases done, from 1 to 8."),
        "too_many": _("At most 8 phases."),
    }

    def to_internal_value(self, data):
        if not isinstance(data, list) or not data:
            self.fail("invalid")
        if len(data) > len(PHASES):
            self.fail("too_many")
        if any(isinstance(p, bool) or not isinstance(p, int) or p not in PHASES for p in data):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return list(value)


OPTIONAL = {"required": False, "allow_null": True, "default": None}


class RecordInput(StrictSerializer):
    """A record's own fields; left out, a field is empty. A change (PATCH) sends only
    those it changes."""

    phases = PhasesField()
    reevaluation_sud = _rating(
        SUD, help_text="At reevaluation: the previous target's SUD now.", **OPTIONAL
    )
    sud_start = _rating(SUD, **OPTIONAL)
    sud_end = _rating(SUD, **OPTIONAL)
    voc_setup = _rating(VOC, **OPTIONAL)
    voc_installed = _rating(VOC, **OPTIONAL)
    sets_count = _rating((0, SETS_MAX), help_text="Bilateral sets.", **OPTIONAL)
    sets_kind = serializers.ChoiceField(
        choices=ProcessingRecord.SetsKind.choices, allow_blank=True, default=""
    )
    body_scan_clear = StrictBooleanField(**OPTIONAL)
    closure = serializers.ChoiceField(choices=ProcessingRecord.Closure.choices)
    calming_technique = _text(120, default="")
    calming_exercise = serializers.PrimaryKeyRelatedField(
        queryset=Exercise.objects.none(),
        help_text="An exercise of the clinic's library, where one fits.",
        **OPTIONAL,
    )
    notes = _text(default="")
    plan_next = _text(default="", help_text="Plan for next time.")

    def __init__(self, *args, exercises=None, **kwargs):
        super().__init__(*args, **kwargs)
        if exercises is not None:
            self.fields["calming_exercise"].queryset = exercises


class RecordCreateInput(RecordInput):
    session = serializers.PrimaryKeyRelatedField(
        queryset=Session.objects.none(), help_text="A held session of a client I treat."
    )
    target = serializers.PrimaryKeyRelatedField(
        queryset=Target.objects.none(), help_text="A target of the session's client."
    )

    def __init__(self, *args, sessions=None, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the therapist may use can be named here; anything else "does not exist".
        if sessions is not None:
            self.fields["session"].queryset = sessions
        if targets is not None:
            self.fields["target"].queryset = targets


class RecordOutput(serializers.Serializer):
    id = serializers.IntegerField()
    client = serializers.IntegerField(source="target.client_id")
    session = serializers.IntegerField(source="session_id")
    session_starts_at = serializers.DateTimeField(source="session.starts_at")
    target = serializers.IntegerField(source="target_id")
    target_label = serializers.CharField(source="target.label")
    phases = serializers.ListField(child=serializers.IntegerField())
    reevaluation_sud = serializers.IntegerField(allow_null=True)
    sud_start = serializers.IntegerField(allow_null=True)
    sud_end = serializers.IntegerField(allow_null=True)
    voc_setup = serializers.IntegerField(allow_null=True)
    voc_installed = serializers.IntegerField(allow_null=True)
    sets_count = serializers.IntegerField(allow_null=True)
    sets_kind = serializers.ChoiceField(choices=ProcessingRecord.SetsKind.choices, allow_blank=True)
    body_scan_clear = serializers.BooleanField(allow_null=True)
    closure = serializers.ChoiceField(choices=ProcessingRecord.Closure.choices)
    calming_technique = serializers.CharField()
    calming_exercise = serializers.IntegerField(source="calming_exercise_id", allow_null=True)
    notes = serializers.CharField()
    plan_next = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    resolution = serializers.SerializerMethodField(
        help_text="What the resolution rule says of this session's end numbers."
    )

    @extend_schema_field(ReadingOutput)
    def get_resolution(self, record):
        read = reading_of(record)
        return ReadingOutput(
            {
                "meets_rule": read.meets_rule,
                "needs_judgement": read.needs_judgement,
                "problems": read.problems,
            }
        ).data


# --- the TICES log --------------------------------------------------------------
class TicesInput(StrictSerializer):
    client_uuid = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="Set by the app; stored once."
    )
    occurred_at = AwareDateTimeField(validators=[_within_reporting_window])
    trigger = serializers.CharField(max_length=TEXT_MAX_CHARS, help_text="What set it off.")
    image = _text(default="")
    cognition = _text(default="", help_text="What I believed about myself then.")
    sensation = _text(default="", help_text="Where and how it was felt in the body.")
    emotions = _emotion_codes(default=list)
    disturbance = _rating(SUD, help_text="How disturbing, 0 (not at all) to 10.")
    target = StrictIntegerField(
        min_value=1,
        max_value=TARGET_ID_MAX,
        required=False,
        allow_null=True,
        default=None,
        source="target_id",
        help_text="Which target it touches: one of the labels my therapist shows me.",
    )


class TicesOutput(serializers.Serializer):
    id = serializers.IntegerField()
    client = serializers.IntegerField(source="client_id")
    client_uuid = serializers.UUIDField()
    occurred_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField()
    trigger = serializers.CharField()
    image = serializers.CharField()
    cognition = serializers.CharField()
    sensation = serializers.CharField()
    emotions = EmotionLabelOutput(many=True)
    disturbance = serializers.IntegerField()
    target = serializers.SerializerMethodField()
    target_label = serializers.SerializerMethodField()

    def _target(self, entry):
        target = entry.target
        if target is None:
            return None
        user = getattr(self.context.get("request"), "user", None)
        # A label the therapist no longer shows is no longer the client's to read.
        if getattr(user, "role", "client") == "client" and not target.shown_to_client:
            return None
        return target

    def get_target(self, entry) -> int | None:
        target = self._target(entry)
        return target.pk if target is not None else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_target_label(self, entry):
        target = self._target(entry)
        return target.label if target is not None else None


class CalmingOutput(serializers.Serializer):
    assignment = serializers.IntegerField(source="pk")
    title = serializers.CharField(source="exercise.title")
    minutes = serializers.IntegerField(source="exercise.minutes")


class TicesCreatedOutput(TicesOutput):
    calming_exercises = serializers.SerializerMethodField(
        help_text=(
            "At or above the clinic's level of disturbance: the calming exercises assigned to "
            "me, to do now. Otherwise empty."
        )
    )

    crisis = serializers.SerializerMethodField(
        help_text=(
            "At or above the clinic's level of disturbance: whom to call when it is too "
            "much, and my safety plan. Otherwise null."
        )
    )

    @extend_schema_field(CalmingOutput(many=True))
    def get_calming_exercises(self, entry):
        calming = self.context.get("calming", [])
        return CalmingOutput(calming, many=True).data

    @extend_schema_field(CrisisOutput(allow_null=True))
    def get_crisis(self, entry):
        box = self.context.get("crisis")
        return None if box is None else CrisisOutput(box).data
