"""Retries of a POST are answered from the first attempt, never stored twice.

A key is only ever stored together with what its request wrote, so there is no
"in flight" state for a retry to see: it waits for, or finds, the finished first.
"""

import hashlib
import json
import re
from collections.abc import Callable

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from rest_framework.exceptions import APIException, ErrorDetail, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.models import IdempotencyKey

from .errors import UnprocessableEntity

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


class Undone(APIException):
    status_code = 410
    default_code = "undone"
    default_detail = "What this request stored was taken back since; it is not stored again."


def fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def run_once(
    request: Request,
    *,
    perform: Callable[[], tuple[int, Model]],
    load: Callable[[int], Model],
    serialize: Callable[[Model], dict],
) -> Response:
    """``perform()`` the write and record the key with its result, in one transaction.

    The key is unique per user, so of two attempts with one key only the first to
    commit keeps its writes: the other's insert of the key fails (on PostgreSQL it
    waits for the first to commit; SQLite's immediate transactions run them one
    after the other), its whole transaction rolls back, and it answers as the first
    did: the same status and ``serialize(load(id))``, the same body rebuilt from
    the stored record.
    """
    key = key_from(request)
    print_ = fingerprint(request)
    try:
        with transaction.atomic():
            status_code, resource = perform()
            IdempotencyKey.objects.create(
                user=request.user,
                key=key,
                fingerprint=print_,
                status_code=status_code,
                resource_id=resource.pk,
            )
    except (IntegrityError, DjangoValidationError, ValidationError):
        # A retry may also be refused on its way (its exercise is assigned by now,
        # say): the state moved on since the first attempt, but the answer has not.
        if not IdempotencyKey.objects.filter(user=request.user, key=key).exists():
            raise  # not a retry: a real error, or a refusal to report
        return _replay(request, key, print_, load, serialize)
    return Response(serialize(resource), status=status_code)


def _replay(request: Request, key: str, print_: str, load, serialize) -> Response:
    first = IdempotencyKey.objects.get(user=request.user, key=key)
    if first.fingerprint != print_:
        raise UnprocessableEntity(
            "This Idempotency-Key was already used with a different request.",
            code="idempotency_key_reused",
        )
    try:
        stored = load(first.resource_id)
    except ObjectDoesNotExist:
        # The client took it back since (an undone completion): say so, never store again.
        raise Undone() from None
    response = Response(serialize(stored), status=first.status_code)
    response["Idempotent-Replayed"] = "true"
    return response
