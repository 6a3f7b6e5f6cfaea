"""The second-factor pages: give a code, set up an authenticator, recovery codes, and the
account page where staff manage it.

clinic.middleware.SecondFactorMiddleware lets a signed-in member of staff who owes a code
reach only ``verify``, ``setup`` and ``recovery_codes`` (and logging out), so those three
check for themselves what this person may do here.
"""

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from . import two_factor
from .accounts import lockout_response
from .models import User
from .two_factor import CodeWait, Step

NEW_CODES_KEY = "two_factor_new_recovery_codes"


class CodeForm(forms.Form):
    code = forms.CharField(max_length=32, strip=True)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest) -> HttpResponse:
    return redirect_to_login(_next(request), reverse(name))


def _staff(request: HttpRequest) -> User:
    if request.user.role not in User.STAFF_ROLES:
        raise PermissionDenied
    return request.user


def _signed_in(request: HttpRequest, device) -> None:
    otp_login(request, device)
    # A new session key for the session that now has both factors.
    request.session.cycle_key()


def _wait_error(form: CodeForm, wait: CodeWait) -> None:
    form.add_error(
        "code",
        ngettext(
            "Too many wrong codes in a row: wait %(seconds)d second, then try again.",
            "Too many wrong codes in a row: wait %(seconds)d seconds, then try again.",
            wait.seconds,
        )
        % {"seconds": wait.seconds},
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the authenticator app, or a recovery code."""
    user = request.user
    step = two_factor.second_factor_step(user)  # clients: none
    if step is Step.NONE or request.user.is_verified():
        return redirect(_next(request))
    if step is Step.SET_UP:
        return _with_next("two-factor-setup", request)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        credentials = {"email": user.email}
        if AxesProxyHandler.is_locked(request, credentials):
            logout(request)
            return lockout_response(request)
        if form.is_valid():
            try:
                device = two_factor.code_check(user=user, code=form.cleaned_data["code"])
            except CodeWait as wait:
                _wait_error(form, wait)
            else:
                if device is not None:
                    _signed_in(request, device)
                    if isinstance(device, StaticDevice):
                        _recovery_code_used(request, user)
                    return redirect(_next(request))
                two_factor.code_failed(request, user)
                if getattr(request, "axes_locked_out", False):
                    logout(request)
                    return lockout_response(request)
                form.add_error(
                    "code",
                    _(
                        "That code did not work. Enter the code your app shows now, or a "
                        "recovery code."
                    ),
                )
    return render(request, "clinic/two_factor/verify.html", {"form": form, "next": _next(request)})


def _recovery_code_used(request: HttpRequest, user: User) -> None:
    left = two_factor.recovery_codes_left(user)
    messages.warning(
        request,
        ngettext(
            "You signed in with a recovery code; %(count)d is left. Make new ones on the "
            "two-factor sign-in page.",
            "You signed in with a recovery code; %(count)d are left. Make new ones on the "
            "two-factor sign-in page if you are running low.",
            left,
        )
        % {"count": left},
    )


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Add the authenticator app: scan the QR code (or type the key), confirm with a code."""
    user = _staff(request)
    # Replacing an authenticator takes the one there is: a password alone is not enough.
    if two_factor.has_authenticator(user) and not request.user.is_verified():
        return _with_next("two-factor-verify", request)
    device = two_factor.authenticator_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.authenticator_confirm(device=device, code=form.cleaned_data["code"])
        except CodeWait as wait:
            _wait_error(form, wait)
        else:
            if codes is not None:
                device.refresh_from_db()
                _signed_in(request, device)
                request.session[NEW_CODES_KEY] = codes
                return _with_next("two-factor-recovery-codes", request)
            form.add_error(
                "code",
                _(
                    "That code did not work. Check that the app shows this account, and "
                    "enter the code it shows now."
                ),
            )
    context = {
        "form": form,
        "next": _next(request),
        "qr_code": two_factor.qr_code_data_uri(device),
        "secret": two_factor.secret_shown(device),
        "demanded": two_factor.second_factor_demanded(user),
    }
    return render(request, "clinic/two_factor/setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once. POST makes new ones (the old stop working)."""
    user = _staff(request)
    if request.method == "POST":
        if not request.user.is_verified():
            return _with_next("two-factor-verify", request)
        request.session[NEW_CODES_KEY] = two_factor.recovery_codes_replace(user=user)
        return _with_next("two-factor-recovery-codes", request)
    codes = request.session.pop(NEW_CODES_KEY, None)
    if not codes or not request.user.is_verified():
        return redirect("two-factor")
    shown = [two_factor.recovery_code_shown(code) for code in codes]
    return render(
        request, "clinic/two_factor/recovery_codes.html", {"codes": shown, "next": _next(request)}
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Two-factor sign-in: whether it is on, recovery codes left, set up or start again."""
    user = _staff(request)
    has_authenticator = two_factor.has_authenticator(user)
    context = {
        "has_authenticator": has_authenticator,
        "demanded": two_factor.second_factor_demanded(user),
        "codes_left": two_factor.recovery_codes_left(user) if has_authenticator else 0,
    }
    return render(request, "clinic/two_factor/account.html", context)
