"""A person's own reminder choices at /reminders/: which kinds, at which hour, quiet hours,
and a pause; with the one-line summary the card on their page shows.

Clients and therapists only: a kind their therapist turned off for a client is shown,
unchangeable. Each form is sent on its own and answered with a redirect (post, then get).
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clinic.forms import add_service_errors
from clinic.models import User

from . import services
from .forms import PauseForm, PreferencesForm
from .kinds import SESSION
from .models import ClientReminderPlan, ReminderPreference
from .people import clinic_settings, person_for
from .person import Person
from .registry import CLIENT, THERAPIST, every_kind

TEMPLATE = "reminders/preferences.html"
ROLES = {User.Role.CLIENT: CLIENT, User.Role.THERAPIST: THERAPIST}


@dataclass(frozen=True)
class Summary:
    """What the card says: paused until when (in the person's zone), else daily reminders
    on at which hour, else only the one before each appointment, or off altogether."""

    daily_hour: int
    any_on: bool
    daily_on: bool  # a kind sent at the person's hour: every kind but the appointment's
    paused_until: datetime | None  # local, only while the pause lasts
    zone: ZoneInfo


def summary_of(person: Person, now: datetime | None = None) -> Summary:
    now = now or timezone.now()
    until = person.paused_until if person.paused(now) else None
    return Summary(
        daily_hour=person.daily_hour,
        any_on=bool(person.kinds),
        daily_on=bool(person.kinds - {SESSION}),
        paused_until=until.astimezone(person.zone) if until else None,
        zone=person.zone,
    )


def _joined(person: Person) -> tuple[ReminderPreference, ClientReminderPlan | None]:
    """The person's own choices and their therapist's plan, as ``person_for`` joined them
    (no further query); unsaved empty choices when there are none."""
    owner = person.client if person.client is not None else person.therapist
    try:
        preference = owner.user.reminder_preference
    except ReminderPreference.DoesNotExist:
        preference = ReminderPreference(user=owner.user)
    plan = None
    if person.client is not None:
        try:
            plan = person.client.reminder_plan
        except ClientReminderPlan.DoesNotExist:
            plan = None
    return preference, plan


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return formats.date_format(moment.astimezone(zone), "j F Y, H:i")


def _form(person: Person, audience: str, data=None) -> PreferencesForm:
    preference, plan = _joined(person)
    owner = person.client.clinic if person.client is not None else person.therapist.clinic
    changed = (plan.kinds if plan else None) or {}
    return PreferencesForm(
        data,
        kinds=every_kind(audience),
        on=person.kinds,
        locked={name for name, on in changed.items() if on is False},
        settings=clinic_settings(owner),
        preference=preference,
    )


def _page(request, person, audience, *, form=None, pause_form=None, status=200):
    context = {
        "person": person,
        "is_client": audience == CLIENT,
        "form": form or _form(person, audience),
        "pause_form": pause_form or PauseForm(),
        "summary": summary_of(person),
        "zone": person.zone,
    }
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    audience = ROLES.get(user.role)
    if audience is None:
        # Admins and operators get no reminders: say so, rather than a bare refusal.
        return render(request, TEMPLATE, {"nobody": True}, status=403)
    person = person_for(user)
    if person is None:  # a client not in active treatment, an inactive therapist
        return render(request, TEMPLATE, {"none_now": True, "is_client": audience == CLIENT})
    if request.method != "POST":
        return _page(request, person, audience)

    action = request.POST.get("action")
    if action == "save":
        form = _form(person, audience, request.POST)
        if form.is_valid():
            try:
                services.preference_save(
                    user=user,
                    kinds=form.kinds_changed(),
                    daily_hour=form.cleaned_data["daily_hour"],
                    quiet=form.quiet_chosen(),
                    fields={"kinds", "daily_hour", "quiet"},
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved. Your reminders follow these choices now."))
                return redirect("reminder-preferences")
        return _page(request, person, audience, form=form, status=400)
    if action == "pause":
        pause_form = PauseForm(request.POST)
        if pause_form.is_valid():
            until = timezone.now() + pause_form.length()
            services.preference_save(user=user, paused_until=until, fields={"paused_until"})
            messages.success(
                request,
                _("All reminders are paused until %(when)s.") % {"when": _when(until, person.zone)},
            )
            return redirect("reminder-preferences")
        return _page(request, person, audience, pause_form=pause_form, status=400)
    if action == "resume":
        # Said only when a pause was ended: a second click, or a pause that had run out
        # meanwhile, ends nothing.
        if person.paused(timezone.now()):
            services.preference_save(user=user, paused_until=None, fields={"paused_until"})
            messages.success(request, _("Reminders are on again."))
        else:
            messages.info(request, _("Reminders were not paused."))
        return redirect("reminder-preferences")
    messages.error(request, _("That did not work. Please use one of the buttons."))
    return _page(request, person, audience, status=400)
