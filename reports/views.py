"""The therapist's pages: caseload, progress report, session-prep report, new client.

Views stay thin: check who asks, call one selector or service, render. A client
someone else treats is a 404, the same as one that does not exist.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clients import services as client_services
from clients.measures import services as measure_services
from clients.models import Exercise
from clients.safety import selectors as safety_selectors
from clients.selectors import client_get_for
from clinic import audit, sessions
from clinic.forms import add_service_errors
from clinic.models import Session
from clinic.outbox import selectors as outbox_selectors
from clinic.roles import therapist_required

from . import caseload as caseload_pages
from . import emdr_section, forms, measure_pages, pages, session_prep, summary_pages

# The session whose status the therapist just changed, and what it was before.
UNDO_KEY = "session_undo"


def _back(client_id: int):
    return redirect("client-progress", client_id=client_id)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Therapists see their caseload, clients their check-in page; others are told
    where their work is."""
    if getattr(request.user, "role", None) == "client" and hasattr(request.user, "client"):
        return redirect("client-home")
    if getattr(request.user, "role", None) != "therapist" or not hasattr(request.user, "therapist"):
        return render(request, "clinic/home.html", {})
    return caseload(request)


@therapist_required
def caseload(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or "active"
    focus = request.GET.get("focus") or ""
    therapist = request.user.therapist
    rows = caseload_pages.caseload(therapist=therapist, status=status, focus=focus)
    audit.record_read(request, "client", [row.client.pk for row in rows])
    covering = safety_selectors.alerts_covering(user=request.user)
    if covering:
        audit.record_read(request, "alert", [alert.pk for alert in covering])
    return render(
        request,
        "reports/caseload.html",
        {
            "rows": rows,
            "covering": covering,
            "late_email": outbox_selectors.late_for(request.user),
            "status": status,
            "focus": focus,
            **caseload_pages.filter_choices(),
        },
    )


@therapist_required
def progress(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    window_form = forms.WindowForm(request.GET or None)
    choice = {"window": "since_last", "since": None, "until": None}
    if window_form.is_valid():
        choice.update({k: v for k, v in window_form.cleaned_data.items() if v})
        if choice["since"] or choice["until"]:
            choice["window"] = "custom"  # dates typed in mean these dates
    elif window_form.is_bound:
        messages.warning(request, "Those dates could not be read; showing the default window.")
    report = pages.progress_report(
        client=client,
        window_key=choice["window"],
        first_day=choice["since"],
        last_day=choice["until"],
    )
    if choice["window"] == "custom" and report.window.key != "custom":
        messages.warning(
            request,
            "Custom dates need a start and an end, the start first and not in the future; "
            f"showing {report.window.label.lower()} instead.",
        )
    audit.record_read(request, "client", [client.pk])
    library = Exercise.objects.filter(clinic_id=client.clinic_id, is_active=True)
    return render(
        request,
        "reports/progress.html",
        {
            "report": report,
            "client": client,
            "window_form": window_form,
            "assign_form": forms.AssignForm(
                library=library, initial={"schedule": "weekly", "times_per_week": 3}
            ),
            "session_form": forms.SessionForm(),
            "measures": measure_pages.measure_section(client=client, held=report.held_sessions),
            "emdr": emdr_section.section(
                client=client, window=report.window, held=report.held_sessions
            ),
            "now": timezone.now(),
            "undo": _session_undo(request, client),
        },
    )


def _session_undo(request: HttpRequest, client) -> dict | None:
    """The undo the last action offers, shown once, on this client's page only."""
    undo = request.session.pop(UNDO_KEY, None)
    if not undo:
        return None
    session = client.sessions.filter(pk=undo.get("session")).first()
    if session is None or undo.get("status") not in Session.Status.values:
        return None
    return {"session": session, "status": undo["status"]}


@therapist_required
def prep(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    audit.record_read(request, "client", [client.pk])
    return render(
        request,
        "reports/prep.html",
        {"client": client, "prep": session_prep.prep_report(client=client)},
    )


@require_POST
@therapist_required
def assignment_add(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    library = Exercise.objects.filter(clinic_id=client.clinic_id, is_active=True)
    form = forms.AssignForm(request.POST, library=library)
    if not form.is_valid():
        messages.error(request, "The exercise was not assigned. " + forms.errors_in_words(form))
        return _back(client.pk)
    try:
        client_services.assignment_create(
            therapist=request.user.therapist, client=client, **form.cleaned_data
        )
    except ValidationError as error:
        messages.error(request, "The exercise was not assigned. " + forms.refusal_in_words(error))
    else:
        messages.success(request, f"Assigned “{form.cleaned_data['exercise'].title}”.")
    return _back(client.pk)


@require_POST
@therapist_required
def assignment_status(request: HttpRequest, client_id: int, assignment_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    assignment = get_object_or_404(client.assignments, pk=assignment_id)
    form = forms.AssignmentStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That is not an exercise status.")
    else:
        try:
            client_services.assignment_update(
                assignment=assignment, status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            messages.error(request, forms.refusal_in_words(error))
        else:
            messages.success(
                request,
                f"“{assignment.exercise.title}” is now {assignment.get_status_display().lower()}.",
            )
    return _back(client.pk)


@require_POST
@therapist_required
def session_add(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    form = forms.SessionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("The session was not booked.") + " " + forms.errors_in_words(form)
        )
        return _back(client.pk)
    data = form.cleaned_data
    # The therapist types the time in the clinic's zone.
    starts_at = datetime.combine(data["day"], data["at"], tzinfo=ZoneInfo(client.clinic.time_zone))
    booking = sessions.Booking(
        starts_at=starts_at,
        duration_minutes=data["duration_minutes"],
        mode=data["mode"],
        video_link=data["video_link"],
    )
    try:
        sessions.session_book(
            therapist=request.user.therapist,
            client=client,
            booking=booking,
            past=data["took_place"],
        )
    except ValidationError as error:
        messages.error(
            request, _("The session was not booked.") + " " + forms.refusal_in_words(error)
        )
    else:
        done = (
            _("Recorded a held session on %(when)s.")
            if data["took_place"]
            else _("Booked a session on %(when)s.")
        )
        text = done % {"when": date_format(starts_at, "D j M, H:i")}
        if client.time_zone != client.clinic.time_zone:
            theirs = timezone.localtime(starts_at, ZoneInfo(client.time_zone))
            text += " " + _("For %(label)s, in %(zone)s, that is %(when)s.") % {
                "label": client.label,
                "zone": client.time_zone,
                "when": date_format(theirs, "D j M, H:i"),
            }
        messages.success(request, text)
    return _back(client.pk)


# What each action button did, for the message that offers to undo it.
SESSION_DONE = {
    Session.Status.COMPLETED: gettext_lazy("Session of %(when)s marked as held."),
    Session.Status.CANCELLED: gettext_lazy("Session of %(when)s cancelled."),
    Session.Status.NO_SHOW: gettext_lazy("Session of %(when)s: the client did not attend."),
    Session.Status.SCHEDULED: gettext_lazy("Session of %(when)s is scheduled again."),
}


@require_POST
@therapist_required
def session_status(request: HttpRequest, client_id: int, session_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    session = get_object_or_404(client.sessions.select_related("therapist"), pk=session_id)
    form = forms.SessionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That is not something a session can become."))
        return _back(client.pk)
    previous = session.status
    try:
        sessions.session_mark(session=session, status=form.cleaned_data["status"])
    except ValidationError as error:
        messages.error(request, forms.refusal_in_words(error))
        return _back(client.pk)
    when = date_format(timezone.localtime(session.starts_at), "D j M, H:i")
    messages.success(request, SESSION_DONE[session.status] % {"when": when})
    if not form.cleaned_data["undo"] and previous != session.status:
        # The next page offers one button to put it back; an undo offers no undo of its own.
        request.session[UNDO_KEY] = {"session": session.pk, "status": previous}
    return _back(client.pk)


@require_POST
@therapist_required
def invitation_resend(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    try:
        client_services.invitation_resend(client=client)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "A new invitation is on its way.")
    return _back(client.pk)


@therapist_required
def client_new(request: HttpRequest) -> HttpResponse:
    therapist = request.user.therapist
    form = forms.NewClientForm(request.POST or None, default_zone=therapist.clinic.time_zone)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                client = client_services.client_invite(therapist=therapist, **form.cleaned_data)
                # The clinic's default measures, from the client's first day.
                measure_services.schedules_from_clinic_defaults(client=client, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{client.label} was added and invited by e-mail.")
            return _back(client.pk)
    return render(request, "reports/client_new.html", {"form": form})


@therapist_required
def summaries_week(request: HttpRequest) -> HttpResponse:
    """The latest finished week's summaries of my clients, needs-attention first."""
    rows = summary_pages.latest_week(therapist=request.user.therapist)
    audit.record_read(request, "weeklysummary", [summary.pk for summary in rows["summaries"]])
    return render(request, "reports/summaries.html", rows)


@therapist_required
def client_summaries(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    context = summary_pages.client_weeks(client=client)
    audit.record_read(request, "client", [client.pk])
    return render(request, "reports/client_summaries.html", {"client": client, **context})
