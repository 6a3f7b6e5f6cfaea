"""Sign-in protection: which account a login attempt is for, and what a locked-out person sees.

django-axes counts failed sign-ins per account (both the login page and the API's token
login go through ``authenticate``) and refuses the account for a cool-off period.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework.exceptions import ErrorDetail

from .api.errors import error_body


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
    message = (
        "Too many failed sign-ins for this account or from this network. "
        f"Please try again in {minutes} minutes."
    )
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body(ErrorDetail(message, code="locked_out")), status=429)
    else:
        response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
