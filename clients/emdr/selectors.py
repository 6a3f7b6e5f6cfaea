"""Reads of EMDR records, each starting from the requester's scope (404 for anyone else)."""

from django.db.models import QuerySet

from clients.models import Assignment, Client, ExerciseCategory
from clients.selectors import clients_for
from clinic.models import User

from .models import ProcessingRecord, Target, TicesEntry

# The library's categories that calm or contain: what a distressed log entry points to.
CALMING_CATEGORIES = (ExerciseCategory.GROUNDING, ExerciseCategory.ALLOWING)


def targets_for(*, user: User) -> QuerySet[Target]:
    """Therapists: their clients' targets. Clients: only the labels shown to them."""
    targets = Target.objects.filter(client__in=clients_for(user=user))
    if user.role == User.Role.CLIENT:
        targets = targets.filter(shown_to_client=True)
    return targets.select_related("client")


def records_for(*, user: User) -> QuerySet[ProcessingRecord]:
    """Processing records: therapists only (a client's own notes are the therapist's)."""
    if user.role != User.Role.THERAPIST:
        return ProcessingRecord.objects.none()
    return ProcessingRecord.objects.filter(
        target__client__in=clients_for(user=user)
    ).select_related("session", "target", "calming_exercise")


def tices_for(*, user: User) -> QuerySet[TicesEntry]:
    return (
        TicesEntry.objects.filter(client__in=clients_for(user=user))
        .select_related("client", "target")
        .prefetch_related("emotions")
    )


def calming_assignments(client: Client) -> QuerySet[Assignment]:
    """The client's active assignments of calming exercises, shown after a hard moment."""
    return (
        client.assignments.filter(
            status=Assignment.Status.ACTIVE, exercise__category__in=CALMING_CATEGORIES
        )
        .select_related("exercise")
        .order_by("exercise__title")
    )
