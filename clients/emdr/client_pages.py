"""The client's TICES log at /me/log/: a moment that stirred them up, noted between sessions.

A plain HTML form posted back to its own address, so it works without JavaScript. The
form carries a client_uuid made when it is shown: a double tap, or the browser sending
the form again on a reload, finds the entry already stored and shows the same answer.
An entry rated at or above the clinic's level shows, on the answer itself, the calming
exercises the client was given, or the clinic's crisis lines when there are none.
"""

import uuid
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path

from clients.models import Client
from clients.safety.crisis import crisis_box_for
from clients.selectors import clients_for, emotion_labels_for
from clinic.models import User

from . import selectors, services
from .client_forms import TicesForm
from .models import TicesEntry

LOG_LENGTH = 20


def _own_client(user: User) -> Client:
    """The client record of a client's login, with what the crisis box reads; 404 for staff."""
    if user.role != User.Role.CLIENT:
        raise Http404
    return get_object_or_404(clients_for(user=user).select_related("clinic", "safety_plan"))


# What a target holds beyond its label is the therapist's: never loaded for the client's pages.
THERAPISTS_WORDS = ("memory", "worst_image", "negative_cognition", "positive_cognition")


def _recent(user: User) -> list[TicesEntry]:
    entries = selectors.tices_for(user=user).defer(*(f"target__{f}" for f in THERAPISTS_WORDS))
    return list(entries.order_by("-occurred_at", "-id")[:LOG_LENGTH])


def _render(request, client: Client, context: dict, status: int = 200) -> HttpResponse:
    return render(request, "clients/tices.html", {"client": client, **context}, status=status)


def _ended(request: HttpRequest, client: Client, *, sent: bool) -> HttpResponse:
    """Treatment has ended: no form, the entries kept, and the crisis lines. Something sent
    now is not stored; the page says so, as it may have been a hard moment."""
    context = {
        "form": None,
        "entries": _recent(request.user),
        "sent": sent,
        "crisis": crisis_box_for(client=client, with_plan=False),
    }
    return _render(request, client, context, status=403 if sent else 200)


def _form_page(request, client: Client, form: TicesForm, status: int = 200) -> HttpResponse:
    return _render(request, client, {"form": form, "entries": _recent(request.user)}, status=status)


def _saved(request: HttpRequest, client: Client, entry: TicesEntry) -> HttpResponse:
    """The answer to a stored entry: thanks, and for a hard moment what may help now: the
    calming exercises assigned, and always the people to reach when it is too much."""
    calming, crisis = None, None
    if entry.disturbance >= services.calming_at(client.clinic_id):
        calming = list(selectors.calming_assignments(client))
        crisis = crisis_box_for(client=client)
    return render(
        request,
        "clients/tices_saved.html",
        {"client": client, "entry": entry, "calming": calming, "crisis": crisis},
    )


def _same_entry(stored: TicesEntry, answers: dict) -> bool:
    """Whether a form sent again holds what was stored from it (a second tap, a reload)."""
    codes = sorted(stored.emotions.values_list("code", flat=True))
    return (
        stored.occurred_at == answers["occurred_at"]
        and stored.trigger == answers["trigger"].strip()
        and stored.image == answers["image"].strip()
        and stored.cognition == answers["cognition"].strip()
        and stored.sensation == answers["sensation"].strip()
        and stored.disturbance == answers["disturbance"]
        and stored.target_id == answers["target_id"]
        and codes == sorted(answers["emotions"])
    )


def _uuid_for(client: Client, form_uuid: uuid.UUID, answers: dict) -> uuid.UUID:
    """The form's own uuid; or, when an entry was stored from this form and the answers
    changed since (back, a change, sent again), one made from the form's and the answers,
    so that the changed entry is stored too, and once."""
    stored = client.tices_entries.filter(client_uuid=form_uuid).first()
    if stored is None or _same_entry(stored, answers):
        return form_uuid
    return uuid.uuid5(form_uuid, repr(sorted(answers.items(), key=lambda item: item[0])))


def _form_errors(form: TicesForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


@login_required
def tices_log(request: HttpRequest) -> HttpResponse:
    """The client's log: the form, and the entries so far. Staff get a 404."""
    client = _own_client(request.user)
    if client.status == Client.Status.DISCHARGED:
        return _ended(request, client, sent=request.method == "POST")
    zone = ZoneInfo(client.time_zone)
    choices = {
        "labels": list(emotion_labels_for(user=request.user)),
        "targets": list(
            selectors.targets_for(user=request.user)
            .select_related(None)
            .only("id", "label")
            .order_by("plan_order", "id")
        ),
        "zone": zone,
    }
    if request.method != "POST":
        return _form_page(request, client, TicesForm.blank(**choices))

    form = TicesForm(request.POST, **choices)
    if form.is_valid():
        answers = form.service_arguments()
        client_uuid = _uuid_for(client, form.cleaned_data["client_uuid"], answers)
        try:
            draft = services.tices_prepare(client=client, client_uuid=client_uuid, **answers)
        except PermissionDenied:
            return _ended(request, client, sent=True)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            entry, _created = services.tices_record(draft=draft)
            return _saved(request, client, entry)
    return _form_page(request, client, form, status=400)


urlpatterns = [path("me/log/", tices_log, name="client-tices")]
