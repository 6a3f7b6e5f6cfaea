"""The client's own page: a check-in and the exercises they were given.

It sends what the client fills in to the same REST API the phone app uses.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from clinic.calendar import services as calendar_feeds
from clinic.models import User

from . import measure_pages, pages
from .models import Client
from .reminders.pages import summary_of
from .reminders.people import client_person
from .selectors import clients_for


def _own_record(user: User) -> Client | None:
    """The client record of a client's login, with what the crisis box and the cards read,
    in one query."""
    if user.role != User.Role.CLIENT:
        return None
    return (
        clients_for(user=user)
        .select_related(
            "clinic__reminder_settings",
            "user__calendar_feed",
            "user__reminder_preference",
            "reminder_plan",
            "safety_plan",
            "primary_therapist__user",
        )
        .first()
    )


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """Clients check in here; anyone else is sent to their own start page."""
    client = _own_record(request.user)
    if client is None:
        return redirect("home")
    page = pages.client_home(client=client)
    return render(
        request,
        "clients/me.html",
        {
            "page": page,
            "scales": page.scales,
            "completion_scales": pages.COMPLETION_SCALES,
            "helpfulness": pages.HELPFULNESS,
            "measures": measure_pages.home_card(request, client),
            "calendar_feed": calendar_feeds.feed_active(client.user),
            "reminders": (
                summary_of(client_person(client)) if client.status == Client.Status.ACTIVE else None
            ),
        },
    )
