import zoneinfo

from django.utils import timezone


class ClinicTimeZoneMiddleware:
    """Staff see times in their clinic's zone: "next session 16:00" means 16:00 there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        clinic = getattr(user, "clinic", None) if user and user.is_authenticated else None
        if clinic is not None:
            timezone.activate(zoneinfo.ZoneInfo(clinic.time_zone))
        else:
            timezone.deactivate()
        return self.get_response(request)
