"""The REST API for outcome measures: instruments, schedules, what is due, responses, FHIR.

Every queryset starts from the requester (``clients.measures.selectors``); a record
outside it answers 404. Roles decide which actions exist for whom (403).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from clients import selectors as client_selectors
from clients.api.views import (
    CLIENT_PARAMETER,
    AuditedReadsMixin,
    ClientNarrowingMixin,
    RolePermissionsMixin,
    ScopedQuerysetMixin,
)
from clients.models import Client
from clients.safety.crisis import crisis_box_for
from clinic import audit
from clinic.api.idempotency import run_once
from clinic.api.pagination import SafeCursorPagination
from clinic.api.permissions import IsClient, IsClinicMember, IsTherapist
from clinic.api.schema import IDEMPOTENCY_KEY, errors
from clinic.models import User

from .. import fhir, policies, selectors, services
from ..models import MeasureResponse, MeasureSchedule
from ..scoring import answer_errors
from . import filters
from .serializers import (
    DueMeasureOutput,
    InstrumentOutput,
    MeasureResponseCreatedOutput,
    MeasureResponseInput,
    MeasureResponseOutput,
    MeasureScheduleCreateInput,
    MeasureScheduleOutput,
    MeasureScheduleUpdateInput,
    instrument_body,
)

IsClientOrTherapist = IsClient | IsTherapist


def _is_client(user: User) -> bool:
    return user.role == User.Role.CLIENT


@extend_schema_view(
    list=extend_schema(
        description=(
            "The instruments my clinic uses, with their items, options, scoring and the "
            "clinic's cut-offs (not paginated: a handful)."
        ),
        responses={200: InstrumentOutput(many=True), **errors(401, 403, 429)},
    ),
)
class InstrumentViewSet(viewsets.ViewSet):
    permission_classes = [IsClinicMember]

    def list(self, request):
        enabled = policies.enabled_for(request.user.clinic_id)
        return Response(InstrumentOutput(map(instrument_body, enabled.values()), many=True).data)


@extend_schema_view(
    list=extend_schema(
        description="Clients: what I am asked to complete, and when. Therapists: my clients'.",
        parameters=[CLIENT_PARAMETER],
        responses={200: MeasureScheduleOutput(many=True), **errors()},
    ),
    retrieve=extend_schema(responses={200: MeasureScheduleOutput, **errors(401, 403, 404, 429)}),
)
class ScheduleViewSet(
    AuditedReadsMixin,
    ScopedQuerysetMixin,
    RolePermissionsMixin,
    ClientNarrowingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = MeasureScheduleOutput
    queryset = MeasureSchedule.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]
    permissions_by_action = {
        "list": IsClientOrTherapist,
        "retrieve": IsClientOrTherapist,
        "create": IsTherapist,
        "partial_update": IsTherapist,
        "stop": IsTherapist,
    }

    def scoped_queryset(self):
        return self.narrow_to_client(selectors.schedules_for(user=self.request.user)).order_by(
            "-id"
        )

    @extend_schema(
        request=MeasureScheduleCreateInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: MeasureScheduleOutput,
            200: OpenApiResponse(
                MeasureScheduleOutput,
                description="Replaced the client's schedule of this instrument",
            ),
            **errors(400, 401, 403, 422, 429),
        },
    )
    def create(self, request):
        """Ask a client I treat to complete an instrument: before every session, every 1, 2
        or 4 weeks, or once. A client has one schedule per instrument: this replaces it."""
        data = MeasureScheduleCreateInput(
            data=request.data, clients=client_selectors.clients_for(user=request.user)
        )
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        scoped = selectors.schedules_for(user=request.user)

        def perform():
            existed = scoped.filter(
                client=fields["client"], instrument=fields["instrument"]
            ).exists()
            schedule = services.schedule_set(by=request.user, **fields)
            return (status.HTTP_200_OK if existed else status.HTTP_201_CREATED), schedule

        return run_once(
            request,
            perform=perform,
            load=lambda pk: scoped.get(pk=pk),
            serialize=lambda schedule: MeasureScheduleOutput(schedule).data,
        )

    @extend_schema(
        request=MeasureScheduleUpdateInput, responses={200: MeasureScheduleOutput, **errors()}
    )
    def partial_update(self, request, pk=None):
        """Change how often, or the first or last day."""
        schedule = self.get_object()
        data = MeasureScheduleUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        updated = services.schedule_set(
            client=schedule.client,
            instrument=schedule.instrument,
            cadence=fields.get("cadence", schedule.cadence),
            starts_on=fields.get("starts_on", schedule.starts_on),
            ends_on=fields.get("ends_on", schedule.ends_on),
            by=request.user,
        )
        return Response(MeasureScheduleOutput(updated).data)

    @extend_schema(
        request=None, responses={200: MeasureScheduleOutput, **errors(401, 403, 404, 429)}
    )
    @action(detail=True, methods=["post"])
    def stop(self, request, pk=None):
        """Stop asking now; the responses stay. A schedule stopped already keeps the moment
        it stopped."""
        schedule = services.schedule_stop(schedule=self.get_object())
        return Response(MeasureScheduleOutput(schedule).data)


@extend_schema_view(
    list=extend_schema(
        description=(
            "What is due now and since when (not paginated). Clients: mine. Therapists: "
            "name the client with `client`."
        ),
        parameters=[CLIENT_PARAMETER],
        responses={200: DueMeasureOutput(many=True), **errors()},
    ),
)
class DueViewSet(RolePermissionsMixin, ClientNarrowingMixin, viewsets.ViewSet):
    permissions_by_action = {"list": IsClientOrTherapist}

    def list(self, request):
        client = self.named_client()
        if client is None and not _is_client(request.user):
            raise serializers.ValidationError(
                {"client": [_("Name the client whose measures are asked for.")]}
            )
        client = client or request.user.client
        due = selectors.due_for(client)
        if not _is_client(request.user):
            audit.record_read(request._request, "client", [client.pk], client_id=client.pk)
        return Response(DueMeasureOutput(due, many=True).data)


class ResponsePagination(SafeCursorPagination):
    ordering = ("-completed_at", "-id")


@extend_schema_view(
    list=extend_schema(
        description="My responses (clients) or those of the clients I treat, newest first.",
        parameters=[CLIENT_PARAMETER],
        responses={200: MeasureResponseOutput(many=True), **errors()},
    ),
    retrieve=extend_schema(responses={200: MeasureResponseOutput, **errors(401, 403, 404, 429)}),
)
class ResponseViewSet(
    AuditedReadsMixin,
    ScopedQuerysetMixin,
    RolePermissionsMixin,
    ClientNarrowingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = MeasureResponseOutput
    queryset = MeasureResponse.objects.none()
    filterset_class = filters.ResponseFilter
    pagination_class = ResponsePagination
    permissions_by_action = {
        "list": IsClientOrTherapist,
        "retrieve": IsClientOrTherapist,
        "create": IsClientOrTherapist,
    }

    def scoped_queryset(self):
        return self.narrow_to_client(selectors.responses_for(user=self.request.user))

    @extend_schema(
        request=MeasureResponseInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: MeasureResponseCreatedOutput,
            200: OpenApiResponse(
                MeasureResponseCreatedOutput, description="Already stored (same client_uuid)"
            ),
            **errors(400, 401, 403, 422, 429),
        },
    )
    def create(self, request):
        """Send a completed questionnaire: every scored item answered. Retries with the same
        Idempotency-Key are answered, not stored. A therapist entering a paper form names
        the client; the response is shown as entered by staff.

        A safety item answered above 0 (PHQ-9 item 9) alerts the therapist, and the answer
        carries the clinic's crisis resources."""
        user = request.user
        if _is_client(user) and user.client.status == Client.Status.DISCHARGED:
            raise PermissionDenied(
                _("Treatment has ended; the clinic no longer receives questionnaires.")
            )
        data = MeasureResponseInput(
            data=request.data, clients=client_selectors.clients_for(user=user)
        )
        fields = _validated(data, user)
        client = fields.pop("client")
        if _is_client(user) and not services.asked_of(
            client=client, instrument=fields["instrument"], completed_at=fields["completed_at"]
        ):
            raise serializers.ValidationError(
                {"instrument": [_("Your therapist has not asked you for this questionnaire.")]}
            )

        def perform():
            # Prepared inside: a retry whose body changed is then answered 422 by run_once,
            # like any other, before anything about its answers.
            draft = services.response_prepare(
                client=client, entered_by=None if _is_client(user) else user, **fields
            )
            response, created = services.response_record(draft=draft)
            return (status.HTTP_201_CREATED if created else status.HTTP_200_OK), response

        scoped = selectors.responses_for(user=user).select_related("client__clinic")
        context = {}

        def serialize(response):
            if response.alert_id and "crisis_box" not in context:
                context["crisis_box"] = crisis_box_for(
                    client=response.client, with_plan=_is_client(user)
                )
            return MeasureResponseCreatedOutput(response, context=context).data

        return run_once(
            request,
            perform=perform,
            load=lambda pk: scoped.get(pk=pk),
            serialize=lambda response: serialize(scoped.get(pk=response.pk)),
        )


def _validated(data: MeasureResponseInput, user: User) -> dict:
    """The body's fields, or a 400 naming every wrong one together: each missing or wrong
    item on its own under ``answers`` (``answers.3``). Nothing is stored."""
    valid = data.is_valid()
    problems = {} if valid else dict(data.errors)
    raw = data.initial_data if isinstance(data.initial_data, dict) else {}

    def value(name):
        """A field's value when the field itself is right, even if another is not."""
        if name in problems or name not in raw:
            return data.validated_data.get(name) if valid else None
        if valid:
            return data.validated_data.get(name)
        try:
            return data.fields[name].run_validation(raw[name])
        except serializers.ValidationError:
            return None

    client = value("client") or (user.client if _is_client(user) else None)
    if client is None and isinstance(data.initial_data, dict) and "client" not in problems:
        problems["client"] = [_("Name the client whose answers these are.")]
    if client is not None and "instrument" not in problems and "instrument" in raw:
        try:
            instrument = services.instrument_in_use(client=client, code=raw["instrument"])
        except DjangoValidationError as error:
            problems.update(error.message_dict)
            instrument = None
        if instrument is not None and "answers" not in problems and "answers" in raw:
            items = answer_errors(instrument, raw["answers"], value("difficulty"))
            if "difficulty" in items:
                problems["difficulty"] = items.pop("difficulty")
            if items:
                problems["answers"] = items
    if problems:
        raise serializers.ValidationError(problems)
    return {**data.validated_data, "client": client}


@extend_schema_view(
    fhir=extend_schema(
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description=(
                    "A FHIR R4 Bundle (type collection): a QuestionnaireResponse per "
                    "response, an Observation per score and per safety item answer."
                ),
            ),
            **errors(401, 403, 404, 429),
        },
    ),
)
class FhirViewSet(ScopedQuerysetMixin, viewsets.GenericViewSet):
    """The measures of a client I treat, as FHIR."""

    queryset = Client.objects.none()
    permission_classes = [IsTherapist]

    def scoped_queryset(self):
        return client_selectors.clients_for(user=self.request.user)

    @action(detail=True, methods=["get"], pagination_class=None)
    def fhir(self, request, pk=None):
        """Every outcome measure response of the client as a FHIR R4 Bundle."""
        client = self.get_object()
        bundle = fhir.client_bundle(client)
        ids = list(client.measure_responses.values_list("pk", flat=True))
        audit.record_read(request._request, "measureresponse", ids, client_id=client.pk)
        return Response(bundle)
