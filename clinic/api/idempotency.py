"""Retries of a POST are answered from the first attempt, never stored twice."""

import hashlib
import json
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.models import IdempotencyKey

from .errors import Conflict, UnprocessableEntity

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def key_from(request: Request) -> str:
    key = request.headers.get(HEADER)
    if not key:
        raise ValidationError(
            {HEADER: ErrorDetail("This header is required: a new UUID per request.", "required")}
        )
    if not KEY_PATTERN.fullmatch(key):
        raise ValidationError(
            {HEADER: ErrorDetail("Use 8-128 letters, digits, '.', '_', ':' or '-'.", "invalid")}
        )
    return key


def fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def run_once(
    request: Request,
    *,
    perform: Callable[[], tuple[int, int]],
    respond: Callable[[int, int], Response],
) -> Response:
    """Claim the request's key, ``perform()`` the write, remember its (status, id).

    ``perform`` runs in the claim's transaction; if it raises, the claim is
    rolled back with it and the key stays free. ``respond(status, id)`` builds
    the response, for the first attempt and for every retry alike.
    """
    key = key_from(request)
    print_ = fingerprint(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = IdempotencyKey.objects.create(
                    user=request.user, key=key, fingerprint=print_, status_code=0
                )
        except IntegrityError:
            # Another attempt holds the key. On PostgreSQL the insert above waited
            # for it to commit; with SQLite's immediate transactions we only got
            # here after it did. Either way its result is now readable.
            return _replay(request, key, print_, respond)
        status_code, resource_id = perform()
        claim.status_code = status_code
        claim.resource_id = resource_id
        claim.save(update_fields=["status_code", "resource_id"])
    return respond(status_code, resource_id)


def _replay(request: Request, key: str, print_: str, respond) -> Response:
    first = IdempotencyKey.objects.filter(user=request.user, key=key).first()
    if first is None or first.status_code == 0:
        raise Conflict("The first request with this key is still being processed; retry shortly.")
    if first.fingerprint != print_:
        raise UnprocessableEntity(
            "This Idempotency-Key was already used with a different request.",
            code="idempotency_key_reused",
        )
    response = respond(first.status_code, first.resource_id)
    response["Idempotent-Replayed"] = "true"
    return response
