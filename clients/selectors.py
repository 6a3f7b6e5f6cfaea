"""Reads of client data that pages, the API and tasks share.

Each starts from the requester: a therapist sees the clients they treat, a client
sees themself, anyone else sees nothing. Out of scope means "does not exist" (404).
"""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils import timezone

from clinic.models import Therapist, User

from .models import (
    EMOTION_ORDER,
    Assignment,
    CheckIn,
    CheckInEmotion,
    Client,
    Completion,
    EmotionLabel,
    Exercise,
)
from .schedule import due_next


def clients_for(*, user: User) -> QuerySet[Client]:
    if user.role == User.Role.THERAPIST:
        return Client.objects.filter(primary_therapist__user=user)
    if user.role == User.Role.CLIENT:
        return Client.objects.filter(user=user)
    return Client.objects.none()


def client_get_for(*, user: User, client_id) -> Client:
    return get_object_or_404(
        clients_for(user=user).select_related("primary_therapist__user", "user", "clinic"),
        pk=client_id,
    )


def _emotions_strongest_first() -> Prefetch:
    emotions = CheckInEmotion.objects.select_related("label").order_by(*EMOTION_ORDER)
    return Prefetch("emotions", queryset=emotions, to_attr="emotions_strongest_first")


def check_ins_for(*, user: User) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(client__in=clients_for(user=user))
        .select_related("client__clinic")
        .prefetch_related(_emotions_strongest_first())
    )


def check_in_with_emotions(check_in: CheckIn) -> CheckIn:
    """Give a check-in ``emotions_strongest_first`` as ``check_ins_for`` does, loading
    them only if the check-in does not carry them already."""
    if not hasattr(check_in, "emotions_strongest_first"):
        prefetch_related_objects([check_in], _emotions_strongest_first())
    return check_in


def assignments_for(*, user: User) -> QuerySet[Assignment]:
    # The last eight days of completions are enough to say what is due next.
    recent = Completion.objects.filter(completed_at__gte=timezone.now() - timedelta(days=8))
    return (
        Assignment.objects.filter(client__in=clients_for(user=user))
        .select_related("exercise", "assigned_by__user", "client")
        .prefetch_related(Prefetch("completions", queryset=recent, to_attr="recent_completions"))
        .annotate(completion_count=Count("completions"))
    )


def assignment_due_next(assignment: Assignment) -> date | None:
    """The next day, in the client's calendar, the exercise is asked for; None when
    nothing is. Uses what ``assignments_for`` prefetched when it is there."""
    zone = ZoneInfo(assignment.client.time_zone)
    recent = getattr(assignment, "recent_completions", None)
    if recent is None:  # a single assignment fresh from a write
        recent = list(assignment.completions.all())
    return due_next(
        schedule=assignment.schedule,
        times_per_week=assignment.times_per_week,
        starts_on=assignment.starts_on,
        ends_on=assignment.ends_on,
        active=assignment.status == Assignment.Status.ACTIVE,
        today=timezone.localdate(timezone=zone),
        done_days=[timezone.localdate(c.completed_at, timezone=zone) for c in recent],
        done_ever=getattr(assignment, "completion_count", len(recent)),
    )


def exercises_for(*, therapist: Therapist) -> QuerySet[Exercise]:
    return Exercise.objects.filter(clinic_id=therapist.clinic_id, is_active=True)


def emotion_labels_for(*, user: User) -> QuerySet[EmotionLabel]:
    return EmotionLabel.objects.filter(clinic_id=user.clinic_id, is_active=True)
