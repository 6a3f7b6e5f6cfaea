"""Writing reminder choices: the person's own, and the therapist's for one client."""

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from clients.models import Client
from clinic.models import User

from .models import ClientReminderPlan, ReminderPreference


def preference_of(user: User) -> ReminderPreference:
    """The person's saved choices, or empty ones (unsaved) when they have made none."""
    return ReminderPreference.objects.filter(user=user).first() or ReminderPreference(user=user)


@transaction.atomic
def kind_stop(*, user: User, kind: str) -> ReminderPreference:
    """Turn one kind off for ``user`` at once (an unsubscribe link, a mail program's
    one-click button). Stopping twice changes nothing more."""
    preference, _ = ReminderPreference.objects.select_for_update().get_or_create(user=user)
    if preference.kinds.get(kind) is not False:
        preference.kinds = {**preference.kinds, kind: False}
        preference.updated_at = timezone.now()
        preference.save(update_fields=["kinds", "updated_at"])
    return preference


@transaction.atomic
def preference_save(
    *,
    user: User,
    kinds: dict[str, bool] | None = None,
    daily_hour: int | None = None,
    quiet: tuple[time, time] | None = None,
    paused_until: datetime | None = None,
    fields: set[str],
) -> ReminderPreference:
    """Save the named ``fields`` of a person's choices (the rest stay as they are).
    ``kinds`` is merged into what was chosen before (None: back to the default);
    ``quiet`` None means the clinic's."""
    preference, _ = ReminderPreference.objects.select_for_update().get_or_create(user=user)
    changed = ["updated_at"]
    if "kinds" in fields:
        merged = {**preference.kinds, **(kinds or {})}
        # None returns a kind to its default: kept out, as a kind never chosen is.
        preference.kinds = {name: bool(on) for name, on in merged.items() if on is not None}
        changed.append("kinds")
    if "daily_hour" in fields:
        preference.daily_hour = daily_hour
        changed.append("daily_hour")
    if "quiet" in fields:
        preference.quiet_from, preference.quiet_until = quiet or (None, None)
        changed += ["quiet_from", "quiet_until"]
    if "paused_until" in fields:
        preference.paused_until = paused_until
        changed.append("paused_until")
    preference.updated_at = timezone.now()
    preference.full_clean()
    preference.save(update_fields=changed)
    return preference


@transaction.atomic
def plan_save(
    *,
    client: Client,
    by: User,
    kinds: dict[str, bool | None] | None = None,
    silence_days: int | None = None,
    fields: set[str],
) -> ClientReminderPlan:
    """The therapist's changes for one client. In ``kinds``, None returns a kind to the
    clinic's default; ``silence_days`` None means the clinic's number, 0 no nudge."""
    plan, _ = ClientReminderPlan.objects.select_for_update().get_or_create(client=client)
    if "kinds" in fields:
        merged = {**plan.kinds, **(kinds or {})}
        plan.kinds = {name: on for name, on in merged.items() if on is not None}
    if "silence_days" in fields:
        plan.silence_days = silence_days
    plan.updated_by = by
    plan.updated_at = timezone.now()
    plan.full_clean()
    plan.save()
    return plan
