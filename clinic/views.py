from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clients.selectors import caseload_for

from . import health


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": health.database_reachable(), "broker": health.broker_reachable()}
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "checks": {name: "ok" if ok else "unreachable" for name, ok in checks.items()},
        },
        status=200 if healthy else 503,
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    therapist = getattr(request.user, "therapist", None)
    caseload = caseload_for(therapist=therapist) if therapist is not None else None
    return render(request, "clinic/home.html", {"caseload": caseload})
