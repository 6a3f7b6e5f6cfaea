"""The REST API for EMDR: targets and their status, processing records, the TICES log.

Every queryset starts from the requester (``clients.emdr.selectors``); a record outside
it answers 404, and an id outside it named in a body answers 400 naming the field, as
for an assignment's exercise. Roles decide which actions exist for whom (403).
"""

import re
from dataclasses import replace

from django.db import IntegrityError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from clients import selectors as client_selectors
from clients.api.views import (
    CLIENT_ID_DIGITS,
    CLIENT_PARAMETER,
    AuditedReadsMixin,
    ClientNarrowingMixin,
    RolePermissionsMixin,
    ScopedQuerysetMixin,
)
from clients.safety.crisis import crisis_box_for
from clinic.api.idempotency import run_once
from clinic.api.pagination import SafeCursorPagination
from clinic.api.permissions import IsClient, IsTherapist
from clinic.api.schema import IDEMPOTENCY_KEY, errors
from clinic.models import Session, User

from .. import selectors, services
from ..models import ProcessingRecord, Target, TicesEntry
from .serializers import (
    NEWEST_FIRST,
    RecordCreateInput,
    RecordInput,
    RecordOutput,
    TargetCreateInput,
    TargetInput,
    TargetLabelOutput,
    TargetOutput,
    TargetStatusInput,
    TicesCreatedOutput,
    TicesInput,
    TicesOutput,
)

IsClientOrTherapist = IsClient | IsTherapist

TARGET_PARAMETER = OpenApiParameter(
    "target",
    {"type": "integer", "minimum": 1, "maximum": 10**CLIENT_ID_DIGITS - 1},
    description="Only this target's records.",
)

# What the answer to a log entry says about when it is read (a log entry raises no alert).
LOG_READ = gettext_lazy(
    "Your therapist reads your log with you at your next session; it is not watched around "
    "the clock."
)


def _is_client(user: User) -> bool:
    return user.role == User.Role.CLIENT


def _sessions_for(user: User):
    """The sessions of the clients a therapist treats."""
    return Session.objects.filter(client__in=client_selectors.clients_for(user=user))


def _library(user: User):
    return client_selectors.exercises_for(therapist=user.therapist)


def _target_details(targets):
    """What a therapist's answer shows of each target, in a fixed number of queries."""
    records = ProcessingRecord.objects.select_related("session").order_by(*NEWEST_FIRST)
    return targets.prefetch_related(
        "emotions",
        "status_changes",
        Prefetch("records", queryset=records, to_attr="records_newest_first"),
    )


class PlanOrderPagination(SafeCursorPagination):
    ordering = ("plan_order", "id")


@extend_schema_view(
    list=extend_schema(
        description=(
            "Therapists: the targets of the clients I treat, in plan order. Clients: the "
            "labels my therapist shows me, to link a log entry to (`id` and `label` only)."
        ),
        parameters=[CLIENT_PARAMETER],
        responses={200: TargetOutput(many=True), **errors()},
    ),
    retrieve=extend_schema(responses={200: TargetOutput, **errors(401, 403, 404, 429)}),
)
class TargetViewSet(
    AuditedReadsMixin,
    ScopedQuerysetMixin,
    RolePermissionsMixin,
    ClientNarrowingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A client's EMDR targets: what the therapist set up, and its status."""

    queryset = Target.objects.none()
    pagination_class = PlanOrderPagination
    http_method_names = ["get", "post", "patch", "head", "options"]
    permissions_by_action = {
        "list": IsClientOrTherapist,
        "retrieve": IsClientOrTherapist,
        "create": IsTherapist,
        "partial_update": IsTherapist,
        "status_set": IsTherapist,
    }

    def scoped_queryset(self):
        targets = self.narrow_to_client(selectors.targets_for(user=self.request.user))
        return targets if _is_client(self.request.user) else _target_details(targets)

    def get_serializer_class(self):
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated and _is_client(user):
            return TargetLabelOutput  # never the memory, image or cognitions
        return TargetOutput

    def _respond(self, target, status_code=status.HTTP_200_OK):
        fresh = _target_details(selectors.targets_for(user=self.request.user)).get(pk=target.pk)
        return Response(TargetOutput(fresh).data, status=status_code)

    @extend_schema(
        request=TargetCreateInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: TargetOutput, **errors(400, 401, 403, 422, 429)},
    )
    def create(self, request):
        """Set up a target for a client I treat; it starts as planned."""
        data = TargetCreateInput(
            data=request.data, clients=client_selectors.clients_for(user=request.user)
        )
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        client = fields.pop("client")

        def perform():
            try:
                target = services.target_create(client=client, by=request.user, **fields)
            except IntegrityError as error:  # the same label, saved a moment before
                raise serializers.ValidationError({"label": [_label_taken()]}) from error
            return status.HTTP_201_CREATED, target

        scoped = _target_details(selectors.targets_for(user=request.user))
        return run_once(
            request,
            perform=perform,
            load=lambda pk: scoped.get(pk=pk),
            serialize=lambda target: TargetOutput(scoped.get(pk=target.pk)).data,
        )

    @extend_schema(request=TargetInput, responses={200: TargetOutput, **errors()})
    def partial_update(self, request, pk=None):
        """Change what a target says; its status changes at ``status/``."""
        target = self.get_object()
        data = TargetInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            services.target_update(target=target, by=request.user, **data.validated_data)
        except IntegrityError as error:
            raise serializers.ValidationError({"label": [_label_taken()]}) from error
        return self._respond(target)

    @extend_schema(
        request=TargetStatusInput,
        responses={200: TargetOutput, **errors(400, 401, 403, 404, 429)},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def status_set(self, request, pk=None):
        """Move the target to planned, in progress, resolved or set aside, dated now.

        Resolved follows the latest session's numbers: SUD 0, VoC 7 and a clear body scan;
        SUD 1 with ``sud_one_fitting``; VoC 5-6 with a ``reason``. Otherwise the answer is
        400 naming what stands in the way. ``resolution`` in the answer is what the rule
        says, for the app to suggest."""
        target = self.get_object()
        data = TargetStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.target_status_set(target=target, by=request.user, **data.validated_data)
        return self._respond(target)


def _label_taken() -> str:
    return _("This client has a target with this label already.")


class RecordPagination(SafeCursorPagination):
    ordering = ("-recorded_at", "-id")


@extend_schema_view(
    list=extend_schema(
        description="What the sessions of the clients I treat did with each target, newest first.",
        parameters=[CLIENT_PARAMETER, TARGET_PARAMETER],
        responses={200: RecordOutput(many=True), **errors()},
    ),
    retrieve=extend_schema(responses={200: RecordOutput, **errors(401, 403, 404, 429)}),
)
class RecordViewSet(
    AuditedReadsMixin,
    ScopedQuerysetMixin,
    RolePermissionsMixin,
    ClientNarrowingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """What each held session did with a target (therapists only)."""

    serializer_class = RecordOutput
    queryset = ProcessingRecord.objects.none()
    pagination_class = RecordPagination
    http_method_names = ["get", "post", "patch", "head", "options"]
    permissions_by_action = {
        "list": IsTherapist,
        "retrieve": IsTherapist,
        "create": IsTherapist,
        "partial_update": IsTherapist,
    }

    def scoped_queryset(self):
        records = selectors.records_for(user=self.request.user)
        client = self.named_client()
        if client is not None:
            records = records.filter(target__client=client)
        target = self._named_target()
        return records if target is None else records.filter(target=target)

    def _named_target(self) -> Target | None:
        """The target ``?target=`` names, in scope (else 404); None when not named."""
        target_id = self.request.query_params.get("target")
        if target_id is None:
            return None
        if not re.fullmatch(rf"[0-9]{{1,{CLIENT_ID_DIGITS}}}", target_id):
            raise serializers.ValidationError({"target": [_("A target id is a whole number.")]})
        target = selectors.targets_for(user=self.request.user).filter(pk=int(target_id)).first()
        if target is None:
            raise NotFound()
        return target

    @extend_schema(
        request=RecordCreateInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: RecordOutput,
            200: OpenApiResponse(
                RecordOutput, description="Corrected the session's record of this target"
            ),
            **errors(400, 401, 403, 422, 429),
        },
    )
    def create(self, request):
        """Record what a held session did with a target. One record per session and
        target: sending it again corrects it. A planned target worked becomes in progress."""
        data = RecordCreateInput(
            data=request.data,
            sessions=_sessions_for(request.user),
            targets=selectors.targets_for(user=request.user),
            exercises=_library(request.user),
        )
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        session, target = fields.pop("session"), fields.pop("target")

        def perform():
            try:
                record, created = services.record_save(
                    session=session, target=target, by=request.user, **fields
                )
            except IntegrityError:  # the same session and target, saved a moment before
                record, created = services.record_save(
                    session=session, target=target, by=request.user, **fields
                )
            return (status.HTTP_201_CREATED if created else status.HTTP_200_OK), record

        scoped = selectors.records_for(user=request.user)
        return run_once(
            request,
            perform=perform,
            load=lambda pk: scoped.get(pk=pk),
            serialize=lambda record: RecordOutput(scoped.get(pk=record.pk)).data,
        )

    @extend_schema(request=RecordInput, responses={200: RecordOutput, **errors()})
    def partial_update(self, request, pk=None):
        """Correct a record: send only what changes."""
        record = self.get_object()
        data = RecordInput(data=request.data, partial=True, exercises=_library(request.user))
        data.is_valid(raise_exception=True)
        fields = {"phases": record.phases, **data.validated_data}
        services.record_save(
            session=record.session, target=record.target, by=request.user, **fields
        )
        fresh = selectors.records_for(user=request.user).get(pk=record.pk)
        return Response(RecordOutput(fresh).data)


class TicesPagination(SafeCursorPagination):
    ordering = ("-occurred_at", "-id")


@extend_schema_view(
    list=extend_schema(
        description=(
            "My TICES log (clients) or that of the clients I treat (therapists), newest first."
        ),
        parameters=[CLIENT_PARAMETER],
        responses={200: TicesOutput(many=True), **errors()},
    ),
)
class TicesViewSet(
    AuditedReadsMixin,
    ScopedQuerysetMixin,
    RolePermissionsMixin,
    ClientNarrowingMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """The client's TICES log between sessions."""

    serializer_class = TicesOutput
    queryset = TicesEntry.objects.none()
    pagination_class = TicesPagination
    permissions_by_action = {"list": IsClientOrTherapist, "create": IsClient}

    def scoped_queryset(self):
        return self.narrow_to_client(selectors.tices_for(user=self.request.user))

    @extend_schema(
        request=TicesInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: TicesCreatedOutput,
            200: OpenApiResponse(
                TicesCreatedOutput, description="Already stored (same client_uuid)"
            ),
            **errors(400, 401, 403, 422, 429),
        },
    )
    def create(self, request):
        """Log a moment that stirred me up. Retries with the same Idempotency-Key are
        answered, not stored. At or above the clinic's level of disturbance, the answer
        lists the calming exercises my therapist gave me, to do now, and the crisis box
        (``crisis``): the lines to call when it is too much, and my safety plan."""
        client = request.user.client
        data = TicesInput(data=request.data)
        data.is_valid(raise_exception=True)

        def perform():
            # Prepared inside: a retry whose body changed is answered 422 by run_once
            # before anything about its emotions or target, like measure responses.
            draft = services.tices_prepare(client=client, **data.validated_data)
            entry, created = services.tices_record(draft=draft)
            return (status.HTTP_201_CREATED if created else status.HTTP_200_OK), entry

        scoped = selectors.tices_for(user=request.user)

        def serialize(entry):
            entry = scoped.get(pk=entry.pk)
            calming, crisis = [], None
            if entry.disturbance >= services.calming_at(client.clinic_id):
                calming = list(selectors.calming_assignments(client))
                # Whom to call stays in reach beside the exercises, as on the web page. A log
                # entry raises no alert: say honestly when it is read, not a safety answer's.
                crisis = replace(crisis_box_for(client=client), when_read=LOG_READ)
            context = {"request": request, "calming": calming, "crisis": crisis}
            return TicesCreatedOutput(entry, context=context).data

        return run_once(
            request, perform=perform, load=lambda pk: scoped.get(pk=pk), serialize=serialize
        )
