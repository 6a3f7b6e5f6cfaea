"""Writes about the practice itself: clinics, staff and the people who log in."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clients.services import clinic_library_install

from .models import Clinic, Session, Therapist, User


@transaction.atomic
def clinic_create(
    *, name: str, slug: str, time_zone: str = "UTC", crisis_resources: str = "", **settings
) -> Clinic:
    """Create a clinic with the default emotion vocabulary and exercise library.

    ``settings`` are the clinic's other fields (phone, phone_hours, safety_response,
    escalate_after_minutes), checked like the rest."""
    clinic = Clinic(
        name=name, slug=slug, time_zone=time_zone, crisis_resources=crisis_resources, **settings
    )
    clinic.full_clean()
    clinic.save()
    clinic_library_install(clinic=clinic)
    return clinic


@transaction.atomic
def therapist_create(
    *,
    clinic: Clinic,
    email: str,
    display_name: str,
    password: str | None = None,
    credentials: str = "",
) -> Therapist:
    """Create a therapist's login and profile at a clinic."""
    user = User.objects.create_user(
        email=email,
        password=password,
        display_name=display_name,
        clinic=clinic,
        role=User.Role.THERAPIST,
    )
    return Therapist.objects.create(user=user, clinic=clinic, credentials=credentials)


def clinic_admin_create(
    *, clinic: Clinic, email: str, display_name: str, password: str | None = None
) -> User:
    """Create a clinic admin: the admin site, limited to this clinic."""
    return User.objects.create_user(
        email=email,
        password=password,
        display_name=display_name,
        clinic=clinic,
        role=User.Role.CLINIC_ADMIN,
        is_staff=True,
    )


def session_schedule(
    *,
    therapist: Therapist,
    client,
    starts_at,
    mode: str = Session.Mode.IN_PERSON,
    duration_minutes: int = 50,
) -> Session:
    """Put a session with a client of this therapist's clinic in the calendar."""
    if client.clinic_id != therapist.clinic_id:
        raise ValidationError({"client": "This client is not at your clinic."})
    if starts_at < timezone.now() - timedelta(days=1):
        raise ValidationError({"starts_at": "This time has passed; sessions are booked ahead."})
    if Session.objects.filter(client=client, starts_at=starts_at).exists():
        raise ValidationError({"starts_at": "There is already a session at this time."})
    session = Session(
        client=client,
        therapist=therapist,
        starts_at=starts_at,
        mode=mode,
        duration_minutes=duration_minutes,
    )
    session.full_clean(exclude=["client", "therapist"])
    session.save()
    return session


def session_mark(*, session: Session, status: str) -> Session:
    """Record that a session was held, cancelled or missed (or back to scheduled)."""
    took_place = {Session.Status.COMPLETED, Session.Status.NO_SHOW}
    if status in took_place and session.starts_at > timezone.now():
        raise ValidationError({"status": "A session can be marked held once it has begun."})
    session.status = status
    session.full_clean(exclude=["client", "therapist"])
    session.save(update_fields=["status"])
    return session
