"""Pieces of the OpenAPI description that many endpoints share."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from .idempotency import HEADER


class ErrorItem(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="Path into the body, or null.")
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorOutput(serializers.Serializer):
    errors = ErrorItem(many=True)


ERROR_DESCRIPTIONS = {
    400: "Invalid request: each offending field with the reason",
    401: "Not logged in, or the token expired or was revoked",
    403: "Logged in, but this role cannot do this",
    404: "No such record among those you may see (or no page with this cursor)",
    409: "Not possible in the record's present state (the reason is in the message)",
    410: "Gone: what this request refers to was taken back or replaced",
    422: "This Idempotency-Key was used with a different request",
    429: "Too many requests; see Retry-After",
    503: (
        "The database did not answer for a moment (a restart, a lock): nothing was stored; "
        "try again after Retry-After seconds, with the same Idempotency-Key for a write"
    ),
}


def errors(*codes: int) -> dict:
    # Any request can meet a database that is away for a moment.
    codes = (*(codes or (400, 401, 403, 404, 429)), 503)
    return {
        code: OpenApiResponse(ErrorOutput, description=ERROR_DESCRIPTIONS[code]) for code in codes
    }


IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    location=OpenApiParameter.HEADER,
    required=True,
    description="A new random value (a UUID) per request; reuse it only to retry that request.",
)
