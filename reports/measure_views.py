"""The therapist's measure pages: schedules, a paper form entered for the client, and
one response's answers item by item.

Only the treating therapist: anyone else gets a 404 from ``client_get_for``. A
discharged client's record is read-only, as it is for sessions and exercises.
Messages name the measure, never a score or an answer. They are kept with the session
on the server; that a paper form raised a safety alert is said, so the therapist who
typed it knows at once that a follow-up is waiting.
"""

import uuid
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clients.measures import policies, services
from clients.measures.instruments import INSTRUMENTS
from clients.measures.instruments.definition import Instrument
from clients.measures.models import MeasureResponse
from clients.measures.selectors import episode_start
from clients.models import Client
from clients.selectors import client_get_for
from clinic import audit
from clinic.forms import add_service_errors
from clinic.roles import therapist_required

from .forms import errors_in_words, refusal_in_words
from .measure_forms import PaperResponseForm, ScheduleForm


def _back(client_id: int):
    return redirect(reverse("client-progress", args=[client_id]) + "#measures")


def _read_only(request: HttpRequest, client: Client) -> bool:
    if client.status != Client.Status.DISCHARGED:
        return False
    messages.error(
        request, _("This client has been discharged; reactivate them to change their measures.")
    )
    return True


@require_POST
@therapist_required
def schedule_save(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    if _read_only(request, client):
        return _back(client.pk)
    in_use = [p.instrument for p in policies.enabled_for(client.clinic_id).values()]
    form = ScheduleForm(request.POST, instruments=in_use)
    if not form.is_valid():
        messages.error(request, _("The schedule was not saved.") + " " + errors_in_words(form))
        return _back(client.pk)
    data = form.cleaned_data
    try:
        schedule = services.schedule_set(client=client, by=request.user, **data)
    except ValidationError as error:
        # Onto the form first, so the message names the field (From, Until) by its label.
        add_service_errors(form, error)
        messages.error(request, _("The schedule was not saved.") + " " + errors_in_words(form))
    else:
        messages.success(
            request,
            _("%(name)s: %(cadence)s, from %(day)s.")
            % {
                "name": INSTRUMENTS[schedule.instrument].name,
                "cadence": schedule.get_cadence_display().lower(),
                "day": date_format(schedule.starts_on, "j M Y"),
            },
        )
    return _back(client.pk)


@require_POST
@therapist_required
def schedule_stop(request: HttpRequest, client_id: int, schedule_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    schedule = get_object_or_404(client.measure_schedules, pk=schedule_id)
    if _read_only(request, client):
        return _back(client.pk)
    services.schedule_stop(schedule=schedule)
    messages.success(
        request,
        _("%(name)s is no longer asked for.") % {"name": INSTRUMENTS[schedule.instrument].name},
    )
    return _back(client.pk)


def _reused(error: ValidationError) -> bool:
    return any(
        each.code == "client_uuid_reused"
        for each in getattr(error, "error_dict", {}).get("client_uuid", [])
    )


def _record(request: HttpRequest, client: Client, form: PaperResponseForm) -> bool:
    """Store a valid paper form; a refusal goes onto the form. True when stored."""
    try:
        draft = services.response_prepare(
            client=client,
            instrument=form.definition.code,
            answers=form.answers,
            completed_at=form.cleaned_data["completed_at"],
            difficulty=form.difficulty_answer,
            client_uuid=form.cleaned_data["client_uuid"],
            entered_by=request.user,
        )
        response, created = services.response_record(draft=draft)
    except ValidationError as error:
        if _reused(error):
            # Back, a corrected answer, sent again: say so, and let a second send store
            # these answers as a questionnaire of their own.
            form.data = form.data.copy()
            form.data["client_uuid"] = str(uuid.uuid4())
            form.add_error(
                None,
                _(
                    "This form was already entered with other answers, which are kept. "
                    "Send it again to enter these answers as another questionnaire."
                ),
            )
            return False
        for problems in error.message_dict.values():
            for problem in problems:
                form.add_error(None, problem)
        return False
    name = {"name": form.definition.name}
    if not created:
        messages.info(request, _("This %(name)s form was already entered.") % name)
        return True
    text = _("%(name)s entered from a paper form.") % name
    if response.alert_id:
        text += " " + _("It raised a safety alert: see Open alerts.")
    if response.completed_at < episode_start(client):
        text += " " + _("It is dated before treatment started, so it is kept but not charted.")
    messages.success(request, text)
    return True


@require_http_methods(["GET", "POST"])
@therapist_required
def response_enter(request: HttpRequest, client_id: int) -> HttpResponse:
    """Every instrument the clinic has on, each a form of its own; a refused one comes
    back open, with each missing item named and nothing stored."""
    client = client_get_for(user=request.user, client_id=client_id)
    if _read_only(request, client):
        return _back(client.pk)
    zone = ZoneInfo(client.clinic.time_zone)
    now_here = timezone.localtime(timezone.now(), zone)
    in_use = {code: p.instrument for code, p in policies.enabled_for(client.clinic_id).items()}
    forms = {
        code: PaperResponseForm(instrument=each, now_here=now_here) for code, each in in_use.items()
    }
    status, refused, problem = 200, None, ""
    if request.method == "POST":
        code = request.POST.get("instrument")
        if code not in in_use:
            try:
                services.instrument_in_use(client=client, code=code)
            except ValidationError as error:
                problem = refusal_in_words(error)
            status = 400
        else:
            form = PaperResponseForm(request.POST, instrument=in_use[code], now_here=now_here)
            with timezone.override(zone):  # the time was typed in the clinic's zone
                valid = form.is_valid()
            if valid and _record(request, client, form):
                return _back(client.pk)
            forms[code], refused, status = form, code, 400
    audit.record_read(request, "client", [client.pk])
    return render(
        request,
        "reports/measure_enter.html",
        {
            "client": client,
            "forms": list(forms.values()),
            "refused": refused,
            "problem": problem,
            "zone": client.clinic.time_zone,
        },
        status=status,
    )


@therapist_required
def response_detail(request: HttpRequest, client_id: int, response_id: int) -> HttpResponse:
    """One response's answers, item by item, in the published wording with their values."""
    client = client_get_for(user=request.user, client_id=client_id)
    response = get_object_or_404(
        MeasureResponse.objects.filter(client=client).select_related("entered_by", "alert"),
        pk=response_id,
    )
    instrument = INSTRUMENTS[response.instrument]
    audit.record_read(request, "measureresponse", [response.pk], client_id=client.pk)
    return render(
        request,
        "reports/measure_response.html",
        {"client": client, "response": response, **answer_rows(instrument, response)},
    )


def _answer_words(instrument: Instrument, item_code: str, value: int | None) -> str:
    """The answer as the client chose it, with its value: "Not at all (0)". An answer of 0
    to the self-harm item is shown like any other answer, never as "no risk"."""
    if value is None:
        return _("Not answered")
    text = instrument.option_text(item_code, value)
    if not text:
        return str(value)
    return _("%(answer)s (%(value)s)") % {"answer": text, "value": value}


def answer_rows(instrument: Instrument, response: MeasureResponse) -> dict:
    sections = []
    for item in instrument.items:
        stem = instrument.sections.get(item.section, "")
        if not sections or sections[-1]["stem"] != stem:
            sections.append({"stem": stem, "items": []})
        value = response.answers.get(item.code)
        sections[-1]["items"].append(
            {
                "code": item.code,
                "text": item.text,
                "answer": _answer_words(instrument, item.code, value),
                "safety": item.code in instrument.safety_items,
            }
        )
    difficulty = None
    if instrument.difficulty is not None:
        difficulty = {
            "text": instrument.difficulty.text,
            "answer": _answer_words(instrument, instrument.difficulty.code, response.difficulty),
        }
    labels = {sub.code: str(sub.label) for sub in instrument.subscales}
    return {
        "instrument": instrument,
        "sections": sections,
        "difficulty": difficulty,
        "band": instrument.band_label(response.band),  # as scored then
        "subscales": [
            (labels.get(code, code), value) for code, value in response.subscales.items()
        ],
        "diagnosis": instrument.diagnosis_label(response.diagnosis),
    }
