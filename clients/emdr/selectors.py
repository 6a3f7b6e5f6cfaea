"""Reads of EMDR records, each starting from the requester's scope (404 for anyone else)."""

from django.db.models import QuerySet

from clients.models import Assignment, Client, ExerciseCategory
from clients.selectors import clients_for
from clinic.models import User

from .models import ProcessingRecord, Target, TicesEntry
from .progress import normalised

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


def loose_entry(client: Client, entry_id) -> TicesEntry | None:
    """The client's log entry touching no target that a new target is set up from (session
    prep's candidate), or None; an id of anyone else's entry is as good as none."""
    try:
        entry_id = int(entry_id)
    except (TypeError, ValueError):
        return None
    return client.tices_entries.filter(pk=entry_id, target__isnull=True).first()


def same_trigger_count(client: Client, entry: TicesEntry | None) -> int:
    """How many of the client's entries touching no target name the entry's trigger."""
    if entry is None:
        return 0
    wanted = normalised(entry.trigger)
    loose = client.tices_entries.filter(target__isnull=True).only("id", "trigger")
    return sum(normalised(each.trigger) == wanted for each in loose)
