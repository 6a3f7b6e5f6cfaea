"""The alert page: the check-in or the questionnaire answer that raised an alert, what
has been done, and the form to record a follow-up. Open to the treating therapist, and to a covering
therapist once the alert has been escalated; anyone else gets 404."""

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clients.measures.instruments import INSTRUMENTS
from clients.measures.instruments.definition import Instrument, Item
from clients.measures.models import MeasureResponse
from clients.models import TEXT_MAX_CHARS
from clinic import audit
from clinic.forms import add_service_errors
from clinic.roles import therapist_required

from . import plans, selectors, services
from .crisis import plan_sections
from .models import FollowUp


class FollowUpForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("What was done?"),
        choices=FollowUp.Action.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional; required for 'other')"),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept encrypted, in the client's record."),
    )


@dataclass(frozen=True)
class Event:
    at: datetime
    what: str
    who: str = ""
    note: str = ""


@dataclass(frozen=True)
class ItemAnswer:
    item: Item
    value: int
    answer: str  # the published wording of the option: "Not at all" is an answer too


@dataclass(frozen=True)
class RaisedByMeasure:
    """The questionnaire whose self-harm item raised a safety alert, and that item's answer."""

    response: MeasureResponse
    instrument: Instrument
    answers: list[ItemAnswer]


def raised_by_measure(alert) -> RaisedByMeasure | None:
    """The response that raised the alert; one query, asked only of an alert that no
    check-in raised."""
    if alert.check_in_id is not None:
        return None
    response = MeasureResponse.objects.filter(alert=alert).select_related("entered_by").first()
    if response is None:
        return None
    instrument = INSTRUMENTS[response.instrument]
    answers = []
    for code in instrument.safety_items:
        value = response.answers.get(code)
        if value is None:
            continue
        answers.append(
            ItemAnswer(instrument.item(code), value, instrument.option_text(code, value))
        )
    return RaisedByMeasure(response, instrument, answers)


def history(alert) -> list[Event]:
    """Everything that happened to the alert, in time order."""
    events = [Event(alert.created_at, _("alert raised"))]
    if alert.notified_at:
        events.append(Event(alert.notified_at, _("treating therapist e-mailed")))
    if alert.escalated_at:
        events.append(
            Event(alert.escalated_at, _("escalated to covering therapists and clinic admins"))
        )
    events += [
        Event(f.at, f.get_action_display(), f.by.get_full_name(), f.note) for f in alert.history
    ]
    if alert.acknowledged_at and not alert.history:  # resolved before follow-ups existed
        events.append(
            Event(alert.acknowledged_at, _("acknowledged"), alert.acknowledged_by.get_full_name())
        )
    return sorted(events, key=lambda event: event.at)


def _page(request: HttpRequest, alert, form: FollowUpForm, status: int = 200) -> HttpResponse:
    """The alert with what a clinician needs to act on it, a covering one included: the
    check-in or the questionnaire answer, how to reach the client, and the safety plan."""
    plan = plans.safety_plan_for(client=alert.client)
    measure = raised_by_measure(alert)
    _record_reads(request, alert, plan, measure)
    return render(
        request,
        "safety/alert.html",
        {
            "alert": alert,
            "form": form,
            "covering": selectors.is_covering(alert, request.user),
            "check_in": alert.check_in,
            "measure": measure,
            "plan": plan_sections(plan),
            "client_email": alert.client.user.email,
            "history": history(alert),
        },
        status=status,
    )


def _record_reads(request: HttpRequest, alert, plan, measure: RaisedByMeasure | None) -> None:
    audit.record_read(request, "alert", [alert.pk], client_id=alert.client_id)
    if alert.check_in_id:
        audit.record_read(request, "checkin", [alert.check_in_id], client_id=alert.client_id)
    if measure is not None:
        audit.record_read(
            request, "measureresponse", [measure.response.pk], client_id=alert.client_id
        )
    if plan is not None:
        audit.record_read(request, "safetyplan", [plan.pk], client_id=alert.client_id)


@therapist_required
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_get_for(user=request.user, alert_id=alert_id)
    return _page(request, alert, FollowUpForm())


@require_POST
@therapist_required
def follow_up_add(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_get_for(user=request.user, alert_id=alert_id)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            follow_up = services.follow_up_record(alert=alert, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if "alert" in error.message_dict:  # a colleague resolved it a moment ago
                messages.error(request, " ".join(error.message_dict["alert"]))
                return redirect("alert-page", alert_id=alert.pk)
            add_service_errors(form, error)
        else:
            if follow_up.resolves:
                messages.success(request, _("Follow-up recorded; the alert is resolved."))
            else:
                messages.warning(
                    request,
                    _("Attempt recorded. The alert stays open until the client is reached."),
                )
            return redirect("alert-page", alert_id=alert.pk)
    return _page(request, alert, form, 400)  # refused: nothing about the alert changed
