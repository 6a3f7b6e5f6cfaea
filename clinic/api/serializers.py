"""Building blocks every API serializer shares, and the practice's own endpoints."""

from typing import NoReturn

from django.contrib.auth import authenticate
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clients.wording import person_words
from clinic import two_factor
from clinic.models import Session, User
from clinic.sessions import next_session_for


class StrictIntegerField(serializers.IntegerField):
    """An integer in JSON is a number: "5", 5.5 and true are refused, not coerced."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        if isinstance(data, float) and not data.is_integer():
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class AwareDateTimeField(serializers.DateTimeField):
    """A moment with its UTC offset. Without one, "09:30" could be any of 24 moments."""

    default_error_messages = {
        "offset": "Give the date and time with a UTC offset, e.g. 2026-03-01T09:30:00+01:00.",
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value)
            except ValueError:  # impossible parts, such as month 13: the parent says so
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                self.fail("offset")
        return super().to_internal_value(value)


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a typo in an app is an error, not lost data, and
    text that is not a JSON string (DRF would turn 5 into "5"). These are reported together
    with every other error of the body."""

    def to_internal_value(self, data):
        refused = {}
        if isinstance(data, dict):
            known = {field.field_name for field in self._writable_fields}
            refused = {
                name: [serializers.ErrorDetail("Unknown field.", code="unknown_field")]
                for name in sorted(set(data) - known)
            }
            refused.update(
                {
                    field.field_name: [
                        serializers.ErrorDetail("Text must be a JSON string.", code="invalid")
                    ]
                    for field in self._writable_fields
                    if isinstance(field, serializers.CharField)
                    and data.get(field.field_name) is not None
                    and not isinstance(data[field.field_name], str)
                }
            )
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if refused and isinstance(error.detail, dict):
                raise serializers.ValidationError({**error.detail, **refused}) from error
            raise
        if refused:
            raise serializers.ValidationError(refused)
        return value


class LoginInput(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    otp_code = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text=(
            "Staff who sign in with a second factor: the 6-digit code from their "
            "authenticator app, or one of their recovery codes. Clients leave it out."
        ),
    )

    def validate(self, attrs):
        # The Django request, not DRF's wrapper: django-axes marks a locked-out attempt on it
        # and its middleware turns that into the 429 answer.
        http_request = self.context["request"]._request
        user = authenticate(http_request, email=attrs["email"].lower(), password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(
                _("E-mail and password do not match an account."), code="invalid_credentials"
            )
        self._second_factor(http_request, user, attrs.get("otp_code") or "")
        attrs["user"] = user
        return attrs

    def _second_factor(self, http_request, user: User, code: str) -> None:
        """Staff who owe a second factor send its code; a wrong one counts as a failed
        sign-in (django-axes), so guessing codes pauses the account like guessing passwords."""
        step = two_factor.second_factor_step(user)
        if step is two_factor.Step.NONE:
            return
        if step is two_factor.Step.SET_UP:
            _refuse(
                _(
                    "Your clinic asks staff to sign in with a second factor. Set up "
                    "two-factor sign-in on the web first, then sign in here with its code."
                ),
                "second_factor_not_set_up",
            )
        if not code.strip():
            _refuse(
                _(
                    "This account signs in with a second factor: send the 6-digit code from "
                    "your authenticator app, or a recovery code, as otp_code."
                ),
                "required",
            )
        try:
            device = two_factor.code_check(user=user, code=code)
        except two_factor.CodeWait as wait:
            _refuse(
                ngettext(
                    "Too many wrong codes in a row: wait %(seconds)d second, then try again.",
                    "Too many wrong codes in a row: wait %(seconds)d seconds, then try again.",
                    wait.seconds,
                )
                % {"seconds": wait.seconds},
                "wait",
            )
        if device is None:
            two_factor.code_failed(http_request, user)
            _refuse(_("This code is wrong or has expired."), "invalid")


def _refuse(message: str, code: str) -> NoReturn:
    raise serializers.ValidationError({"otp_code": [serializers.ErrorDetail(message, code=code)]})


class LoginUserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.ChoiceField(choices=User.Role.choices)


class LoginOutput(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)
    user = LoginUserOutput()


class ClinicOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    time_zone = serializers.CharField()
    crisis_resources = serializers.CharField()


class NextSessionOutput(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()
    mode = serializers.ChoiceField(choices=Session.Mode.choices)
    video_link = serializers.URLField(
        allow_blank=True, help_text="Where to join a virtual session; empty in person."
    )
    therapist_name = serializers.CharField(source="therapist.display_name")


class PersonWordsOutput(serializers.Serializer):
    """How the check-in's questions name the other person, as the therapist set it."""

    for_client = serializers.CharField(help_text="e.g. 'your ex', or 'the other person'.")
    charge_question = serializers.CharField()
    mind_space_question = serializers.CharField()
    charge_negative_end = serializers.CharField(source="ends.negative")
    charge_positive_end = serializers.CharField(source="ends.positive")


class MyClientOutput(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    status = serializers.CharField()
    discharged_on = serializers.DateField(allow_null=True)
    time_zone = serializers.CharField()
    therapist_name = serializers.CharField(source="primary_therapist.display_name")
    next_session = serializers.SerializerMethodField()
    other_person = serializers.SerializerMethodField()

    @extend_schema_field(NextSessionOutput(allow_null=True))
    def get_next_session(self, client):
        session = next_session_for(client)
        return NextSessionOutput(session).data if session is not None else None

    @extend_schema_field(PersonWordsOutput)
    def get_other_person(self, client):
        return PersonWordsOutput(person_words(client)).data


class MeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    role = serializers.ChoiceField(choices=User.Role.choices)
    clinic = ClinicOutput(allow_null=True)
    client = serializers.SerializerMethodField()
    therapist_id = serializers.SerializerMethodField()

    @extend_schema_field(MyClientOutput(allow_null=True))
    def get_client(self, user):
        client = getattr(user, "client", None) if user.role == User.Role.CLIENT else None
        return MyClientOutput(client).data if client is not None else None

    def get_therapist_id(self, user) -> int | None:
        therapist = getattr(user, "therapist", None) if user.role == User.Role.THERAPIST else None
        return therapist.pk if therapist is not None else None
