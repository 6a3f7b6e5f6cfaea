"""What the measures API reads and writes: instruments, schedules, due measures, responses."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clients.api.serializers import CrisisOutput, _within_reporting_window
from clients.models import Client
from clinic.api.serializers import AwareDateTimeField, StrictIntegerField, StrictSerializer

from ..instruments import CHOICES
from ..models import Cadence
from ..policies import Policy

# More answers than any instrument has items is a mistake, not a response to score.
MOST_ANSWERS = 40
ITEM_CODE_CHARS = 20


# --- instruments --------------------------------------------------------------
class OptionOutput(serializers.Serializer):
    value = serializers.IntegerField()
    text = serializers.CharField()


class SectionOutput(serializers.Serializer):
    key = serializers.CharField()
    stem = serializers.CharField(help_text="Read before the section's items.")
    options = OptionOutput(many=True, help_text="The answers every item of the section takes.")


class ItemOutput(serializers.Serializer):
    code = serializers.CharField(help_text="The key of its answer in a response's answers.")
    text = serializers.CharField()
    section = serializers.CharField()


class DifficultyOutput(serializers.Serializer):
    question = serializers.CharField()
    options = OptionOutput(many=True)


class RangeOutput(serializers.Serializer):
    low = serializers.IntegerField()
    high = serializers.IntegerField()


class BandOutput(serializers.Serializer):
    low = serializers.IntegerField()
    high = serializers.IntegerField()
    code = serializers.CharField()
    label = serializers.CharField()


class SubscaleOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    items = serializers.ListField(child=serializers.CharField(), help_text="Summed.")


class NamedOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class InstrumentOutput(serializers.Serializer):
    code = serializers.CharField(help_text="What `instrument` names elsewhere in the API.")
    name = serializers.CharField()
    title = serializers.CharField()
    measures = serializers.CharField()
    version = serializers.CharField(help_text="Stored with each response that answers it.")
    recall = serializers.CharField()
    sections = SectionOutput(many=True)
    items = ItemOutput(many=True, help_text="Every scored item, in order; all are required.")
    difficulty = DifficultyOutput(
        allow_null=True, help_text="Asked after the items, never added to the total."
    )
    total_range = RangeOutput(allow_null=True, help_text="Null: no single total (ITQ).")
    bands = BandOutput(many=True, help_text="Severity bands of the total, where published.")
    caseness = serializers.IntegerField(
        allow_null=True, help_text="A case at or above this total, as the clinic uses it."
    )
    reliable_change = serializers.IntegerField(
        allow_null=True, help_text="Points of change that count as reliable, as the clinic uses it."
    )
    subscales = SubscaleOutput(many=True)
    rules = NamedOutput(many=True, help_text="The criteria a response's `rules` report.")
    diagnoses = NamedOutput(many=True, help_text="The codes a response's `diagnosis` may take.")
    safety_items = serializers.ListField(
        child=serializers.CharField(),
        help_text="Items whose answer above 0 alerts the therapist (PHQ-9 item 9).",
    )
    attribution = serializers.CharField()
    licence = serializers.CharField()


def instrument_body(policy: Policy) -> dict:
    """An instrument as the clinic uses it, in the shape of ``InstrumentOutput``."""
    each = policy.instrument
    return {
        "code": each.code,
        "name": each.name,
        "title": each.title,
        "measures": str(each.measures),
        "version": each.version,
        "recall": str(each.recall),
        "sections": [
            {"key": key, "stem": stem, "options": each.options[key]}
            for key, stem in each.sections.items()
        ],
        "items": each.items,
        "difficulty": (
            {"question": each.difficulty.text, "options": each.difficulty_options}
            if each.difficulty
            else None
        ),
        "total_range": (
            {"low": each.total_range[0], "high": each.total_range[1]} if each.total_range else None
        ),
        "bands": [
            {"low": b.low, "high": b.high, "code": b.code, "label": str(b.label)}
            for b in each.bands
        ],
        "caseness": policy.criteria.caseness,
        "reliable_change": policy.criteria.reliable_change,
        "subscales": [
            {"code": s.code, "label": str(s.label), "items": list(s.items)} for s in each.subscales
        ],
        "rules": [{"code": r.code, "label": str(r.label)} for r in each.rules],
        "diagnoses": [{"code": d.code, "label": str(d.label)} for d in each.diagnoses],
        "safety_items": list(each.safety_items),
        "attribution": each.attribution,
        "licence": str(each.licence),
    }


# --- schedules ----------------------------------------------------------------
# A schedule's days must lie near today; services.schedule_set says so, naming the field.


class MeasureScheduleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    client = serializers.IntegerField(source="client_id")
    instrument = serializers.ChoiceField(choices=CHOICES)
    cadence = serializers.ChoiceField(choices=Cadence.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True, help_text="The last day it is asked for.")
    stopped_at = serializers.DateTimeField(
        allow_null=True, help_text="When it was stopped; nothing is due after."
    )
    created_at = serializers.DateTimeField()


class MeasureScheduleCreateInput(StrictSerializer):
    client = serializers.PrimaryKeyRelatedField(queryset=Client.objects.none())
    instrument = serializers.ChoiceField(choices=CHOICES, help_text="One the clinic uses.")
    cadence = serializers.ChoiceField(choices=Cadence.choices)
    starts_on = serializers.DateField(required=False, allow_null=True, help_text="Default: today.")
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)

    def __init__(self, *args, clients=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the therapist's own clients can be named; anyone else "does not exist".
        if clients is not None:
            self.fields["client"].queryset = clients


class MeasureScheduleUpdateInput(StrictSerializer):
    cadence = serializers.ChoiceField(choices=Cadence.choices, required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False, allow_null=True)


# --- due ----------------------------------------------------------------------
class DueMeasureOutput(serializers.Serializer):
    instrument = serializers.ChoiceField(choices=CHOICES, source="instrument.code")
    name = serializers.CharField(source="instrument.name")
    since = serializers.DateTimeField(help_text="When it became due.")
    overdue = serializers.BooleanField(help_text="Due for more than a week.")


# --- responses ----------------------------------------------------------------
@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 4},
        "maxProperties": MOST_ANSWERS,
        "description": "Item code to the value of the chosen option; every scored item.",
        "example": {str(n): 0 for n in range(1, 10)},
    }
)
class AnswersField(serializers.Field):
    """An object of item codes to values. Which items and values are right depends on the
    instrument, so each item is checked against its definition once that is known."""

    # Translated when the error is raised; DRF fills in the {placeholders}.
    default_error_messages = {
        "not_object": _("Give an object of item codes to answer values."),
        "too_many": _("At most {most} answers."),
        "long_code": _("Item codes are at most {most} characters."),
    }

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_object")
        if len(data) > MOST_ANSWERS:
            self.fail("too_many", most=MOST_ANSWERS)
        if any(len(code) > ITEM_CODE_CHARS for code in data):
            self.fail("long_code", most=ITEM_CODE_CHARS)
        return data

    def to_representation(self, value):
        return value


class MeasureResponseInput(StrictSerializer):
    client = serializers.PrimaryKeyRelatedField(
        queryset=Client.objects.none(),
        required=False,
        help_text=(
            "Therapists entering a paper form: the client whose answers these are "
            "(required). Clients leave it out."
        ),
    )
    instrument = serializers.ChoiceField(choices=CHOICES, help_text="One the clinic uses.")
    answers = AnswersField()
    difficulty = StrictIntegerField(
        min_value=0,
        max_value=3,
        required=False,
        allow_null=True,
        default=None,
        help_text="The difficulty question's answer, where the instrument asks it.",
    )
    completed_at = AwareDateTimeField(validators=[_within_reporting_window])
    client_uuid = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="Set by the app; stored once."
    )

    def __init__(self, *args, clients=None, **kwargs):
        super().__init__(*args, **kwargs)
        if clients is not None:
            self.fields["client"].queryset = clients


class MeasureResponseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    client = serializers.IntegerField(source="client_id")
    client_uuid = serializers.UUIDField()
    instrument = serializers.ChoiceField(choices=CHOICES)
    version = serializers.CharField()
    completed_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField()
    answers = serializers.DictField(child=serializers.IntegerField())
    difficulty = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField(allow_null=True, help_text="Null: no single total (ITQ).")
    band = serializers.CharField(help_text="A band code of the instrument; empty without bands.")
    subscales = serializers.DictField(child=serializers.IntegerField())
    rules = serializers.DictField(child=serializers.BooleanField())
    diagnosis = serializers.CharField(help_text="A provisional diagnosis code, or empty.")
    entered_by_staff = serializers.BooleanField(
        help_text="Entered by the therapist from a paper form, not by the client."
    )


class MeasureResponseCreatedOutput(MeasureResponseOutput):
    crisis_resources = serializers.SerializerMethodField(
        help_text="The clinic's crisis resources, when a safety item was answered above 0."
    )
    crisis = serializers.SerializerMethodField(
        help_text="What the client can do now, when a safety item was answered above 0."
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_crisis_resources(self, response):
        return response.client.clinic.crisis_resources if response.alert_id else None

    @extend_schema_field(CrisisOutput(allow_null=True))
    def get_crisis(self, response):
        box = self.context.get("crisis_box")
        return CrisisOutput(box).data if response.alert_id and box is not None else None
