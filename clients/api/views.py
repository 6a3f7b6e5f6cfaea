"""The REST API for check-ins, assignments, completions, clients, exercises and alerts.

Every queryset starts from the requester (see ``clients.selectors``); a record
outside it answers 404. Roles decide which actions exist for whom (403).
"""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ErrorDetail, PermissionDenied
from rest_framework.response import Response

from clients import selectors, services
from clients.models import Alert, Assignment, CheckIn, Client, EmotionLabel, Exercise
from clients.safety import selectors as safety_selectors
from clients.safety import services as safety_services
from clinic import audit
from clinic.api.idempotency import run_once
from clinic.api.pagination import SafeCursorPagination
from clinic.api.permissions import IsClient, IsClinicMember, IsTherapist
from clinic.api.schema import IDEMPOTENCY_KEY, ErrorOutput, errors
from reports import selectors as report_selectors
from reports.api.serializers import MetricsOutput, MetricsQuery, WeeklySummaryOutput
from reports.metrics import summarize

from . import filters
from .safety_answers import check_in_draft
from .serializers import (
    AlertDetailOutput,
    AlertOutput,
    AssignmentCreateInput,
    AssignmentOutput,
    AssignmentUpdateInput,
    CheckInCreatedOutput,
    CheckInInput,
    CheckInOutput,
    ClientOutput,
    CompletionInput,
    CompletionOutput,
    EmotionLabelOutput,
    ExerciseOutput,
    FollowUpInput,
)

IsClientOrTherapist = IsClient | IsTherapist


class Gone(APIException):
    status_code = status.HTTP_410_GONE
    default_code = "gone"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


CLIENT_ID_DIGITS = 18
CLIENT_PARAMETER = OpenApiParameter(
    "client",
    {"type": "integer", "minimum": 1, "maximum": 10**CLIENT_ID_DIGITS - 1},
    description="Only this client's records (therapists).",
)


class ClientNarrowingMixin:
    """``?client=<id>`` narrows a list to one client, who must be in scope (else 404)."""

    def named_client(self) -> Client | None:
        """The client ``?client=`` names, in the requester's scope; None when not named."""
        client_id = self.request.query_params.get("client")
        if client_id is None:
            return None
        if not re.fullmatch(rf"[0-9]{{1,{CLIENT_ID_DIGITS}}}", client_id):
            raise serializers.ValidationError({"client": ["A client id is a whole number."]})
        return selectors.client_get_for(user=self.request.user, client_id=int(client_id))

    def narrow_to_client(self, queryset):
        client = self.named_client()
        return queryset if client is None else queryset.filter(client=client)


class ScopedQuerysetMixin:
    """Views define ``scoped_queryset()`` from the requester. The schema generator,
    which has no requester, sees the empty ``queryset`` to learn the model."""

    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return self.scoped_queryset()


class AuditedReadsMixin:
    """A successful GET by staff leaves an audit row naming the records it returned."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200:
            object_type = self.queryset.model._meta.model_name  # the route is in `view`
            pk = self.kwargs.get("pk")
            ids, client_id = _returned_ids(response.data, pk)
            if self.queryset.model is Client and pk is not None:
                client_id = int(pk)
            audit.record_read(request._request, object_type, ids, client_id=client_id)
        return response


def _returned_ids(data, pk) -> tuple[list[int], int | None]:
    """The ids of the records in a response body, and their client when there is one."""
    if pk is not None:
        client = data.get("client") if isinstance(data, dict) else None
        return [int(pk)], client if isinstance(client, int) else None
    items = data.get("results", []) if isinstance(data, dict) else data
    ids = [item["id"] for item in items if "id" in item]
    clients = {item.get("client") for item in items}
    client = clients.pop() if len(clients) == 1 else None
    return ids, client if isinstance(client, int) else None


class RolePermissionsMixin:
    """``permissions_by_action`` maps an action to who may call it; the default is nobody."""

    permissions_by_action: dict = {}

    def get_permissions(self):
        if self.action is None:  # a method this view does not offer: let it answer 405
            return [permissions.IsAuthenticated()]
        allowed = self.permissions_by_action.get(self.action, permissions.IsAdminUser)
        return [permissions.IsAuthenticated(), allowed()]


@extend_schema_view(
    list=extend_schema(responses={200: EmotionLabelOutput(many=True), **errors(401, 403, 429)}),
)
class EmotionLabelViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """My clinic's emotion vocabulary (not paginated: a few dozen words)."""

    serializer_class = EmotionLabelOutput
    queryset = EmotionLabel.objects.none()
    permission_classes = [IsClinicMember]
    pagination_class = None

    def scoped_queryset(self):
        return selectors.emotion_labels_for(user=self.request.user)


class CheckInPagination(SafeCursorPagination):
    ordering = ("-occurred_at", "-id")


@extend_schema_view(
    list=extend_schema(
        description=(
            "My check-ins (clients) or those of the clients I treat (therapists), newest first."
        ),
        parameters=[CLIENT_PARAMETER],
        responses={200: CheckInOutput(many=True), **errors()},
    ),
    retrieve=extend_schema(responses={200: CheckInOutput, **errors(401, 403, 404, 429)}),
)
class CheckInViewSet(
    AuditedReadsMixin,
    ScopedQuerysetMixin,
    RolePermissionsMixin,
    ClientNarrowingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CheckInOutput
    queryset = CheckIn.objects.none()
    filterset_class = filters.CheckInFilter
    pagination_class = CheckInPagination
    permissions_by_action = {
        "list": IsClientOrTherapist,
        "retrieve": IsClientOrTherapist,
        "create": IsClient,
    }

    def scoped_queryset(self):
        return self.narrow_to_client(selectors.check_ins_for(user=self.request.user))

    @extend_schema(
        request=CheckInInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: CheckInCreatedOutput,
            200: OpenApiResponse(CheckInOutput, description="Already stored (same client_uuid)"),
            **errors(400, 401, 403, 422, 429),
        },
    )
    def create(self, request):
        """Send a check-in. Retries with the same Idempotency-Key are answered, not stored.

        A safety answer is kept even when something else in it is wrong: what was left
        out is listed in ``not_kept``."""
        draft, not_kept = check_in_draft(client=request.user.client, body=request.data)

        def perform():
            check_in, created = services.check_in_record(draft=draft)
            return (status.HTTP_201_CREATED if created else status.HTTP_200_OK), check_in

        return run_once(
            request,
            perform=perform,
            load=lambda pk: selectors.check_ins_for(user=request.user).get(pk=pk),
            serialize=lambda check_in: {
                **CheckInOutput(selectors.check_in_with_emotions(check_in)).data,
                **({"not_kept": not_kept} if not_kept else {}),
            },
        )


@extend_schema_view(
    list=extend_schema(
        description="Clients: my active assignments and when each is due. Therapists: my clients'.",
        parameters=[CLIENT_PARAMETER],
        responses={200: AssignmentOutput(many=True), **errors()},
    ),
    retrieve=extend_schema(responses={200: AssignmentOutput, **errors(401, 403, 404, 429)}),
)
class AssignmentViewSet(
    AuditedReadsMixin,
    ScopedQuerysetMixin,
    RolePermissionsMixin,
    ClientNarrowingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AssignmentOutput
    queryset = Assignment.objects.none()
    filterset_class = filters.AssignmentFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    permissions_by_action = {
        "list": IsClientOrTherapist,
        "retrieve": IsClientOrTherapist,
        "create": IsTherapist,
        "partial_update": IsTherapist,
        "completions": IsClient,
        "completion_undo": IsClient,
    }

    def scoped_queryset(self):
        queryset = selectors.assignments_for(user=self.request.user)
        if self.action == "list" and self.request.user.role == "client":
            queryset = queryset.filter(status=Assignment.Status.ACTIVE)  # what I am asked to do
        return self.narrow_to_client(queryset).order_by("-id")

    def _respond(self, assignment, status_code=status.HTTP_200_OK):
        fresh = selectors.assignments_for(user=self.request.user).get(pk=assignment.pk)
        return Response(AssignmentOutput(fresh).data, status=status_code)

    @extend_schema(
        request=AssignmentCreateInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: AssignmentOutput, **errors(400, 401, 403, 422, 429)},
    )
    def create(self, request):
        """Assign an exercise of my clinic's library to a client I treat."""
        therapist = request.user.therapist
        data = AssignmentCreateInput(
            data=request.data,
            clients=selectors.clients_for(user=request.user),
            exercises=selectors.exercises_for(therapist=therapist),
        )
        data.is_valid(raise_exception=True)

        def perform():
            assignment = services.assignment_create(therapist=therapist, **data.validated_data)
            return status.HTTP_201_CREATED, assignment

        scoped = selectors.assignments_for(user=request.user)
        return run_once(
            request,
            perform=perform,
            load=lambda pk: scoped.get(pk=pk),
            serialize=lambda assignment: AssignmentOutput(scoped.get(pk=assignment.pk)).data,
        )

    @extend_schema(request=AssignmentUpdateInput, responses={200: AssignmentOutput, **errors()})
    def partial_update(self, request, pk=None):
        """Pause, resume, end, reschedule, or change the note."""
        assignment = self.get_object()
        data = AssignmentUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.assignment_update(assignment=assignment, **data.validated_data)
        return self._respond(assignment)

    @extend_schema(
        request=CompletionInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: CompletionOutput,
            200: OpenApiResponse(CompletionOutput, description="Already stored (same client_uuid)"),
            **errors(400, 401, 403, 404, 410, 422, 429),
        },
    )
    @action(detail=True, methods=["post"])
    def completions(self, request, pk=None):
        """Record doing this exercise once."""
        assignment = self.get_object()
        if assignment.client.status == Client.Status.DISCHARGED:
            raise PermissionDenied("Treatment has ended; the clinic no longer receives exercises.")
        data = CompletionInput(data=request.data)
        data.is_valid(raise_exception=True)

        def perform():
            completion, created = services.completion_record(
                assignment=assignment, **data.validated_data
            )
            return (status.HTTP_201_CREATED if created else status.HTTP_200_OK), completion

        return run_once(
            request,
            perform=perform,
            load=lambda pk: assignment.completions.get(pk=pk),
            serialize=lambda completion: CompletionOutput(completion).data,
        )

    @extend_schema(
        request=None,
        responses={204: None, **errors(401, 403, 404, 409, 429)},
    )
    @action(detail=True, methods=["delete"], url_path=r"completions/(?P<completion_id>[0-9]{1,18})")
    def completion_undo(self, request, pk=None, completion_id=None):
        """Undo a completion recorded in the last few minutes (a slip of the thumb)."""
        assignment = self.get_object()
        completion = get_object_or_404(assignment.completions, pk=completion_id)
        try:
            services.completion_undo(completion=completion)
        except DjangoValidationError as error:
            raise Conflict(error.messages[0], code="too_late") from error
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(responses={200: ClientOutput(many=True), **errors()}),
    retrieve=extend_schema(responses={200: ClientOutput, **errors(401, 403, 404, 429)}),
)
class ClientViewSet(AuditedReadsMixin, ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """The clients I treat."""

    serializer_class = ClientOutput
    queryset = Client.objects.none()
    permission_classes = [IsTherapist]

    class pagination_class(SafeCursorPagination):  # noqa: N801 - DRF's attribute name
        ordering = ("label", "id")

    def scoped_queryset(self):
        return selectors.clients_for(user=self.request.user).select_related(
            "primary_therapist__user"
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="Default: last session"),
            OpenApiParameter("until", OpenApiTypes.DATETIME, description="Default: now"),
        ],
        responses={200: MetricsOutput, **errors()},
    )
    @action(detail=True, methods=["get"])
    def metrics(self, request, pk=None):
        """The emotional-processing figures of one window, as the reports show them."""
        client = self.get_object()
        # A plain dict, so "?until=" is an error rather than "not given" as in HTML forms.
        query = MetricsQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        until = query.validated_data.get("until") or timezone.now()
        since = query.validated_data.get("since") or report_selectors.default_since(client, until)
        window = report_selectors.window_load(client=client, since=since, until=until)
        body = {"client": client.pk, "since": since, "until": until, "summary": summarize(window)}
        return Response(MetricsOutput(body).data)

    @extend_schema(responses={200: WeeklySummaryOutput(many=True), **errors(401, 403, 404, 429)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def summaries(self, request, pk=None):
        """The client's weekly summaries, newest first (the last 52 weeks)."""
        client = self.get_object()
        rows = client.weekly_summaries.order_by("-week_start")[:52]
        return Response(WeeklySummaryOutput(rows, many=True).data)


@extend_schema_view(
    list=extend_schema(responses={200: ExerciseOutput(many=True), **errors()}),
    retrieve=extend_schema(responses={200: ExerciseOutput, **errors(401, 403, 404, 429)}),
)
class ExerciseViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """My clinic's exercise library."""

    serializer_class = ExerciseOutput
    queryset = Exercise.objects.none()
    permission_classes = [IsTherapist]

    def scoped_queryset(self):
        return selectors.exercises_for(therapist=self.request.user.therapist)


@extend_schema_view(
    list=extend_schema(
        description=("Alerts of the clients I treat, and escalated alerts I cover for colleagues."),
        responses={200: AlertOutput(many=True), **errors()},
    ),
    retrieve=extend_schema(responses={200: AlertDetailOutput, **errors(401, 403, 404, 429)}),
)
class AlertViewSet(
    AuditedReadsMixin,
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Alerts, with the check-in that raised them and what has been done about them."""

    serializer_class = AlertOutput
    queryset = Alert.objects.none()
    permission_classes = [IsTherapist]
    filterset_class = filters.AlertFilter

    def scoped_queryset(self):
        return safety_selectors.alerts_for(user=self.request.user)

    def retrieve(self, request, pk=None):
        alert = safety_selectors.alert_get_for(user=request.user, alert_id=pk)
        self._record_check_in_read(request, alert)  # the alert itself: AuditedReadsMixin
        return Response(AlertDetailOutput(alert).data)

    @staticmethod
    def _record_check_in_read(request, alert) -> None:
        if alert.check_in_id:
            audit.record_read(
                request._request, "checkin", [alert.check_in_id], client_id=alert.client_id
            )

    @extend_schema(
        request=FollowUpInput,
        responses={201: AlertDetailOutput, **errors(400, 401, 403, 404, 429)},
    )
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        """Record what was done; anything but "could_not_reach" resolves the alert."""
        alert = self.get_object()
        data = FollowUpInput(data=request.data)
        data.is_valid(raise_exception=True)
        safety_services.follow_up_record(alert=alert, by=request.user, **data.validated_data)
        fresh = safety_selectors.alert_get_for(user=request.user, alert_id=alert.pk)
        # The answer shows the alert and its check-in again: both are reads.
        audit.record_read(request._request, "alert", [alert.pk], client_id=alert.client_id)
        self._record_check_in_read(request, fresh)
        return Response(AlertDetailOutput(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        deprecated=True,
        responses={410: ErrorOutput, **errors(401, 403, 404, 429)},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Gone: an alert is resolved by saying what was done, at ``follow-up/``."""
        self.get_object()  # out of scope is still a 404
        raise Gone(
            {
                "alert": ErrorDetail(
                    "Acknowledging is replaced by a follow-up: POST "
                    f"/api/v1/alerts/{pk}/follow-up/ with what was done.",
                    code="gone",
                )
            }
        )
