from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clients.models import (
    SCALES,
    TEXT_MAX_CHARS,
    Assignment,
    Client,
    EmotionLabel,
    Exercise,
    FocusArea,
)
from clients.safety.crisis import crisis_box_for
from clients.safety.models import FollowUp
from clients.selectors import assignment_due_next
from clinic.api.serializers import (
    AwareDateTimeField,
    StrictBooleanField,
    StrictIntegerField,
    StrictSerializer,
)

NOTE_MAX_CHARS = TEXT_MAX_CHARS


def scale_field(name: str, **kwargs) -> StrictIntegerField:
    low, high = SCALES[name]
    return StrictIntegerField(min_value=low, max_value=high, **kwargs)


def _within_reporting_window(value):
    """A moment the client reports: not in the future, not from long ago."""
    now = timezone.now()
    if value > now + settings.CHECK_IN_MAX_FUTURE:
        raise serializers.ValidationError("This time is in the future.", code="in_future")
    if value < now - settings.CHECK_IN_MAX_AGE:
        days = settings.CHECK_IN_MAX_AGE.days
        raise serializers.ValidationError(f"This is more than {days} days ago.", code="too_old")
    return value


# --- emotions ---------------------------------------------------------------
class EmotionLabelOutput(serializers.ModelSerializer):
    class Meta:
        model = EmotionLabel
        fields = ["code", "name", "tone"]


class EmotionInput(StrictSerializer):
    label = serializers.SlugField(max_length=40, help_text="A code from GET /api/v1/emotions/.")
    intensity = scale_field("intensity")


class EmotionOutput(serializers.Serializer):
    label = serializers.CharField(source="label.code")
    name = serializers.CharField(source="label.name")
    intensity = serializers.IntegerField()


# --- check-ins --------------------------------------------------------------
class CheckInInput(StrictSerializer):
    client_uuid = serializers.UUIDField(
        required=False, allow_null=True, help_text="Set by the app; stored once."
    )
    occurred_at = AwareDateTimeField(validators=[_within_reporting_window])
    # Which of these a check-in needs is the service's rule (check_in_prepare): feelings
    # and distress, except in a safety answer, which is kept whatever else is missing.
    emotions = EmotionInput(
        many=True,
        max_length=20,
        required=False,
        default=list,
        help_text="At least one, except with safety_concern true.",
    )
    distress = scale_field(
        "distress",
        required=False,
        allow_null=True,
        help_text="Required, except with safety_concern true.",
    )
    charge = scale_field("charge", required=False, allow_null=True)
    mind_space = scale_field("mind_space", required=False, allow_null=True)
    self_compassion = scale_field("self_compassion", required=False, allow_null=True)
    resistance = scale_field("resistance", required=False, allow_null=True)
    wants_to_discuss = StrictBooleanField(default=False)
    safety_concern = StrictBooleanField(default=False)
    note = serializers.CharField(
        max_length=NOTE_MAX_CHARS, allow_blank=True, default="", trim_whitespace=False
    )

    def validate_emotions(self, value):
        codes = [item["label"] for item in value]
        if len(set(codes)) != len(codes):
            raise serializers.ValidationError(
                "Each emotion may be labelled only once.", code="duplicate"
            )
        return [(item["label"], item["intensity"]) for item in value]


class NotKeptItem(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()


class CrisisLineOutput(serializers.Serializer):
    name = serializers.CharField()
    call = serializers.CharField(help_text="The number to call as written; empty if none.")
    text = serializers.CharField(help_text="The number to text as written; empty if none.")
    hours = serializers.CharField()
    call_href = serializers.CharField(help_text="A tel: link, or empty.")
    text_href = serializers.CharField(help_text="An sms: link, or empty.")


class SafetyPlanSectionOutput(serializers.Serializer):
    heading = serializers.CharField()
    text = serializers.CharField()


class CrisisOutput(serializers.Serializer):
    lines = CrisisLineOutput(
        many=True, help_text="In the clinic's order; the first that takes calls is for danger now."
    )
    clinic_phone = serializers.CharField(help_text="The clinic's own number; may be empty.")
    clinic_phone_href = serializers.CharField(help_text="A tel: link to it; empty without one.")
    clinic_phone_hours = serializers.CharField(help_text="When the clinic's phone is answered.")
    when_read = serializers.CharField(
        help_text="An honest sentence on when the therapist will see a safety answer."
    )
    safety_plan = SafetyPlanSectionOutput(
        many=True,
        source="plan",
        help_text=(
            "The written sections of the client's safety plan, for the client. Empty when "
            "staff read the check-in: they read the plan on its page, where the read is audited."
        ),
    )


class CheckInOutput(serializers.Serializer):
    id = serializers.IntegerField()
    client = serializers.IntegerField(source="client_id")
    client_uuid = serializers.UUIDField()
    occurred_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField()
    emotions = EmotionOutput(many=True, source="emotions_strongest_first")
    distress = serializers.IntegerField(allow_null=True)
    charge = serializers.IntegerField(allow_null=True)
    mind_space = serializers.IntegerField(allow_null=True)
    self_compassion = serializers.IntegerField(allow_null=True)
    resistance = serializers.IntegerField(allow_null=True)
    wants_to_discuss = serializers.BooleanField()
    safety_concern = serializers.BooleanField()
    note = serializers.CharField()
    crisis_resources = serializers.SerializerMethodField(
        help_text="The clinic's crisis resources, when the check-in raised a safety concern."
    )

    crisis = serializers.SerializerMethodField(
        help_text="What the client can do now, when the check-in raised a safety concern."
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_crisis_resources(self, check_in):
        return check_in.client.clinic.crisis_resources if check_in.safety_concern else None

    @extend_schema_field(CrisisOutput(allow_null=True))
    def get_crisis(self, check_in):
        if not check_in.safety_concern:
            return None  # no query for the check-ins that need no crisis box
        # Read once per list: staff read the plan on its own (audited) page, so theirs is
        # one box per clinic without it; a client's list is all their own.
        staff = self._staff_reads()
        boxes = self.context.setdefault("_crisis_boxes", {})
        key = check_in.client.clinic_id if staff else check_in.client_id
        box = boxes.get(key)
        if box is None:
            box = boxes[key] = crisis_box_for(client=check_in.client, with_plan=not staff)
        return CrisisOutput(box).data

    def _staff_reads(self) -> bool:
        """Only clients send check-ins, so a response without a request is to a client."""
        user = getattr(self.context.get("request"), "user", None)
        return user is not None and getattr(user, "role", "client") != "client"


# --- exercises and assignments ---------------------------------------------
class ExerciseOutput(serializers.ModelSerializer):
    class Meta:
        model = Exercise
        fields = ["id", "title", "category", "instructions", "reflection_prompts", "minutes"]


class AssignmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    client = serializers.IntegerField(source="client_id")
    exercise = ExerciseOutput()
    schedule = serializers.ChoiceField(choices=Assignment.Schedule.choices)
    times_per_week = serializers.IntegerField(allow_null=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=Assignment.Status.choices)
    note = serializers.CharField(source="note_to_client")
    assigned_by = serializers.CharField(source="assigned_by.display_name")
    due_next = serializers.SerializerMethodField(
        help_text="The next day this exercise is asked for, in the client's calendar."
    )

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_due_next(self, assignment):
        return assignment_due_next(assignment)


class AssignmentCreateInput(StrictSerializer):
    client = serializers.PrimaryKeyRelatedField(queryset=Client.objects.none())
    exercise = serializers.PrimaryKeyRelatedField(queryset=Exercise.objects.none())
    schedule = serializers.ChoiceField(choices=Assignment.Schedule.choices)
    times_per_week = scale_field("times_per_week", required=False, allow_null=True, default=None)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(
        max_length=NOTE_MAX_CHARS, allow_blank=True, default="", source="note_to_client"
    )

    def __init__(self, *args, clients=None, exercises=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the therapist may use can be named here; anything else "does not exist".
        if clients is not None:
            self.fields["client"].queryset = clients
        if exercises is not None:
            self.fields["exercise"].queryset = exercises


class AssignmentUpdateInput(StrictSerializer):
    status = serializers.ChoiceField(choices=Assignment.Status.choices, required=False)
    schedule = serializers.ChoiceField(choices=Assignment.Schedule.choices, required=False)
    times_per_week = scale_field("times_per_week", required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(
        max_length=NOTE_MAX_CHARS, allow_blank=True, required=False, source="note_to_client"
    )


class CompletionInput(StrictSerializer):
    client_uuid = serializers.UUIDField(required=False, allow_null=True)
    completed_at = AwareDateTimeField(validators=[_within_reporting_window])
    distress_before = scale_field("distress")
    distress_after = scale_field("distress")
    helpfulness = scale_field("helpfulness")
    reflection = serializers.CharField(
        max_length=NOTE_MAX_CHARS, allow_blank=True, default="", trim_whitespace=False
    )


class CompletionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField(source="assignment_id")
    client_uuid = serializers.UUIDField()
    completed_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField()
    distress_before = serializers.IntegerField()
    distress_after = serializers.IntegerField()
    helpfulness = serializers.IntegerField()
    reflection = serializers.CharField()


# --- clients and alerts (therapists) ---------------------------------------
class ClientOutput(serializers.ModelSerializer):
    focus_areas = serializers.ListField(child=serializers.ChoiceField(choices=FocusArea.choices))
    primary_therapist = serializers.CharField(source="primary_therapist.display_name")

    class Meta:
        model = Client
        fields = [
            "id",
            "label",
            "status",
            "time_zone",
            "focus_areas",
            "started_on",
            "primary_therapist",
        ]


class FollowUpOutput(serializers.Serializer):
    action = serializers.CharField()
    note = serializers.CharField()
    by = serializers.CharField(source="by.get_full_name")
    at = serializers.DateTimeField()
    resolves = serializers.BooleanField()


class AlertCheckInOutput(serializers.Serializer):
    """The check-in that raised the alert, with everything the client wrote."""

    id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    distress = serializers.IntegerField(allow_null=True)
    emotions = EmotionOutput(many=True, source="emotions_strongest_first")
    wants_to_discuss = serializers.BooleanField()
    safety_concern = serializers.BooleanField()
    note = serializers.CharField()


class AlertOutput(serializers.Serializer):
    id = serializers.IntegerField()
    client = serializers.IntegerField(source="client_id")
    client_label = serializers.CharField(source="client.label")
    kind = serializers.CharField()
    check_in = serializers.IntegerField(source="check_in_id", allow_null=True)
    created_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(
        allow_null=True, help_text="When a follow-up resolved it; null while open."
    )
    acknowledged_by = serializers.SerializerMethodField()
    escalated_at = serializers.DateTimeField(allow_null=True)
    follow_ups = FollowUpOutput(many=True, source="history")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_acknowledged_by(self, alert):
        return alert.acknowledged_by.get_full_name() if alert.acknowledged_by else None


class AlertDetailOutput(AlertOutput):
    check_in_detail = AlertCheckInOutput(source="check_in", allow_null=True)


class FollowUpInput(StrictSerializer):
    action = serializers.ChoiceField(choices=FollowUp.Action.choices)
    note = serializers.CharField(
        max_length=NOTE_MAX_CHARS, allow_blank=True, default="", trim_whitespace=False
    )


class CheckInCreatedOutput(CheckInOutput):
    not_kept = NotKeptItem(
        many=True,
        required=False,
        help_text=(
            "Only for a safety answer that came with something wrong: what was left out, "
            "and why. The answer itself is stored and the therapist told."
        ),
    )
