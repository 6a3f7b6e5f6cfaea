"""The therapist manages a client from the client's page: details, pause, discharge, back.

Each action is a POST that the trail records (the client's save signal) and answers
with the client's page and a message saying what changed.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients import treatment
from clients.selectors import client_get_for
from clinic import audit
from clinic.forms import add_service_errors
from clinic.roles import therapist_required

from .client_forms import ClientEditForm, DischargeForm
from .forms import errors_in_words, refusal_in_words


def _back(client_id: int):
    return redirect("client-progress", client_id=client_id)


@therapist_required
def client_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    initial = {
        "label": client.label,
        "time_zone": client.time_zone,
        "focus_areas": client.focus_areas,
        "other_person": client.other_person,
    }
    form = ClientEditForm(request.POST or None, initial=initial, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            treatment.client_update(client=client, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Saved the details of %(label)s.") % {"label": client.label}
            )
            return _back(client.pk)
    audit.record_read(request, "client", [client.pk])
    return render(
        request,
        "reports/client_edit.html",
        {"client": client, "form": form, "discharge_form": DischargeForm()},
    )


@require_POST
@therapist_required
def client_pause(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    try:
        treatment.client_pause(client=client)
    except ValidationError as error:
        messages.error(request, refusal_in_words(error))
    else:
        messages.success(
            request,
            _("%(label)s is paused. They can still check in; reactivate when treatment resumes.")
            % {"label": client.label},
        )
    return _back(client.pk)


@require_POST
@therapist_required
def client_discharge(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    form = DischargeForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_in_words(form))
        return redirect("client-edit", client_id=client.pk)
    try:
        treatment.client_discharge(
            client=client,
            discharged_on=form.cleaned_data["discharged_on"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, refusal_in_words(error))
        return redirect("client-edit", client_id=client.pk)
    messages.success(
        request,
        _(
            "%(label)s is discharged. Their page is read-only; their exercises ended and "
            "future sessions were cancelled."
        )
        % {"label": client.label},
    )
    return _back(client.pk)


@require_POST
@therapist_required
def client_reactivate(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    try:
        treatment.client_reactivate(client=client)
    except ValidationError as error:
        messages.error(request, refusal_in_words(error))
    else:
        messages.success(request, _("%(label)s is back in treatment.") % {"label": client.label})
    return _back(client.pk)
