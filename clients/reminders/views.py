"""Stopping one kind of reminder from the e-mail itself, without signing in.

The link in the e-mail opens a page with one button; mail programs that show an
"Unsubscribe" button post to the same address (RFC 8058, "List-Unsubscribe=One-Click").
A plain visit never unsubscribes: mail scanners open every link they see.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clinic.models import User

from . import services
from .tokens import read_token


# The signed token is the proof: a mail program's one-click post carries no CSRF token.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = read_token(token)
    user = User.objects.filter(pk=found[0], is_active=True).first() if found else None
    if user is None:
        raise Http404
    kind = found[1]
    context = {"kind": kind, "token": token, "stopped": False}
    if request.method == "POST":
        services.kind_stop(user=user, kind=kind.name)
        context["stopped"] = True
    response = render(request, "reminders/unsubscribe.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
