"""The REST API for reminders: my own choices (a client or a therapist), and what a
therapist changes for one client they treat.

The clinic's defaults, the therapist's changes and the person's choices combine as
``people.kinds_on`` says; the answers show the result beside what was chosen. A client
outside the therapist's scope answers 404; roles decide who may call what (403).
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from clients import selectors as client_selectors
from clients.api.views import ScopedQuerysetMixin
from clients.models import Client
from clinic import audit
from clinic.api.permissions import IsTherapist
from clinic.api.schema import errors
from clinic.models import User

from .. import services
from ..people import clinic_settings, kinds_on, person_for, related_or_none
from ..registry import CLIENT, THERAPIST, every_kind
from .serializers import PlanInput, PlanOutput, PreferencesInput, PreferencesOutput

# What PATCH names a field, and what services.preference_save calls it.
PREFERENCE_FIELDS = {
    "kinds": "kinds",
    "daily_hour": "daily_hour",
    "quiet_hours": "quiet",
    "paused_until": "paused_until",
}


def _client_of(user: User) -> Client | None:
    return related_or_none(user, "client") if user.role == User.Role.CLIENT else None


class HasReminders(BasePermission):
    """A client (in treatment or not) or an active therapist."""

    message = gettext_lazy("Only clients and therapists have reminders.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if user.role == User.Role.CLIENT:
            return _client_of(user) is not None
        return IsTherapist().has_permission(request, view)


def _layers(user: User):
    """(audience, clinic settings, therapist's plan or None) for a client or a therapist."""
    client = _client_of(user)
    if client is not None:
        return CLIENT, clinic_settings(client.clinic), related_or_none(client, "reminder_plan")
    return THERAPIST, clinic_settings(user.therapist.clinic), None


def _locked(plan) -> set[str]:
    return {name for name, on in (plan.kinds if plan else {}).items() if on is False}


def preferences_body(user: User) -> dict:
    audience, settings, plan = _layers(user)
    preference = services.preference_of(user)
    on = kinds_on(audience=audience, settings=settings, plan=plan, preference=preference)
    default = kinds_on(audience=audience, settings=settings, plan=plan, preference=None)
    locked = _locked(plan)
    own_quiet = preference.quiet_from is not None
    paused = preference.paused_until
    return {
        "kinds": [
            {
                "name": kind.name,
                "label": str(kind.label),
                "help": str(kind.help),
                "on": kind.name in on,
                "locked": kind.name in locked,
                "default": kind.name in default,
            }
            for kind in every_kind(audience)
        ],
        "daily_hour": (
            preference.daily_hour if preference.daily_hour is not None else settings.daily_hour
        ),
        "daily_hour_own": preference.daily_hour,
        "quiet_hours": {
            "from": preference.quiet_from if own_quiet else settings.quiet_from,
            "until": preference.quiet_until if own_quiet else settings.quiet_until,
            "own": own_quiet,
        },
        "paused_until": paused if paused is not None and paused > timezone.now() else None,
        "reminded": person_for(user) is not None,
        "clinic_defaults": {
            "daily_hour": settings.daily_hour,
            "quiet_from": settings.quiet_from,
            "quiet_until": settings.quiet_until,
        },
    }


class PreferencesView(APIView):
    """My own reminder choices."""

    permission_classes = [HasReminders]

    @extend_schema(
        responses={200: PreferencesOutput, **errors(401, 403, 429)},
    )
    def get(self, request):
        """Which reminders I get and when, as my choices, my therapist's and the clinic's
        combine: each kind with whether it is on, whether my therapist turned it off
        (``locked``) and what it would be without a choice of mine."""
        return Response(PreferencesOutput(preferences_body(request.user)).data)

    @extend_schema(
        request=PreferencesInput,
        responses={200: PreferencesOutput, **errors(400, 401, 403, 429)},
    )
    def patch(self, request):
        """Change my choices; send only what changes. A kind my therapist turned off cannot
        be turned on (400 on ``kinds.<name>``); a refused request changes nothing."""
        audience, _settings, plan = _layers(request.user)
        data = PreferencesInput(
            data=request.data,
            known={kind.name for kind in every_kind(audience)},
            locked=_locked(plan),
        )
        data.is_valid(raise_exception=True)
        given = data.validated_data
        if given:
            quiet = given.get("quiet_hours")
            services.preference_save(
                user=request.user,
                kinds=given.get("kinds"),
                daily_hour=given.get("daily_hour"),
                quiet=(quiet["from"], quiet["until"]) if quiet else None,
                paused_until=given.get("paused_until"),
                fields={PREFERENCE_FIELDS[name] for name in given},
            )
        return Response(PreferencesOutput(preferences_body(request.user)).data)


def _client_kinds() -> dict:
    return {kind.name: kind for kind in every_kind(CLIENT)}


def plan_body(client: Client) -> dict:
    plan = related_or_none(client, "reminder_plan")
    settings = clinic_settings(client.clinic)
    chosen = plan.kinds if plan is not None else {}
    clinic_on = kinds_on(audience=CLIENT, settings=settings, plan=None, preference=None)
    names = list(_client_kinds())
    return {
        "client": client.pk,
        "kinds": {name: chosen.get(name) for name in names},
        "silence_days": plan.silence_days if plan is not None else None,
        "clinic_defaults": {
            "kinds": {name: name in clinic_on for name in names},
            "silence_days": settings.silence_days,
        },
        "updated_at": plan.updated_at if plan is not None else None,
    }


class ClientPlanViewSet(ScopedQuerysetMixin, viewsets.GenericViewSet):
    """What a therapist changes in the reminders of a client they treat."""

    queryset = Client.objects.none()
    permission_classes = [IsTherapist]

    def scoped_queryset(self):
        return client_selectors.clients_for(user=self.request.user).select_related(
            "clinic__reminder_settings", "reminder_plan"
        )

    @extend_schema(responses={200: PlanOutput, **errors(401, 403, 404, 429)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def reminders(self, request, pk=None):
        """The client's reminders as I changed them, beside the clinic's defaults. The
        client's own choices are theirs and not shown."""
        client = self.get_object()
        body = plan_body(client)
        plan = related_or_none(client, "reminder_plan")
        audit.record_read(
            request._request,
            "clientreminderplan",
            [plan.pk] if plan is not None else [],
            client_id=client.pk,
        )
        return Response(PlanOutput(body).data)

    @extend_schema(request=PlanInput, responses={200: PlanOutput, **errors()})
    @reminders.mapping.patch
    def reminders_change(self, request, pk=None):
        """Turn kinds on or off for the client (null: as the clinic sets it), and set after
        how many days without a check-in they are nudged. Off is final for the client; on
        is a default they may still turn off. A discharged client's plan is kept as it is
        (403)."""
        client = self.get_object()
        if client.status == Client.Status.DISCHARGED:
            raise PermissionDenied(
                _("This client has been discharged; reactivate them to change their reminders.")
            )
        data = PlanInput(data=request.data, known=set(_client_kinds()))
        data.is_valid(raise_exception=True)
        given = data.validated_data
        if given:
            services.plan_save(
                client=client,
                by=request.user,
                kinds=given.get("kinds"),
                silence_days=given.get("silence_days"),
                fields=set(given),
            )
            client = self.scoped_queryset().get(pk=client.pk)
        return Response(PlanOutput(plan_body(client)).data)
