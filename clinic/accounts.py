"""Signing in and getting back in: the login page, "Forgot password?", and what a
locked-out person sees.

django-axes counts failed sign-ins per account (both the login page and the API's token
login go through ``authenticate``, and wrong second-factor codes count too) and refuses the
account for a cool-off period.
"""

import hashlib
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from knox.models import AuthToken
from rest_framework.exceptions import ErrorDetail

from .api.errors import error_body
from .audit import client_ip
from .outbox import services as outbox
from .two_factor import Step, second_factor_step


def login_account(request: HttpRequest, credentials: dict | None) -> str | None:
    """The e-mail an attempt is for, lower-cased, as the login page and the API both send it."""
    credentials = credentials or {}
    email = credentials.get("email") or credentials.get("username")
    if email is None and request is not None:
        email = request.POST.get("username")
    return email.strip().lower() if email else None


def attempt_description(username, ip_address, user_agent, path_info, request) -> str:
    """How axes names an attempt in logs: the address and a hash, never the e-mail itself."""
    account = hashlib.sha256((username or "").encode()).hexdigest()[:12]
    return f"account={account} ip={ip_address} path={path_info}"


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME / timedelta(minutes=1))
    if request.path.startswith("/api/"):
        message = ngettext(
            "Too many failed sign-ins for this account or from this network. "
            "Please try again in %(minutes)d minute.",
            "Too many failed sign-ins for this account or from this network. "
            "Please try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        response = JsonResponse(error_body(ErrorDetail(message, code="locked_out")), status=429)
    else:
        response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


class SignInView(auth_views.LoginView):
    """Django's login page; staff who owe a second factor go on to give it."""

    def form_valid(self, form):
        response = super().form_valid(form)
        step = second_factor_step(form.get_user())
        if step is Step.NONE:
            return response
        name = "two-factor-verify" if step is Step.VERIFY else "two-factor-setup"
        return auth_views.redirect_to_login(self.get_success_url(), reverse(name))


# --- Forgot password ------------------------------------------------------------------


def _over_limit(kind: str, ident: str, limit: int) -> bool:
    """Count one request for ``ident`` this hour; True once there were more than ``limit``."""
    key = f"password-reset:{kind}:{hashlib.sha256(ident.encode()).hexdigest()}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr: this is the hour's first
        cache.set(key, 1, timeout=3600)
        return False


def password_reset_allowed(*, request: HttpRequest, email: str) -> bool:
    """Whether a reset may be asked for now, from this address and for this e-mail address.

    Every address asked for is counted, whether an account has it or not, so the answer
    tells nothing about who has an account here."""
    if _over_limit("ip", client_ip(request) or "", settings.PASSWORD_RESET_HOURLY_LIMIT_PER_IP):
        return False
    address = email.strip().lower()
    return not _over_limit("address", address, settings.PASSWORD_RESET_HOURLY_LIMIT_PER_ADDRESS)


class ForgotPasswordForm(PasswordResetForm):
    def save(self, **kwargs) -> None:
        """Queue one e-mail per matching account (active, with a password of its own).

        Sent by the worker after the answer, so the answer takes as long whether or not an
        account has this address. A link asked for and not sent within the hour is not
        sent at all: by then the person has asked again or given up."""
        from .emails import PASSWORD_RESET

        expires_at = timezone.now() + timedelta(hours=1)
        for user in self.get_users(self.cleaned_data["email"]):
            outbox.owe(
                kind=PASSWORD_RESET,
                key=f"password-reset:{user.pk}:{uuid.uuid4().hex}",
                recipient=user,
                expires_at=expires_at,
            )


class ForgotPasswordView(auth_views.PasswordResetView):
    """The same answer for every address: "if an account has it, a link is on its way"."""

    form_class = ForgotPasswordForm

    def form_valid(self, form):
        if not password_reset_allowed(request=self.request, email=form.cleaned_data["email"]):
            response = render(
                self.request, "registration/password_reset_throttled.html", status=429
            )
            response["Retry-After"] = "3600"
            return response
        form.save()
        return HttpResponseRedirect(self.get_success_url())


class ChoosePasswordView(auth_views.PasswordResetConfirmView):
    """The link from an invitation or a reset. A new password also signs out every app that
    held a token: whoever may have had the old password loses what it gave them."""

    def form_valid(self, form):
        response = super().form_valid(form)
        AuthToken.objects.filter(user=form.user).delete()
        return response
