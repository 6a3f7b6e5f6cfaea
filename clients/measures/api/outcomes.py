"""GET /api/v1/outcomes/: the clinic outcomes page's figures as JSON.

A therapist gets their own caseload, a clinic admin the clinic and each therapist; a
client (or anyone else) 403. Aggregates only: no client is named.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.api.schema import errors

from .. import outcomes as measures_outcomes


class MaySeeOutcomes(BasePermission):
    message = _("Only clinic admins and therapists can see outcomes.")

    def has_permission(self, request, view) -> bool:
        return measures_outcomes.may_see_outcomes(request.user)


class ShareOutput(serializers.Serializer):
    share = serializers.ChoiceField(choices=measures_outcomes.SHARES)
    name = serializers.CharField()
    criterion = serializers.BooleanField(
        help_text="False: the measure has no published criterion for this (ITQ)."
    )
    n = serializers.IntegerField(
        help_text=(
            "Clients the share is taken over (recovery: those who were a case at the "
            "first score); without a criterion, the clients with two or more scores."
        )
    )
    met = serializers.IntegerField(allow_null=True, help_text="Null without a criterion.")
    percent = serializers.IntegerField(
        allow_null=True, help_text="Rounded to a whole percent; null without a criterion or at n 0."
    )
    rule = serializers.CharField(help_text="What the share counts, with the clinic's cut-offs.")

    def to_representation(self, line):
        share = line.share
        return {
            "share": line.key,
            "name": line.name,
            "criterion": share is not None,
            "n": line.n,
            "met": None if share is None else share.met,
            "percent": None if share is None else share.percent,
            "rule": line.rule,
        }


class OutcomeOutput(serializers.Serializer):
    instrument = serializers.CharField(source="instrument.code")
    scale = serializers.CharField(
        source="charted", help_text='"total", or the sub-scale (ITQ: "ptsd", "dso").'
    )
    label = serializers.CharField()
    reliable_change_points = serializers.IntegerField(
        source="criteria.reliable_change", allow_null=True
    )
    caseness = serializers.IntegerField(source="criteria.caseness", allow_null=True)
    read_beside = serializers.CharField(source="paired_with.code", allow_null=True, default=None)
    clients = serializers.IntegerField(help_text="Clients with two or more scores in the period.")
    not_a_case_at_baseline = serializers.IntegerField(
        allow_null=True, help_text="Clients to whom recovery does not apply, counted apart."
    )
    shares = ShareOutput(source="lines", many=True)


class TherapistOutcomesOutput(serializers.Serializer):
    therapist = serializers.IntegerField(source="therapist_id")
    name = serializers.CharField()
    outcomes = OutcomeOutput(many=True)


class OutcomesOutput(serializers.Serializer):
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end")
    scope = serializers.SerializerMethodField(
        help_text='"clinic" (a clinic admin) or "caseload" (a therapist\'s own clients).'
    )
    outcomes = OutcomeOutput(many=True)
    by_therapist = TherapistOutcomesOutput(
        many=True, help_text="Each therapist's clients (clinic admins only; empty otherwise)."
    )

    def get_scope(self, report) -> str:
        return "clinic" if report.whole_clinic else "caseload"


DATE_HELP = "Year-month-day, included; in the clinic's time zone."


class OutcomesView(APIView):
    permission_classes = [MaySeeOutcomes]

    @extend_schema(
        operation_id="outcomes_retrieve",
        description=(
            "Per instrument the clinic has on: the clients with two or more scores in the "
            "period (first score = baseline, last = latest) and the share with reliable "
            "improvement, recovery, reliable recovery and reliable deterioration, each "
            "with its n and rule. Therapists: their own clients; clinic admins: the "
            "clinic, and each therapist's clients. The last twelve months by default."
        ),
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description=DATE_HELP),
            OpenApiParameter("end", OpenApiTypes.DATE, description=DATE_HELP + " Default today."),
        ],
        responses={200: OutcomesOutput, **errors(400, 401, 403, 429)},
    )
    def get(self, request):
        period = measures_outcomes.period_from(
            request.query_params,
            today=measures_outcomes.clinic_today(request.user),
            empty_is_default=False,
        )
        report = measures_outcomes.outcomes_for(user=request.user, period=period)
        return Response(OutcomesOutput(report).data)
