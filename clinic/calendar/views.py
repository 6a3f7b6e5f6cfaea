"""The feed itself (no sign-in: the secret in the address is the key) and the page where a
client or a therapist makes, renews or turns off their address.

A new address is shown in the answer to the request that made it and kept nowhere else,
not even in the browser session; the page never shows it again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from clinic import audit
from clinic.models import User

from . import ics, services
from .models import CalendarFeed

TEMPLATE = "calendar_feeds/page.html"


@require_safe
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The requester's sessions as iCalendar. Unknown or revoked: the site's plain 404."""
    found = services.feed_for_secret(secret)
    if found is None:
        raise Http404
    events = services.feed_events(found)
    if events:
        # A therapist's feed lists their clients' sessions: a read by staff, recorded. The
        # secret stands for its owner, as an API token does: the trail names them. The
        # request's own sign-in (a browser's) is left as it is.
        ids = [event.session_id for event in events]
        audit.record_read_by(found.user, request, "session", ids)
    body = ics.ics_document(events, name=_("Sessions"), stamp=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # Who is seen when is nobody else's business: no shared cache may keep it, and calendar
    # apps poll on their own schedule whatever a max-age says (NoStoreMiddleware agrees).
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _owner(request: HttpRequest) -> User:
    if not services.may_have_feed(request.user):
        raise PermissionDenied
    return request.user


def _context(user: User, **extra) -> dict:
    return {
        "feed": services.feed_active(user),
        "is_therapist": user.role == User.Role.THERAPIST,
        **extra,
    }


def _shown_once(request: HttpRequest, made: CalendarFeed, secret: str) -> HttpResponse:
    address = request.build_absolute_uri(reverse("calendar-feed", args=[secret]))
    context = {
        **_context(request.user),
        "feed": made,
        "address": address,
        "webcal": "webcal://" + address.split("://", 1)[1],
    }
    return render(request, TEMPLATE, context)


def _stale(current: CalendarFeed | None, replaces: str) -> bool:
    """Whether a request to make a link names a link other than the one now on: "make my
    link" when one is on already, or "make a new link" for one replaced since."""
    if current is None:
        return False
    return replaces != current.created_at.isoformat()


@login_required
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest) -> HttpResponse:
    """Make (or renew) the address, choose labels (therapists), or turn it off."""
    user = _owner(request)
    therapist = user.role == User.Role.THERAPIST
    if request.method == "GET":
        return render(request, TEMPLATE, _context(user))
    action = request.POST.get("action")
    labels = therapist and request.POST.get("show_labels") == "on"
    if action in ("create", "renew"):
        if _stale(services.feed_active(user), request.POST.get("replaces", "")):
            # The same form sent again (a reload of the page that showed the new link, a
            # second tab): making yet another link would stop the one just copied.
            messages.info(
                request,
                _(
                    "Your calendar link was already made, and it is shown only once. "
                    "If you did not copy it, make a new link."
                ),
            )
            return redirect("calendar")
        made, secret = services.feed_create(user=user, show_labels=labels)
        return _shown_once(request, made, secret)
    if action == "revoke":
        if services.feed_revoke(user=user):
            messages.success(request, _("Your calendar link is turned off. It no longer works."))
        return redirect("calendar")
    if action == "labels" and therapist:
        if services.feed_labels_set(user=user, show_labels=labels) is not None:
            messages.success(request, _("Saved. Your calendar shows it when it next fetches."))
        return redirect("calendar")
    context = _context(user, error=_("That did not work. Please choose one of the buttons."))
    return render(request, TEMPLATE, context, status=400)
