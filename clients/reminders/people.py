"""Who gets reminders, with every choice already resolved: the clinic's defaults, then the
therapist's changes for the client, then the person's own choices.

A therapist's "off" for a client is final; otherwise the person's own choice wins, and
without one the therapist's "on", then the clinic's default and the kind's own default.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

from clients.models import Client
from clinic.models import Clinic, Therapist, User

from .models import ClientReminderPlan, ClinicReminderSettings, ReminderPreference
from .person import Person
from .registry import CLIENT, THERAPIST, every_kind
from .timing import QuietHours


def clinic_settings(clinic: Clinic) -> ClinicReminderSettings:
    """The clinic's row, or its defaults (unsaved) when it has none."""
    try:
        return clinic.reminder_settings
    except ClinicReminderSettings.DoesNotExist:
        return ClinicReminderSettings(clinic=clinic)  # kept on the clinic for next time


def kinds_on(
    *,
    audience: str,
    settings: ClinicReminderSettings,
    plan: ClientReminderPlan | None,
    preference: ReminderPreference | None,
) -> frozenset[str]:
    chosen = (preference.kinds if preference else None) or {}
    changed = (plan.kinds if plan else None) or {}
    on = set()
    for kind in every_kind(audience):
        if changed.get(kind.name) is False:
            continue
        if kind.name in chosen:
            wanted = bool(chosen[kind.name])
        elif kind.name in changed:
            wanted = bool(changed[kind.name])
        else:
            wanted = kind.default_on and kind.name not in (settings.kinds_off or [])
        if wanted:
            on.add(kind.name)
    return frozenset(on)


def person_of(
    *,
    user: User,
    clinic: Clinic,
    zone: str,
    audience: str,
    preference: ReminderPreference | None,
    plan: ClientReminderPlan | None = None,
    client: Client | None = None,
    therapist: Therapist | None = None,
) -> Person:
    settings = clinic_settings(clinic)
    if preference is not None and preference.quiet_from is not None:
        quiet = QuietHours(preference.quiet_from, preference.quiet_until)
    else:
        quiet = QuietHours(settings.quiet_from, settings.quiet_until)
    daily_hour = settings.daily_hour
    if preference is not None and preference.daily_hour is not None:
        daily_hour = preference.daily_hour
    silence_days = settings.silence_days
    if plan is not None and plan.silence_days is not None:
        silence_days = plan.silence_days
    return Person(
        user_id=user.pk,
        name=user.display_name,  # never the address: "Hello," alone without a name
        clinic_id=clinic.pk,
        clinic_name=clinic.name,
        zone=ZoneInfo(zone),
        daily_hour=daily_hour,
        quiet=quiet,
        grace=timedelta(hours=settings.grace_hours),
        kinds=kinds_on(audience=audience, settings=settings, plan=plan, preference=preference),
        silence_days=silence_days,
        paused_until=preference.paused_until if preference else None,
        client=client,
        therapist=therapist,
    )


def related_or_none(instance, name: str):
    """A reverse one-to-one that may be missing, without a query when it was joined."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def _clinics() -> dict[int, Clinic]:
    """Every clinic with its settings, one instance each, shared by all its people."""
    return {clinic.pk: clinic for clinic in Clinic.objects.select_related("reminder_settings")}


def clients_reminded() -> list[Person]:
    """Every client in active treatment who can be e-mailed. Two queries."""
    clinics = _clinics()
    clients = (
        Client.objects.filter(status=Client.Status.ACTIVE, user__is_active=True)
        .exclude(user__email="")
        .select_related("user__reminder_preference", "reminder_plan")
    )
    persons = []
    for client in clients:
        Client.clinic.field.set_cached_value(client, clinics[client.clinic_id])
        persons.append(client_person(client))
    return persons


def among(client_ids: list[int], path: str = "client") -> Q:
    """Rows of these clients (all in active treatment), through ``path``: by their ids when
    they are few; when they are many, by a join, cheaper than an IN list of thousands (the
    caller keeps only the rows of its own clients)."""
    if len(client_ids) <= AMONG_IDS_MOST:
        return Q(**{f"{path}_id__in": client_ids})
    return Q(**{f"{path}__status": Client.Status.ACTIVE})


AMONG_IDS_MOST = 500


def client_person(client: Client) -> Person:
    return person_of(
        user=client.user,
        clinic=client.clinic,
        zone=client.time_zone,
        audience=CLIENT,
        preference=related_or_none(client.user, "reminder_preference"),
        plan=related_or_none(client, "reminder_plan"),
        client=client,
    )


def therapists_reminded() -> list[Person]:
    """Every active therapist who can be e-mailed, in the clinic's zone. Two queries."""
    clinics = _clinics()
    therapists = (
        Therapist.objects.filter(is_active=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user__reminder_preference")
    )
    persons = []
    for therapist in therapists:
        Therapist.clinic.field.set_cached_value(therapist, clinics[therapist.clinic_id])
        persons.append(therapist_person(therapist))
    return persons


def therapist_person(therapist: Therapist) -> Person:
    return person_of(
        user=therapist.user,
        clinic=therapist.clinic,
        zone=therapist.clinic.time_zone,
        audience=THERAPIST,
        preference=related_or_none(therapist.user, "reminder_preference"),
        therapist=therapist,
    )


def person_for(user: User) -> Person | None:
    """The person as reminders see them now, or None when they get none at all (a client
    not in active treatment, an inactive therapist, a staff member who is no therapist)."""
    if user.role == User.Role.CLIENT:
        client = (
            Client.objects.filter(user=user, status=Client.Status.ACTIVE, user__is_active=True)
            .select_related(
                "user__reminder_preference", "reminder_plan", "clinic__reminder_settings"
            )
            .first()
        )
        return client_person(client) if client else None
    if user.role == User.Role.THERAPIST:
        therapist = (
            Therapist.objects.filter(user=user, is_active=True, user__is_active=True)
            .select_related("user__reminder_preference", "clinic__reminder_settings")
            .first()
        )
        return therapist_person(therapist) if therapist else None
    return None
