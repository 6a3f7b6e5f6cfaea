"""Building blocks every API serializer shares, and the practice's own endpoints."""

from django.contrib.auth import authenticate
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.models import User


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

    def validate(self, attrs):
        # The Django request, not DRF's wrapper: django-axes marks a locked-out attempt on it
        # and its middleware turns that into the 429 answer.
        http_request = self.context["request"]._request
        user = authenticate(http_request, email=attrs["email"].lower(), password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(
                "E-mail and password do not match an account.", code="invalid_credentials"
            )
        attrs["user"] = user
        return attrs


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


class MyClientOutput(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    status = serializers.CharField()
    time_zone = serializers.CharField()
    therapist_name = serializers.CharField(source="primary_therapist.display_name")


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
