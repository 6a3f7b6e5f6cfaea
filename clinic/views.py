import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rest_framework.exceptions import ErrorDetail

from . import health
from .api.errors import (
    RETRY_AFTER_SECONDS,
    DatabaseUnavailable,
    database_fault,
    database_fault_log,
    error_body,
)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """503 when this node cannot serve (database or broker unreachable). E-mail that is
    late (a mail server refusing, say), or a shared cache away, is "degraded" with a 200:
    a load balancer must not take a web node out for it, but a monitor that reads the
    status tells the operator."""
    checks = {"database": health.database_reachable(), "broker": health.broker_reachable()}
    healthy = all(checks.values())
    body = {"checks": {name: "ok" if ok else "unreachable" for name, ok in checks.items()}}
    # Whether any e-mail is late, and no more: anyone may ask this page, and how many
    # alerts wait, and since when, is the clinic's business (the admin shows it).
    # Counts only live in the cache, and requests go through uncounted without it
    # (clinic.cache): "degraded", never a reason to take a web node out.
    cache = health.cache_reachable()
    degraded = cache is False
    if cache is not None:
        body["checks"]["cache"] = "ok" if cache else "unreachable"
    if checks["database"]:
        email_late, beat_stopped = health.email_late(), not health.beat_running()
        body["checks"]["email"] = "late" if email_late else "ok"
        body["checks"]["beat"] = "not running" if beat_stopped else "ok"
        degraded = degraded or email_late or beat_stopped
    status = "unavailable" if not healthy else "degraded" if degraded else "ok"
    body = {"status": status, **body}
    return JsonResponse(body, status=200 if healthy else 503)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body(ErrorDetail("Not found.", code="not_found")), status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside the `except` block of the view or middleware that failed.
    fault = database_fault(sys.exc_info()[1])
    if fault is not None:
        return database_unavailable(request, fault)
    if _is_api(request):
        body = error_body(ErrorDetail("Something went wrong on our side.", code="server_error"))
        return JsonResponse(body, status=500)
    return render(request, "500.html", status=500)


def database_unavailable(request: HttpRequest, fault: BaseException) -> HttpResponse:
    """503 with Retry-After: a database that does not answer is a pause, not a bug."""
    database_fault_log(request, fault)
    if _is_api(request):
        response = JsonResponse(error_body(DatabaseUnavailable().detail), status=503)
    else:
        # Without the request, so no context processor can reach for the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response._has_been_logged = True  # the warning above is its one line: no traceback
    return response
