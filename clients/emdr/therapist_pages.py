"""The therapist's EMDR pages: set up a target, edit it and change its status, and record
what a held session did with the client's targets (or remove a record made by mistake).

Only the treating therapist: ``client_get_for`` gives anyone else a 404, and the target or
session is looked up within that client. Every write goes through ``services``; a refusal
comes back on the page, next to the field it names, with nothing stored. A discharged
client's record is read-only, as it is for measures. The product suggests a resolution
from the rule; the therapist decides on the target's page.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from clients.models import Client
from clients.selectors import client_get_for
from clinic import audit
from clinic.forms import add_service_errors
from clinic.models import Session
from clinic.roles import therapist_required

from . import resolution, selectors, services
from .forms import TARGET_FORM_FIELDS, NewTargetForm, ProcessingForm, StatusForm, TargetForm
from .models import ProcessingRecord, Target

DAY = "D j M Y"
RECENT_HELD = 3
# The new-target forms this browser session sent, by their one-time token: the target each
# set up, so that the same form sent again lands on it. The latest few are enough.
SET_UP_KEY = "emdr_targets_set_up"
SET_UP_KEPT = 20


# --- What the rule says of a target's last session --------------------------------


def end_words(record: ProcessingRecord) -> str:
    """ "SUD 0, VoC 7, body scan clear": how a session left the target."""
    sud = record.sud_end if record.sud_end is not None else "–"
    voc = record.voc_installed if record.voc_installed is not None else "–"
    scan = {True: _("clear"), False: _("not clear")}.get(record.body_scan_clear, _("not done"))
    return _("SUD %(sud)s, VoC %(voc)s, body scan %(scan)s") % {
        "sud": sud,
        "voc": voc,
        "scan": scan,
    }


@dataclass(frozen=True)
class Suggestion:
    """The rule's reading of one record: ``reads_resolved`` when it is met or within the
    therapist's judgement; ``needs`` says what a resolution still asks, or what stands
    in its way."""

    reads_resolved: bool
    text: str
    needs: list[str] = field(default_factory=list)


def suggestion(record: ProcessingRecord | None, *, reevaluated: bool = False) -> Suggestion:
    """The rule's reading of a target's latest processing record; ``reevaluated``: the target
    has records, none of which processed it (a reevaluation alone)."""
    if record is None and reevaluated:
        return Suggestion(
            False,
            _(
                "No session has processed this target yet (phases 3 to 6): a reevaluation "
                "alone gives resolving nothing to read."
            ),
        )
    if record is None:
        return Suggestion(
            False, _("No session has recorded this target yet: resolving it needs its numbers.")
        )
    read = resolution.reading(
        sud_end=record.sud_end,
        voc_installed=record.voc_installed,
        body_scan_clear=record.body_scan_clear,
    )
    words = {
        "day": date_format(timezone.localtime(record.session.starts_at), DAY),
        "end": end_words(record),
    }
    if read.meets_rule:
        return Suggestion(
            True, _("The session of %(day)s ended at %(end)s: this reads as resolved.") % words
        )
    if read.needs_judgement:
        _grounds, asks = resolution.grounds_for(
            sud_end=record.sud_end,
            voc_installed=record.voc_installed,
            body_scan_clear=record.body_scan_clear,
        )
        text = (
            _("The session of %(day)s ended at %(end)s: resolved is within your judgement.") % words
        )
        return Suggestion(True, text, list(asks.values()))
    text = _("The session of %(day)s ended at %(end)s: this does not read as resolved.") % words
    return Suggestion(False, text, list(read.problems.values()))


# --- Pages ----------------------------------------------------------------------------


def _read_only(request: HttpRequest, client: Client) -> bool:
    """A discharged client's record is kept as it is: say so, and change nothing."""
    if client.status != Client.Status.DISCHARGED:
        return False
    messages.error(
        request, _("This client has been discharged; reactivate them to change their EMDR work.")
    )
    return True


def _label_taken() -> str:
    return _("This client has a target with this label already.")


def _remember_set_up(request: HttpRequest, once: str, target: Target) -> None:
    if not once:
        return
    made = dict(request.session.get(SET_UP_KEY, {}))
    made[once] = target.pk
    request.session[SET_UP_KEY] = dict(list(made.items())[-SET_UP_KEPT:])


def _set_up_by(request: HttpRequest, client: Client, once: str) -> Target | None:
    """The client's target this form (by its token) set up before in this session."""
    target_id = request.session.get(SET_UP_KEY, {}).get(once) if once else None
    if target_id is None:
        return None
    return client.emdr_targets.filter(pk=target_id).first()


@require_http_methods(["GET", "POST"])
@therapist_required
def target_new(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    labels, _chosen = selectors.emotion_choices(client)
    status = 200
    source, linked = selectors.entry_from_log(client, request.GET.get("from_entry"))
    form = NewTargetForm(labels=labels, initial=NewTargetForm.initial_from(source))
    if request.method == "POST":
        if _read_only(request, client):
            return redirect("emdr-target-new", client_id=client.pk)
        form = NewTargetForm(request.POST, labels=labels)
        if form.is_valid():
            once = form.cleaned_data["once"]
            source = selectors.loose_entry(client, form.cleaned_data["from_entry"])
            try:
                target = services.target_create(
                    client=client,
                    by=request.user,
                    emotions=form.cleaned_data["emotions"],
                    **form.target_fields(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except IntegrityError:  # the same label, stored a moment before
                form.add_error("label", _label_taken())
            else:
                took = None
                if source is not None:
                    same = selectors.loose_entries_naming(client, source.trigger)
                    took = services.tices_link_to_target(target=target, entries=same)
                _remember_set_up(request, once, target)
                messages.success(request, _set_up_words(target, took))
                return redirect("emdr-target", client_id=client.pk, target_id=target.pk)
            first = _set_up_by(request, client, once)
            if first is not None:  # this very form, sent again (a double click)
                messages.info(
                    request,
                    _("The form was sent twice: “%(label)s” was set up once.")
                    % {"label": first.label},
                )
                return redirect("emdr-target", client_id=client.pk, target_id=first.pk)
        status = 400
    if source is not None:
        form.label_from_log()
    audit.record_read(request, "client", [client.pk])
    return render(
        request,
        "emdr/target_new.html",
        {
            "client": client,
            "form": form,
            "zone": client.clinic.time_zone,
            "same_trigger": (
                len(selectors.loose_entries_naming(client, source.trigger)) if source else 0
            ),
            "already_linked": linked,
        },
        status=status,
    )


def _set_up_words(target: Target, linked: int | None) -> str:
    """That the target is set up, and how many log entries it took if set up from the log."""
    if linked is None:
        return _("Target “%(label)s” set up.") % {"label": target.label}
    return ngettext(
        "Target “%(label)s” set up; %(count)d log entry linked to it.",
        "Target “%(label)s” set up; %(count)d log entries linked to it.",
        linked,
    ) % {"label": target.label, "count": linked}


def _save_details(request, target: Target, form: TargetForm, had: list[str]) -> bool:
    if not form.is_valid():
        return False
    chosen = form.cleaned_data["emotions"]
    try:
        services.target_update(
            target=target,
            by=request.user,
            # Unchanged, the words stay as they are, even one the clinic no longer offers.
            emotions=None if sorted(chosen) == sorted(had) else chosen,
            **form.target_fields(),
        )
    except (ValidationError, IntegrityError) as error:
        if isinstance(error, IntegrityError):  # the same label, stored a moment before
            form.add_error("label", _label_taken())
        else:
            add_service_errors(form, error)
        # The service set the refused values on the target: the page shows the stored ones.
        target.refresh_from_db(fields=list(TARGET_FORM_FIELDS))
        return False
    messages.success(request, _("Target “%(label)s” saved.") % {"label": target.label})
    return True


def _save_status(request, target: Target, form: StatusForm) -> bool:
    if not form.is_valid():
        return False
    before = target.status
    try:
        services.target_status_set(target=target, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        # What the last session's numbers lack is said at the status itself.
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else "status", problems)
        return False
    words = {"label": target.label, "status": target.get_status_display().lower()}
    if target.status == before:
        messages.info(request, _("“%(label)s” stays %(status)s.") % words)
    else:
        messages.success(request, _("“%(label)s” is now %(status)s.") % words)
    return True


@require_http_methods(["GET", "POST"])
@therapist_required
def target_page(request: HttpRequest, client_id: int, target_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    target = get_object_or_404(client.emdr_targets, pk=target_id)
    target.client = client
    labels, had = selectors.emotion_choices(client, target)
    details = TargetForm.for_target(target, labels=labels, chosen=had)
    status_form = StatusForm(initial={"status": target.status})
    status = 200
    if request.method == "POST":
        here = redirect("emdr-target", client_id=client.pk, target_id=target.pk)
        if _read_only(request, client):
            return here
        part = request.POST.get("part")
        if part == "details":
            details = TargetForm.for_target(target, labels=labels, chosen=had, data=request.POST)
            if _save_details(request, target, details, had):
                return here
        elif part == "status":
            status_form = StatusForm(request.POST)
            if _save_status(request, target, status_form):
                return here
            target.refresh_from_db(fields=["status", "status_changed_at"])
        else:
            messages.error(request, _("Nothing was stored: that is not a part of this page."))
        status = 400
    records = list(target.records.select_related("session").order_by("session__starts_at", "id"))
    changes = list(target.status_changes.select_related("changed_by"))
    held = list(
        client.sessions.filter(status=Session.Status.COMPLETED).order_by("-starts_at")[:RECENT_HELD]
    )
    audit.record_read(request, "target", [target.pk], client_id=client.pk)
    if records:
        audit.record_read(request, "processingrecord", [r.pk for r in records], client_id=client.pk)
    return render(
        request,
        "emdr/target.html",
        {
            "client": client,
            "target": target,
            "form": details,
            "status_form": status_form,
            "suggestion": suggestion(
                services.latest_processing(reversed(records)), reevaluated=bool(records)
            ),
            "records": records,
            "changes": changes,
            "last_change": changes[-1] if changes else None,
            "held": held,
            "read_only": client.status == Client.Status.DISCHARGED,
            "zone": client.clinic.time_zone,
        },
        status=status,
    )


# --- A session's processing -----------------------------------------------------------


def _rows(client: Client, session: Session) -> list[selectors.Row]:
    """The session's targets (``selectors.session_rows``); a record that reads as resolved,
    of a target not yet resolved, carries the suggestion if no later session processed the
    target (it is then what the rule reads: ``services.last_record``)."""
    rows = selectors.session_rows(client, session)
    found = {}
    for row in rows:
        if row.record is None or row.target.status == Target.Status.RESOLVED:
            continue
        reading = suggestion(row.record)
        if reading.reads_resolved and services.is_processing(row.record):
            found[row.target.pk] = (row, reading)
    later = selectors.processed_after(session, list(found))  # a query only if any is found
    for target_id, (row, reading) in found.items():
        if target_id not in later:
            row.suggestion = reading
    return rows


def _record(request, session: Session, form: ProcessingForm) -> bool:
    if not form.is_valid():
        return False
    target = form.chosen_target
    try:
        _record_row, created = services.record_save(
            session=session, target=target, by=request.user, **form.record_fields()
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    words = {"label": target.label}
    if created:
        messages.success(request, _("Recorded the processing of “%(label)s”.") % words)
    else:
        messages.success(request, _("Corrected the record of “%(label)s”.") % words)
    return True


def _remove(request, client: Client, session: Session) -> HttpResponse:
    """Remove one record of this session (a session recorded by mistake), and say so."""
    record = selectors.session_record(session, request.POST.get("remove"))
    if record is None:
        raise Http404
    label = record.target.label
    record.target.client = client
    services.record_remove(record=record, by=request.user)
    messages.success(
        request, _("Removed the record of “%(label)s” from this session.") % {"label": label}
    )
    if not session.emdr_records.exists():
        messages.info(
            request,
            _(
                "No EMDR processing is recorded for this session now. If it did not take "
                "place, mark it so on the progress report."
            ),
        )
    return redirect("emdr-session", client_id=client.pk, session_id=session.pk)


@require_http_methods(["GET", "POST"])
@therapist_required
def session_page(request: HttpRequest, client_id: int, session_id: int) -> HttpResponse:
    client = client_get_for(user=request.user, client_id=client_id)
    session = get_object_or_404(client.sessions, pk=session_id)
    held = session.status == Session.Status.COMPLETED
    status, form, rows, chosen = 200, None, [], None
    if request.method == "POST" and _read_only(request, client):
        return redirect("emdr-session", client_id=client.pk, session_id=session.pk)
    if request.method == "POST" and "remove" in request.POST:
        return _remove(request, client, session)
    if held:
        rows = _rows(client, session)
        targets = [row.target for row in rows]
        if request.method == "POST":
            exercises = selectors.library_for(client, rows, request.POST.get("target"))
            form = ProcessingForm(request.POST, targets=targets, exercises=exercises)
            if _record(request, session, form):
                return redirect("emdr-session", client_id=client.pk, session_id=session.pk)
            status = 400
        elif client.status != Client.Status.DISCHARGED:
            chosen = selectors.first_choice(rows, request.GET.get("target"))
            if chosen is not None:
                exercises = selectors.library_for(client, rows, str(chosen.target.pk))
                form = ProcessingForm.for_record(
                    chosen.record, chosen.target.pk, targets=targets, exercises=exercises
                )
    elif request.method == "POST":
        status = 400  # nothing to record: the page says why
    audit.record_read(request, "client", [client.pk])
    recorded = [row.record.pk for row in rows if row.record is not None]
    if recorded:
        audit.record_read(request, "processingrecord", recorded, client_id=client.pk)
    return render(
        request,
        "emdr/session.html",
        {
            "client": client,
            "session": session,
            "held": held,
            "rows": rows,
            "form": form,
            "chosen": chosen,
            "read_only": client.status == Client.Status.DISCHARGED,
            "zone": client.clinic.time_zone,
            "progress_url": reverse("client-progress", args=[client.pk]),
        },
        status=status,
    )


urlpatterns = [
    path("clients/<int:client_id>/emdr/targets/new/", target_new, name="emdr-target-new"),
    path(
        "clients/<int:client_id>/emdr/targets/<int:target_id>/",
        target_page,
        name="emdr-target",
    ),
    path(
        "clients/<int:client_id>/sessions/<int:session_id>/emdr/",
        session_page,
        name="emdr-session",
    ),
]
