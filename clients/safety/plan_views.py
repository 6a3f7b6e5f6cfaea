"""The therapist's page for a client's safety plan: read it, write it.

Only the treating therapist opens it; any other client is a 404, as everywhere.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clients.selectors import client_get_for
from clinic import audit
from clinic.forms import add_service_errors
from clinic.roles import therapist_required

from . import plans
from .forms import SafetyPlanForm


@require_http_methods(["GET", "POST"])
@therapist_required
def plan_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    plan = plans.safety_plan_for(client=client)
    status = 200
    if request.method == "POST":
        form = SafetyPlanForm(request.POST)
        if form.is_valid():
            try:
                plans.safety_plan_save(client=client, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Safety plan saved. %(label)s sees it on their page and in the crisis box.")
                    % {"label": client.label},
                )
                return redirect("client-safety-plan", client_id=client.pk)
        status = 400
    else:
        form = SafetyPlanForm.for_plan(plan)
    if plan is not None:
        audit.record_read(request, "safetyplan", [plan.pk], client_id=client.pk)
    return render(
        request,
        "safety/plan_form.html",
        {"client": client, "plan": plan, "form": form},
        status=status,
    )
