"""One error shape for the whole API: {"errors": [{"field", "code", "message"}]}.

``field`` is a path into the request body (``emotions[1].intensity``), or null
when the error is about the request as a whole.
"""

from collections.abc import Iterator

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD_KEYS = {"non_field_errors", "__all__"}


def _flatten(detail, path: str = "") -> Iterator[dict]:
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in NON_FIELD_KEYS:
                yield from _flatten(value, path)
            elif isinstance(key, int):  # an item of a list field
                yield from _flatten(value, f"{path}[{key}]")
            else:
                yield from _flatten(value, f"{path}.{key}" if path else str(key))
    elif isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            for item in detail:
                yield from _flatten(item, path)
        else:
            for index, item in enumerate(detail):
                yield from _flatten(item, f"{path}[{index}]")
    else:
        yield {
            "field": path or None,
            "code": getattr(detail, "code", None) or "invalid",
            "message": str(detail),
        }


def error_body(detail) -> dict:
    return {"errors": list(_flatten(detail))}


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        # Django's message names the model; "not found" is all anyone outside needs.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        # Services validate with Django's ValidationError; show it like a serializer's.
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    if isinstance(detail, str) and not isinstance(detail, ErrorDetail):
        detail = ErrorDetail(detail, code=getattr(exc, "default_code", "error"))
    response.data = error_body(detail)
    return response


class UnprocessableEntity(exceptions.APIException):
    status_code = 422
    default_code = "unprocessable"
    default_detail = "The request cannot be processed."
