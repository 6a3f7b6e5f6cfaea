"""What the reminders API reads and writes: a person's own choices, and a therapist's
changes for one client. Which kind names exist, and which a therapist has turned off, are
known only at request time; the views pass them in and the errors name the kind."""

import re
from datetime import time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.api.serializers import (
    AwareDateTimeField,
    StrictBooleanField,
    StrictIntegerField,
    StrictSerializer,
)

PAUSE_DAYS_MAX = 90
SILENCE_DAYS_MAX = 60  # as ClientReminderPlan.silence_days allows
KIND_NAME_MAX = 40  # longer is no kind's name: not echoed back as a field path


# --- shared ------------------------------------------------------------------------------
def _kinds_errors(chosen: dict, known: set[str]) -> dict:
    """Each unknown name in ``chosen`` with its reason, as ``kinds.<name>``."""
    unknown = sorted(set(chosen) - known)
    if any(len(name) > KIND_NAME_MAX for name in unknown):
        return {"": [_("Unknown kind of reminder. Use the names GET gives.")]}
    return {name: [_("Unknown kind of reminder.")] for name in unknown}


class KindChoicesField(serializers.DictField):
    """``{"kind name": choice}``; the names are those of ``known`` (set by the view)."""

    def __init__(self, *args, **kwargs):
        self.known: set[str] = set()
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        problems = _kinds_errors(value, self.known)
        if problems:
            if "" in problems:
                raise serializers.ValidationError(problems[""])
            raise serializers.ValidationError(problems)
        return value


# --- the person's own choices ------------------------------------------------------------
WALL_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


@extend_schema_field({"type": "string", "pattern": f"^{WALL_TIME.pattern}$", "example": "21:00"})
class WallTimeField(serializers.Field):
    """A time on the clock in the person's own zone, "HH:MM": no seconds and no offset
    (an offset would say another zone's time, and be silently dropped)."""

    default_error_messages = {"invalid": _("Give a time as HH:MM, from 00:00 to 23:59.")}

    def to_internal_value(self, data):
        found = WALL_TIME.fullmatch(data) if isinstance(data, str) else None
        if found is None:
            self.fail("invalid")
        return time(int(found[1]), int(found[2]))

    def to_representation(self, value):
        return value.strftime("%H:%M")


class QuietHoursOutput(serializers.Serializer):
    own = serializers.BooleanField(help_text="False: the clinic's quiet hours.")

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword: declared here rather than in the class body.
        fields["from"] = WallTimeField(help_text="No reminder from this local time...")
        fields["until"] = WallTimeField(help_text="... until this one (may be next day).")
        return {name: fields[name] for name in ("from", "until", "own")}


class QuietHoursInput(StrictSerializer):
    """Both times, in my own time zone; equal times mean no quiet hours."""

    def get_fields(self):
        return {
            "from": WallTimeField(help_text="e.g. 21:00"),
            "until": WallTimeField(help_text="e.g. 08:00; may be on the next day."),
        }


class KindOutput(serializers.Serializer):
    name = serializers.CharField(help_text="The kind's name, to use in PATCH.")
    label = serializers.CharField()
    help = serializers.CharField()
    on = serializers.BooleanField(help_text="Whether I get this kind of reminder now.")
    locked = serializers.BooleanField(
        help_text="My therapist turned it off for me: it stays off whatever I choose."
    )
    default = serializers.BooleanField(help_text="What it would be without a choice of mine.")


class ClinicDefaultsOutput(serializers.Serializer):
    daily_hour = serializers.IntegerField()
    quiet_from = WallTimeField()
    quiet_until = WallTimeField()


class PreferencesOutput(serializers.Serializer):
    kinds = KindOutput(many=True)
    daily_hour = serializers.IntegerField(
        help_text="The hour of daily reminders in my time zone (0-23): mine, else the clinic's."
    )
    daily_hour_own = serializers.IntegerField(
        allow_null=True, help_text="My own choice; null follows the clinic."
    )
    quiet_hours = QuietHoursOutput()
    paused_until = serializers.DateTimeField(
        allow_null=True, help_text="No reminders at all until then; null when not paused."
    )
    reminded = serializers.BooleanField(
        help_text="False when no reminder goes to me whatever I choose (treatment not active)."
    )
    clinic_defaults = ClinicDefaultsOutput()


class PreferencesInput(StrictSerializer):
    """My own choices. Send only what changes."""

    kinds = KindChoicesField(
        child=StrictBooleanField(allow_null=True),
        required=False,
        help_text='{"kind name": true, false or null}; names from GET; null returns a kind to '
        "its default. Kinds not named stay as they are.",
    )
    daily_hour = StrictIntegerField(
        min_value=0,
        max_value=23,
        allow_null=True,
        required=False,
        help_text="0-23 in my time zone; null returns to the clinic's hour.",
    )
    quiet_hours = QuietHoursInput(
        allow_null=True, required=False, help_text="Null returns to the clinic's quiet hours."
    )
    paused_until = AwareDateTimeField(
        allow_null=True,
        required=False,
        help_text=f"Pause every reminder until then (at most {PAUSE_DAYS_MAX} days ahead); "
        "null ends a pause.",
    )

    def __init__(self, *args, known=(), locked=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].known = set(known)
        self.locked = set(locked)

    def validate_kinds(self, value):
        refused = {
            name: [_("Your therapist turned this reminder off; ask them to turn it back on.")]
            for name, on in value.items()
            if on and name in self.locked
        }
        if refused:
            raise serializers.ValidationError(refused, code="locked")
        return value

    def validate_paused_until(self, value):
        if value is None:
            return value
        now = timezone.now()
        if value <= now:
            raise serializers.ValidationError(_("Choose a time in the future."), code="past")
        if value > now + timedelta(days=PAUSE_DAYS_MAX):
            raise serializers.ValidationError(
                _("A pause lasts at most %(days)d days.") % {"days": PAUSE_DAYS_MAX},
                code="too_far",
            )
        return value


# --- the therapist's changes for one client ----------------------------------------------
class PlanDefaultsOutput(serializers.Serializer):
    kinds = serializers.DictField(
        child=serializers.BooleanField(), help_text="Each kind as the clinic sets it."
    )
    silence_days = serializers.IntegerField(help_text="0: no check-in nudge.")


class PlanOutput(serializers.Serializer):
    client = serializers.IntegerField()
    kinds = serializers.DictField(
        child=serializers.BooleanField(allow_null=True),
        help_text=(
            "Every kind of client reminder: true turned on, false turned off (the client "
            "cannot turn it back on), null as the clinic sets it and the client chooses."
        ),
    )
    silence_days = serializers.IntegerField(
        allow_null=True,
        help_text="Nudge after this many days without a check-in; 0 never; null the clinic's.",
    )
    clinic_defaults = PlanDefaultsOutput()
    updated_at = serializers.DateTimeField(allow_null=True, help_text="Null: never changed.")


class PlanInput(StrictSerializer):
    """Send only what changes."""

    kinds = KindChoicesField(
        child=StrictBooleanField(allow_null=True),
        required=False,
        help_text='{"kind name": true, false or null}; null returns a kind to the clinic\'s.',
    )
    silence_days = StrictIntegerField(
        min_value=0,
        max_value=SILENCE_DAYS_MAX,
        allow_null=True,
        required=False,
        help_text="0 turns the nudge off; null returns to the clinic's number.",
    )

    def __init__(self, *args, known=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].known = set(known)
