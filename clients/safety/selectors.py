"""Which alerts a clinician may open.

The treating therapist sees every alert of the clients they treat. A covering therapist
sees an alert of a colleague's client only once it has been escalated (it waited too
long for follow-up), and only that alert: the client's other records stay out of scope.
"""

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from clients.models import Alert
from clients.selectors import check_in_with_emotions
from clinic.models import User

from .models import FollowUp


def alerts_for(*, user: User) -> QuerySet[Alert]:
    if user.role != User.Role.THERAPIST or not hasattr(user, "therapist"):
        return Alert.objects.none()
    therapist = user.therapist
    scope = Q(client__primary_therapist=therapist)
    if therapist.covers_alerts and therapist.is_active:
        scope |= Q(client__clinic_id=therapist.clinic_id, escalated_at__isnull=False)
    return (
        Alert.objects.filter(scope)
        .select_related(
            "client__primary_therapist__user", "client__clinic", "client__user", "acknowledged_by"
        )
        .prefetch_related(follow_ups_prefetch())
    )


def follow_ups_prefetch() -> Prefetch:
    """An alert's follow-ups, oldest first, with who did them, as ``alert.history``."""
    follow_ups = FollowUp.objects.select_related("by").order_by("at", "id")
    return Prefetch("follow_ups", queryset=follow_ups, to_attr="history")


def alerts_covering(*, user: User) -> list[Alert]:
    """Colleagues' escalated alerts still waiting: the part of ``alerts_for`` a covering
    therapist reaches beyond their own clients."""
    if not getattr(getattr(user, "therapist", None), "covers_alerts", False):
        return []  # nothing beyond their own clients; the caseload asks no query for it
    return list(
        alerts_for(user=user)
        .filter(escalated_at__isnull=False, acknowledged_at__isnull=True)
        .exclude(client__primary_therapist__user=user)
        .order_by("-created_at")
    )


def alert_get_for(*, user: User, alert_id) -> Alert:
    """One alert in the user's scope, with the check-in that raised it; 404 otherwise."""
    alert = get_object_or_404(alerts_for(user=user).select_related("check_in"), pk=alert_id)
    if alert.check_in is not None:
        check_in_with_emotions(alert.check_in)
    return alert


def is_covering(alert: Alert, user: User) -> bool:
    """True when the user opens this alert as a colleague, not as the treating therapist."""
    return alert.client.primary_therapist.user_id != user.pk
