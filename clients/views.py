"""The client's own page: a check-in and the exercises they were given.

It sends what the client fills in to the same REST API the phone app uses.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from clinic.models import User

from . import pages


def _is_client(user: User) -> bool:
    return user.role == User.Role.CLIENT and hasattr(user, "client")


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """Clients check in here; anyone else is sent to their own start page."""
    if not _is_client(request.user):
        return redirect("home")
    client = request.user.client
    return render(
        request,
        "clients/me.html",
        {
            "page": pages.client_home(client=client),
            "scales": pages.CHECK_IN_SCALES,
            "completion_scales": pages.COMPLETION_SCALES,
            "helpfulness": pages.HELPFULNESS,
        },
    )
