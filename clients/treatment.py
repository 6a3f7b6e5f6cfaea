"""A client's course of treatment as their therapist manages it: details, pause, discharge.

Each write is audited by the trail's save signal (who, which client, from which page).
A paused client can still check in and keeps their exercises; a discharged client's page
turns read-only, their exercises end, and nothing new can be booked or assigned until
they are reactivated.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.models import Session

from .measures import services as measure_services
from .models import Assignment, Client, DischargeReason, FocusArea
from .wording import bare_word


@transaction.atomic
def client_update(
    *, client: Client, label: str, time_zone: str, focus_areas: list[str], other_person: str
) -> Client:
    """Change how the clinic names the client, their time zone, focus areas and words."""
    client.label = label.strip()
    client.time_zone = time_zone
    client.focus_areas = [code for code in FocusArea.values if code in focus_areas]
    client.other_person = bare_word(other_person)
    client.full_clean(exclude=["user", "primary_therapist", "clinic"])
    client.save(update_fields=["label", "time_zone", "focus_areas", "other_person"])
    return client


def client_pause(*, client: Client) -> Client:
    """Treatment on hold: the client stays on the caseload's paused list and can check in."""
    if client.status != Client.Status.ACTIVE:
        raise ValidationError({"status": _("Only a client in treatment can be paused.")})
    client.status = Client.Status.PAUSED
    client.save(update_fields=["status"])
    return client


@transaction.atomic
def client_discharge(*, client: Client, discharged_on: date, reason: str) -> Client:
    """End treatment: the client's page turns read-only, exercises end, future sessions
    are cancelled. Reactivating undoes the status, not the ended exercises."""
    if client.status == Client.Status.DISCHARGED:
        raise ValidationError({"status": _("This client is already discharged.")})
    if reason not in DischargeReason.values:
        raise ValidationError({"reason": _("Choose a reason for the discharge.")})
    if discharged_on > timezone.localdate():
        raise ValidationError({"discharged_on": _("A discharge date cannot be in the future.")})
    if discharged_on < client.started_on:
        raise ValidationError(
            {"discharged_on": _("A discharge date cannot be before treatment started.")}
        )
    client.status = Client.Status.DISCHARGED
    client.discharged_on = discharged_on
    client.discharge_reason = reason
    client.save(update_fields=["status", "discharged_on", "discharge_reason"])
    treatment_work_end(client=client)
    return client


def treatment_work_end(*, client: Client) -> None:
    """What a discharge ends, from the therapist's page or the admin: exercises, future
    sessions and questionnaire schedules."""
    last_day = client.discharged_on or timezone.localdate()
    for assignment in client.assignments.exclude(status=Assignment.Status.ENDED):
        assignment.status = Assignment.Status.ENDED
        # Ended on the discharge day: nothing done later is taken as done for it.
        if assignment.ends_on is None or assignment.ends_on > last_day:
            assignment.ends_on = max(last_day, assignment.starts_on)
        assignment.save(update_fields=["status", "ends_on"])
    for session in client.sessions.filter(
        status=Session.Status.SCHEDULED, starts_at__gt=timezone.now()
    ):
        session.status = Session.Status.CANCELLED
        session.save(update_fields=["status"])
    measure_services.schedules_stop_all(client=client)


def client_reactivate(*, client: Client) -> Client:
    """Back in treatment from a pause or a discharge; the discharge's date and reason go."""
    if client.status == Client.Status.ACTIVE:
        raise ValidationError({"status": _("This client is already in treatment.")})
    client.status = Client.Status.ACTIVE
    client.discharged_on = None
    client.discharge_reason = ""
    client.save(update_fields=["status", "discharged_on", "discharge_reason"])
    return client
