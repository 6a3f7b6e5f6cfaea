"""The audit trail: every read of client data by staff, and every write by anyone.

Reads are recorded where they happen (pages and API views call ``record_read``).
Writes are recorded from model signals, because a write can come from a page, the API,
the admin or a background task, and none of them may forget it. Rows hold kinds and ids
only, never a value from the record.
"""

import contextvars
import csv
import datetime as dt
import io
import ipaddress
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest

from .audit_words import sentence
from .models import User
from .spreadsheets import safe_cell

STAFF_ROLES = User.STAFF_ROLES


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    role: str
    clinic_id: int | None
    ip: str | None
    view: str = ""


SYSTEM = Actor(user_id=None, role="system", clinic_id=None, ip=None)
# The request being served, if any. The actor is read from it when a write happens, since
# an API token is only checked inside the view, after the middleware has run.
_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_request", default=None
)


def current_actor() -> Actor:
    request = _request.get()
    return actor_for(request) if request is not None else SYSTEM


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: REMOTE_ADDR, or X-Forwarded-For as far as NUM_PROXIES trusts it.

    The same rule as the API's throttles; django-axes uses this function too, so sign-in
    limits, throttles and the audit trail all name the same address.
    """
    address = request.META.get("REMOTE_ADDR")
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if hops:
            address = hops[-min(proxies, len(hops))]
    try:
        # No IPv6 zone ("%eth0"): it means nothing beyond this host, and PostgreSQL refuses it.
        return str(ipaddress.ip_address(address.split("%", 1)[0]))
    except (AttributeError, ValueError):
        return None


def actor_for(request: HttpRequest) -> Actor:
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    view = (match.view_name or "")[:80] if match else ""
    if user is None or not user.is_authenticated:
        return Actor(
            user_id=None, role="anonymous", clinic_id=None, ip=client_ip(request), view=view
        )
    return Actor(
        user_id=user.pk, role=user.role, clinic_id=user.clinic_id, ip=client_ip(request), view=view
    )


class AuditContextMiddleware:
    """Makes the requester known to the write signals for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def _event(
    actor: Actor, *, action: str, object_type: str, object_ids, client_id=None, clinic_id=None
):
    from .models import AuditEvent

    return AuditEvent(
        actor_id=actor.user_id,
        actor_role=actor.role,
        clinic_id=clinic_id if clinic_id is not None else actor.clinic_id,
        action=action,
        object_type=object_type,
        object_ids=[int(pk) for pk in object_ids],
        client_id=client_id,
        view=actor.view,
        ip=actor.ip,
    )


def _write(actor: Actor, **what) -> None:
    _event(actor, **what).save()


def record(
    request: HttpRequest | None,
    *,
    action: str,
    object_type: str,
    object_ids,
    client_id: int | None = None,
    clinic_id: int | None = None,
) -> None:
    """Record one event by the requester (or by the system, outside a request)."""
    actor = actor_for(request) if request is not None else current_actor()
    _write(
        actor,
        action=action,
        object_type=object_type,
        object_ids=object_ids,
        client_id=client_id,
        clinic_id=clinic_id,
    )


def record_writes(*, action: str, object_type: str, rows) -> None:
    """Record rows written in bulk (which send no signals), by the current actor: one
    event per client, in one query. ``rows`` holds (object id, client id, clinic id)."""
    from .models import AuditEvent

    actor = current_actor()
    by_client: dict[tuple, list[int]] = {}
    for object_id, client_id, clinic_id in rows:
        by_client.setdefault((client_id, clinic_id), []).append(object_id)
    AuditEvent.objects.bulk_create(
        _event(
            actor,
            action=action,
            object_type=object_type,
            object_ids=ids,
            client_id=client_id,
            clinic_id=clinic_id,
        )
        for (client_id, clinic_id), ids in by_client.items()
    )


def _is_staff(request: HttpRequest) -> bool:
    user = request.user
    return user.is_authenticated and user.role in STAFF_ROLES


def record_read(
    request: HttpRequest, object_type: str, object_ids, client_id: int | None = None
) -> None:
    """Record that a member of staff saw these records (``object_type`` is the model's
    name; the page or route is in ``view``). Clients reading their own are not recorded."""
    if not _is_staff(request):
        return
    ids = list(object_ids)
    if client_id is None and object_type == "client" and len(ids) == 1:
        client_id = ids[0]
    record(request, action="view", object_type=object_type, object_ids=ids, client_id=client_id)


def record_read_by(user, request: HttpRequest, object_type: str, object_ids) -> None:
    """``record_read`` for a reader known otherwise than by the request's sign-in (a
    calendar feed's secret): the request gives the place and the address, ``user`` the
    actor. Clients reading their own are not recorded."""
    if not (user.is_authenticated and user.role in STAFF_ROLES):
        return
    match = getattr(request, "resolver_match", None)
    actor = Actor(
        user_id=user.pk,
        role=user.role,
        clinic_id=user.clinic_id,
        ip=client_ip(request),
        view=(match.view_name or "")[:80] if match else "",
    )
    _write(actor, action="view", object_type=object_type, object_ids=list(object_ids))


def record_admin_read(request: HttpRequest, model, object_ids) -> None:
    """A read in the admin, filed under each record's own clinic and client.

    An operator belongs to no clinic, so the reader's clinic would hide their reads from
    the clinic's trail; the records know where they belong (one query for a whole list).
    """
    if not _is_staff(request) or not object_ids:
        return
    client_path = _client_path(model)
    fields = ["pk", model.clinic_lookup, *([client_path] if client_path else [])]
    groups: dict[int | None, list[tuple[int, int | None]]] = {}
    for row in model._default_manager.filter(pk__in=object_ids).values_list(*fields):
        pk, clinic_id, client_id = row[0], row[1], row[2] if client_path else None
        groups.setdefault(clinic_id, []).append((pk, client_id))
    for clinic_id, rows in groups.items():
        clients = {client_id for _, client_id in rows}
        record(
            request,
            action="view",
            object_type=model._meta.model_name,
            object_ids=[pk for pk, _ in rows],
            client_id=clients.pop() if len(clients) == 1 else None,
            clinic_id=clinic_id,
        )


# --- Writes ------------------------------------------------------------------


def _related_id(instance, lookup: str) -> int | None:
    """Follow a ``clinic_lookup`` path such as ``assignment__client__clinic`` to an id."""
    *hops, last = lookup.split("__")
    obj = instance
    for hop in hops:
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None) if last != "pk" else obj.pk


def _client_path(model) -> str | None:
    """The lookup from a model to its client, from its ``clinic_lookup`` (None if it has none)."""
    if model._meta.label == "clients.Client":
        return "pk"
    path = model.clinic_lookup.removesuffix("__clinic")
    return path if path.endswith("client") else None


def _client_id(instance) -> int | None:
    path = _client_path(type(instance))
    if path is None:
        return None
    return instance.pk if path == "pk" else _related_id(instance, path)


# Set while a caller deletes or writes many rows and records them itself, one row per kind:
# an erasure removes thousands of rows, and a row (and a query) for each would be waste.
_recorded_by_caller: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "audit_recorded_by_caller", default=False
)


@contextmanager
def writes_recorded_by_caller():
    """Inside this block, the write signals record nothing; the caller records the writes."""
    token = _recorded_by_caller.set(True)
    try:
        yield
    finally:
        _recorded_by_caller.reset(token)


def _on_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or _recorded_by_caller.get():  # loaddata, or a caller that records in bulk
        return
    if sender._meta.label == "clinic.User" and update_fields == frozenset({"last_login"}):
        # Django stamps last_login as someone signs in: record the sign-in, by them.
        actor = current_actor()
        signed_in = Actor(
            user_id=instance.pk,
            role=instance.role,
            clinic_id=instance.clinic_id,
            ip=actor.ip,
            view=actor.view,
        )
        _write(signed_in, action="login", object_type="user", object_ids=[instance.pk])
        return
    _on_write(instance, "create" if created else "update")


def _on_delete(sender, instance, **kwargs):
    if not _recorded_by_caller.get():
        _on_write(instance, "delete")


def _on_write(instance, action: str) -> None:
    try:
        clinic_id = _related_id(instance, instance.clinic_lookup)
        client_id = _client_id(instance)
    except ObjectDoesNotExist:  # a parent already gone in a cascade; the row's own id remains
        clinic_id = client_id = None
    _write(
        current_actor(),
        action=action,
        object_type=instance._meta.model_name,
        object_ids=[instance.pk],
        client_id=client_id,
        clinic_id=clinic_id,
    )


def audited_models():
    """Every model that belongs to a clinic, except the trail itself."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if hasattr(model, "clinic_lookup") and model._meta.label != "clinic.AuditEvent"
    ]


def connect_write_signals() -> None:
    for model in audited_models():
        post_save.connect(_on_save, sender=model, dispatch_uid=f"audit-save-{model._meta.label}")
        post_delete.connect(
            _on_delete, sender=model, dispatch_uid=f"audit-delete-{model._meta.label}"
        )


# --- Export ------------------------------------------------------------------

CSV_COLUMNS = [
    "at",
    "actor_id",
    "actor_email",
    "actor_role",
    "clinic_id",
    "action",
    "object_type",
    "object_ids",
    "client_id",
    "view",
    "ip",
    "description",
]


def csv_lines(events, *, zones: Mapping[int, dt.tzinfo] | None = None):
    """The trail as CSV lines, streamed so a long trail never sits in memory.

    Times are in each event's clinic's zone (``zones`` by clinic id; UTC without one),
    with the offset, e.g. 2026-11-30T15:04:05-08:00. The last column says what happened
    in words, with names looked up now.
    """
    zones = zones or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        line = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return line

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for event in events.select_related("actor", "client").iterator(chunk_size=2000):
        at = event.at.astimezone(zones.get(event.clinic_id, dt.UTC))
        writer.writerow(
            [
                safe_cell(cell)
                for cell in (
                    at.isoformat(timespec="seconds"),
                    event.actor_id or "",
                    event.actor.email if event.actor_id and event.actor else "",
                    event.actor_role,
                    event.clinic_id or "",
                    event.action,
                    event.object_type,
                    " ".join(str(pk) for pk in event.object_ids),
                    event.client_id or "",
                    event.view,
                    event.ip or "",
                    sentence(event),
                )
            ]
        )
        yield flush()
