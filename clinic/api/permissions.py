from rest_framework.permissions import BasePermission

from clinic.models import User


class IsClient(BasePermission):
    message = "Only clients can do this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.role == User.Role.CLIENT)


class IsTherapist(BasePermission):
    message = "Only therapists can do this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.role == User.Role.THERAPIST
            and hasattr(user, "therapist")
            and user.therapist.is_active
        )


class IsClinicMember(BasePermission):
    """Anyone who belongs to a clinic: staff or client."""

    message = "This needs an account at a clinic."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.clinic_id is not None)
