"""Writes about the practice itself: clinics, staff and the people who log in."""

from django.db import transaction

from clients.services import clinic_library_install

from .models import Clinic, Therapist, User


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
