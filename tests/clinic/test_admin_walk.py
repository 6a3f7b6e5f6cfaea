"""Every page of the admin opens for the people who use it, on data like the demo's.

For each model registered in the admin (a model registered later is walked too): its
list, its list searched and filtered, its add page and the change page of a row, as the
operator and as the admin of the row's own clinic. A page answers what the admin's own
permissions say: 200 where they allow it, 403 where they do not. Never a 500.
"""

import traceback
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client as BrowserClient
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from clients import records
from clients.models import Client
from clients.safety.models import FollowUp
from clinic.models import Clinic, User

# Enough demo clients for every story (the safety story starts at the tenth).
WALK_CLIENTS = 12
# Filter choices opened per filter: enough to reach a value other than "All".
CHOICES_PER_FILTER = 2


def _row_for_third_party_models() -> None:
    """The admin also lists what other apps register (groups, tokens, sign-in records,
    second-factor devices); give each a row, for whichever of them is registered."""
    from django.apps import apps

    therapist = User.objects.get(email="dana@harbor.example")  # never a walker: no code asked
    builders = {
        "auth.Group": lambda: Group.objects.create(name="Reception"),
        "knox.AuthToken": lambda: apps.get_model("knox", "AuthToken").objects.create(
            user=User.objects.filter(role="client").first()
        ),
        "axes.AccessAttempt": lambda: apps.get_model("axes", "AccessAttempt").objects.create(
            username="someone@harbor.example",
            ip_address="192.0.2.7",
            user_agent="Firefox",
            failures_since_start=2,
        ),
        "axes.AccessLog": lambda: apps.get_model("axes", "AccessLog").objects.create(
            username=therapist.email, ip_address="192.0.2.8", user_agent="Safari"
        ),
        "axes.AccessFailureLog": lambda: apps.get_model("axes", "AccessFailureLog").objects.create(
            username="someone@harbor.example", ip_address="192.0.2.7", user_agent="Firefox"
        ),
        "otp_totp.TOTPDevice": lambda: apps.get_model("otp_totp", "TOTPDevice").objects.create(
            user=therapist, name="Authenticator app", confirmed=True
        ),
        "otp_static.StaticDevice": lambda: apps.get_model(
            "otp_static", "StaticDevice"
        ).objects.create(user=therapist, name="Recovery codes"),
    }
    for model in admin.site._registry:
        build = builders.get(model._meta.label)
        if build is not None and not model._default_manager.exists():
            build()


@pytest.fixture
def walk_data(db):
    """The demo (two clinics, every story), a resolved alert, a discharged client, an erased
    client in the audit trail, and a row of every other registered model."""
    call_command(
        "seed_demo", "--clients", str(WALK_CLIENTS), "--weeks", "2", verbosity=0, stdout=StringIO()
    )
    harbor = Clinic.objects.get(slug="harbor")
    admin_user = User.objects.get(email="admin@harbor.example")
    alert = harbor.clients.filter(alerts__isnull=False).first().alerts.first()
    FollowUp.objects.create(
        alert=alert, by=alert.client.primary_therapist.user, action="contacted", note="Spoke."
    )
    discharged = harbor.clients.order_by("pk")[1]
    discharged.status = Client.Status.DISCHARGED
    discharged.discharged_on = timezone.localdate()
    discharged.discharge_reason = "goals_met"
    discharged.save()
    request = RequestFactory().post("/")
    request.user = admin_user
    records.client_erase(client=harbor.clients.order_by("pk").last(), request=request)
    _row_for_third_party_models()
    return harbor


def _in_scope(model, user: User):
    rows = model._default_manager.order_by("-pk")
    if user.is_superuser or not hasattr(model, "clinic_lookup"):
        return rows
    return rows.filter(**{model.clinic_lookup: user.clinic_id})


def _search_term(model_admin, obj) -> str:
    """A word of the row's own name, so the search finds something."""
    words = [word for word in str(obj).split() if len(word) > 2]
    return words[0] if words else "a"


class Walk:
    def __init__(self, user: User):
        self.user = user
        self.browser = BrowserClient(raise_request_exception=False)
        self.browser.force_login(user)
        self.request = RequestFactory().get("/admin/")
        self.request.user = user
        self.problems: list[str] = []
        self.opened = 0

    def open(self, url: str, expected: int):
        self.opened += 1
        response = self.browser.get(url)
        if response.status_code != expected:
            where = ""
            if response.status_code >= 500 and getattr(response, "exc_info", None):
                where = "\n" + "".join(traceback.format_exception(*response.exc_info)[-4:])
            self.problems.append(
                f"{self.user.email} GET {url}: {response.status_code}, not {expected}{where}"
            )
        return response

    def model(self, model, model_admin) -> None:
        info = (model._meta.app_label, model._meta.model_name)
        obj = _in_scope(model, self.user).first()
        if obj is None:
            self.problems.append(
                f"no {model._meta.label} row for {self.user.email}: give it one in walk_data"
            )
            return
        may_view = model_admin.has_view_or_change_permission(self.request)
        listing = reverse("admin:{}_{}_changelist".format(*info))
        response = self.open(listing, 200 if may_view else 403)
        if may_view and response.status_code == 200:
            self._searches_and_filters(listing, response.context["cl"], model_admin, obj)
        may_add = model_admin.has_add_permission(self.request)
        self.open(reverse("admin:{}_{}_add".format(*info)), 200 if may_add else 403)
        may_open = model_admin.has_view_or_change_permission(self.request, obj)
        change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        self.open(change, 200 if may_open else 403)

    def _searches_and_filters(self, listing: str, changelist, model_admin, obj) -> None:
        if model_admin.get_search_fields(self.request):
            self.open(f"{listing}?q={_search_term(model_admin, obj)}", 200)
        for spec in changelist.filter_specs:
            choices = [c for c in spec.choices(changelist) if not c.get("selected")]
            for choice in choices[:CHOICES_PER_FILTER]:
                self.open(listing + choice["query_string"], 200)
        if changelist.date_hierarchy:
            day = getattr(obj, changelist.date_hierarchy, None)
            if day is not None:
                day = timezone.localtime(day) if hasattr(day, "tzinfo") else day
                field = changelist.date_hierarchy
                self.open(f"{listing}?{field}__year={day.year}&{field}__month={day.month}", 200)


REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["operator@demo.example", "admin@harbor.example"])
def test_every_admin_page_opens_without_a_server_error(walk_data, email):
    walk = Walk(User.objects.get(email=email))
    for model, model_admin in REGISTERED:
        walk.model(model, model_admin)
    assert walk.problems == [], "\n".join(walk.problems)
    assert walk.opened >= 3 * len(REGISTERED)  # list, add and change page of each, at least


@pytest.mark.django_db
def test_the_walk_reaches_every_registered_model_and_what_a_clinic_admin_may_not(walk_data):
    """The walk's expectations are not all "200": a clinic admin gets 403 for what only the
    operator runs, and nobody adds what clients wrote."""
    labels = {model._meta.label for model, _ in REGISTERED}
    assert {"clinic.Clinic", "clients.Client", "clients.CheckIn", "clinic.AuditEvent"} <= labels
    browser = BrowserClient()
    browser.force_login(User.objects.get(email="admin@harbor.example"))
    assert browser.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert browser.get(reverse("admin:clinic_clinic_add")).status_code == 403
    assert browser.get(reverse("admin:clients_checkin_add")).status_code == 403
    clinic = browser.get(reverse("admin:clinic_clinic_change", args=[walk_data.pk]))
    assert clinic.status_code == 200
