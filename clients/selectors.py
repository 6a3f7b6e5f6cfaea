"""Reads of client data that pages and tasks share. Each starts from the requester."""

from django.db.models import Count, Max, Q, QuerySet

from clinic.models import Therapist

from .models import Client


def caseload_for(*, therapist: Therapist) -> QuerySet[Client]:
    """The active clients a therapist treats, with their last check-in and open alerts."""
    return (
        Client.objects.filter(primary_therapist=therapist, status=Client.Status.ACTIVE)
        .annotate(
            last_check_in_at=Max("check_ins__occurred_at"),
            open_alert_count=Count(
                "alerts", filter=Q(alerts__acknowledged_at__isnull=True), distinct=True
            ),
        )
        .order_by("-open_alert_count", "label")
    )
