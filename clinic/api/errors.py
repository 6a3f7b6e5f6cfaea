"""One error shape for the whole API: {"errors": [{"field", "code", "message"}]}.

``field`` is a path into the request body (``emotions[1].intensity``), or null
when the error is about the request as a whole.
"""

import logging
import sqlite3
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD_KEYS = {"non_field_errors", "__all__"}

logger = logging.getLogger("clinic.database")

# How long a client is asked to wait when the database does not answer: a restart or a
# lock held past SQLite's timeout is over in seconds.
RETRY_AFTER_SECONDS = 5


class DatabaseUnavailable(exceptions.APIException):
    status_code = 503
    default_code = "database_unavailable"
    default_detail = _(
        "The dashboard cannot reach its database for a moment. Try again in a few seconds."
    )
    wait = RETRY_AFTER_SECONDS  # DRF's handler turns it into Retry-After


def database_fault(exc: BaseException | None) -> BaseException | None:
    """The error of a database that does not answer behind ``exc``, or None.

    Only what passes: a server that is down, restarting or refusing connections, a closed
    connection, a deadlock, SQLite's "database is locked". A missing table or column is an
    OperationalError too on SQLite, but it is a mistake (a forgotten migrate) that must stay
    a 500 with its traceback, not a pause.
    """
    for _depth in range(5):
        if exc is None:
            return None
        if isinstance(exc, InterfaceError):
            return exc
        if isinstance(exc, OperationalError):
            return exc if _passes(exc) else None
        exc = exc.__cause__
    return None


# SQLSTATE classes and codes of PostgreSQL that say "try again": connection exceptions,
# insufficient resources, the server shutting down or starting, serialisation and deadlock.
TRANSIENT_SQLSTATE_CLASSES = {"08", "53"}
TRANSIENT_SQLSTATES = {"57P01", "57P02", "57P03", "40001", "40P01"}
SQLITE_TRANSIENT_WORDS = ("locked", "busy", "unable to open", "disk i/o")


def _passes(error: OperationalError) -> bool:
    driver_error = error.__cause__
    if isinstance(driver_error, sqlite3.Error):
        message = str(driver_error).lower()
        return any(words in message for words in SQLITE_TRANSIENT_WORDS)
    sqlstate = getattr(driver_error, "sqlstate", None)
    if sqlstate is None:  # psycopg could not connect at all: no server answered
        return True
    return sqlstate[:2] in TRANSIENT_SQLSTATE_CLASSES or sqlstate in TRANSIENT_SQLSTATES


def database_fault_log(request: HttpRequest, fault: BaseException) -> None:
    """One warning line per request, no traceback. The driver's first line says what
    happened (refused, shutting down, locked); query parameters are never part of it."""
    if getattr(request, "database_unavailable", False):
        return  # a middleware above the one that failed may fail again on its way out
    request.database_unavailable = True  # middleware leaves the database alone after this
    reason = (str(fault).strip().splitlines() or [""])[0][:200]
    logger.warning(
        "database unavailable, answered 503 to %s %s: %s: %s",
        request.method,
        request.path,
        type(fault).__name__,
        reason,
    )


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
    fault = database_fault(exc)
    if fault is not None:
        request = context["request"]
        database_fault_log(getattr(request, "_request", request), fault)
        exc = DatabaseUnavailable()
    elif isinstance(exc, Http404):
        # Django's message names the model; "not found" is all anyone outside needs.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        # A service's refusal says why ("Treatment has ended..."); a bare one says no more.
        exc = exceptions.PermissionDenied(str(exc) or None)
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
    if fault is not None:
        response._has_been_logged = True  # Django would log it again as an error
    return response


class UnprocessableEntity(exceptions.APIException):
    status_code = 422
    default_code = "unprocessable"
    default_detail = "The request cannot be processed."
