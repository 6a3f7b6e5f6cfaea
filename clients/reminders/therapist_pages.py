"""The treating therapist's reminder plan for one client: each of the client's kinds the
clinic's way, on or off, and after how many days without a check-in the client is nudged.

Only the treating therapist: ``client_get_for`` gives anyone else a 404, a client or an
admin a 403 (``therapist_required``). A discharged client's plan is read only. The page
records the therapist's read of the client; the plan's write is recorded by the trail's
own signal, as every write is.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from clients.models import Client
from clients.selectors import client_get_for
from clinic import audit
from clinic.forms import add_service_errors
from clinic.roles import therapist_required

from . import services
from .forms import PlanForm
from .models import ClientReminderPlan
from .people import clinic_settings
from .registry import CLIENT, every_kind

TEMPLATE = "reminders/plan.html"

# Each kind's help as the therapist reads it (the kinds' own help speaks to the client); a
# kind not named here shows its label.
THERAPIST_HELP = {
    "exercises": gettext_lazy(
        "At the client's hour, on days something is planned for them and not yet done."
    ),
    "measures": gettext_lazy("At the client's hour, once when new questions are waiting."),
    "check_in": gettext_lazy(
        "Once, at the client's hour, after the number of days without a check-in below."
    ),
    "session": gettext_lazy(
        "24 hours before each appointment, with the time in the client's time zone."
    ),
}


def _plan(client: Client) -> ClientReminderPlan | None:
    return ClientReminderPlan.objects.filter(client=client).select_related("updated_by").first()


@require_http_methods(["GET", "HEAD", "POST"])
@therapist_required
def client_plan(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    read_only = client.status == Client.Status.DISCHARGED
    settings = clinic_settings(client.clinic)
    plan = _plan(client)
    kinds = every_kind(CLIENT)
    status = 200
    form = PlanForm(
        kinds=kinds, settings=settings, plan=plan, read_only=read_only, helps=THERAPIST_HELP
    )
    if request.method == "POST":
        if read_only:
            messages.error(
                request,
                _("This client has been discharged; reactivate them to change their reminders."),
            )
            return redirect("client-reminders", client_id=client.pk)
        form = PlanForm(
            request.POST, kinds=kinds, settings=settings, plan=plan, helps=THERAPIST_HELP
        )
        if form.is_valid():
            try:
                services.plan_save(
                    client=client,
                    by=request.user,
                    kinds=form.kinds_chosen(),
                    silence_days=form.silence_days_chosen(),
                    fields={"kinds", "silence_days"},
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved. The client's reminders follow it now."))
                return redirect("client-reminders", client_id=client.pk)
        status = 400
    audit.record_read(request, "client", [client.pk])
    context = {"client": client, "form": form, "plan": plan, "read_only": read_only}
    return render(request, TEMPLATE, context, status=status)
