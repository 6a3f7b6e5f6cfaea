import time
import zoneinfo

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from rest_framework.exceptions import ErrorDetail

from .api.errors import error_body
from .two_factor import Step, second_factor_step


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


class StaffIdleTimeoutMiddleware:
    """A staff session ends after STAFF_IDLE_TIMEOUT of no requests.

    Each request pushes the session's expiry forward; the session store itself refuses an
    expired session, so an unattended screen at the clinic logs itself out. The expiry
    is rewritten at most once a minute to spare a database write per request.
    """

    REFRESHED_KEY = "_idle_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "database_unavailable", False):
            return response  # the session is out of reach too; the 503 says to come back
        # After the view, so the request that signs someone in starts their idle clock too.
        # Only for a signed-in browser session: an API token has its own end (clinic.api.auth).
        user = getattr(request, "user", None)
        signed_in = hasattr(request, "session") and request.session.get(SESSION_KEY)
        if signed_in and user.is_authenticated and user.role in user.STAFF_ROLES:
            self._extend(request.session)
        return response

    def _extend(self, session) -> None:
        now = int(time.time())
        if now - session.get(self.REFRESHED_KEY, 0) >= 60:
            session[self.REFRESHED_KEY] = now
            session.set_expiry(int(settings.STAFF_IDLE_TIMEOUT.total_seconds()))


class NoStoreMiddleware:
    """Pages and API answers can hold health information: no browser or proxy may keep them.

    Static files are served before this runs (WhiteNoise) and keep their long cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class SecondFactorMiddleware:
    """Staff past their password who owe a second factor reach only the pages where they give
    (or set up) one, and logging out, until they have given it: every other page, the admin
    and its login included, sends them to that step, and the API answers 403.

    After django_otp's OTPMiddleware, which tells whether this session gave the factor. An API
    request with a token carries no session user here; the token login asks for the code.
    """

    ALLOWED = (
        "two-factor-verify",
        "two-factor-setup",
        "two-factor-recovery-codes",
        "logout",
        "api-login",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or user.role not in user.STAFF_ROLES
            or user.is_verified()
            or self._allowed(request.path_info)
        ):
            return self.get_response(request)
        step = second_factor_step(user)
        if step is Step.NONE:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            message = gettext("Confirm your sign-in with your second factor on the web first.")
            detail = ErrorDetail(message, code="second_factor_required")
            return JsonResponse(error_body(detail), status=403)
        name = "two-factor-verify" if step is Step.VERIFY else "two-factor-setup"
        return redirect_to_login(request.get_full_path(), reverse(name))

    def _allowed(self, path: str) -> bool:
        static = "/" + settings.STATIC_URL.lstrip("/")
        allowed = {reverse(name).rstrip("/") for name in self.ALLOWED}
        # A calendar feed answers to its secret, not to the browser's sign-in; sending it to
        # the second-factor step would put the secret in a redirect's address.
        feed = path.startswith("/calendar/") and path.endswith(".ics")
        return feed or path.startswith(static) or path.rstrip("/") in allowed
