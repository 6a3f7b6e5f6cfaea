"""The audit trail in words: "Dana Whitfield viewed 12 check-ins of Maya A. #00 on the
progress report".

A row of the trail holds ids and kinds only. Names are looked up as the row is shown (the
admin list joins the actor and the client in its one query) and never stored; a client
who was erased is "an erased client (#19)".
"""

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext_lazy as plural

ACTIONS = {
    "view": gettext_lazy("%(actor)s viewed %(records)s"),
    "create": gettext_lazy("%(actor)s created %(records)s"),
    "update": gettext_lazy("%(actor)s changed %(records)s"),
    "delete": gettext_lazy("%(actor)s deleted %(records)s"),
    "export": gettext_lazy("%(actor)s exported %(records)s"),
    "erase": gettext_lazy("%(actor)s erased %(records)s"),
    "login": gettext_lazy("%(actor)s signed in"),
}

# One record or several, by the kind the trail names (a model's name).
RECORDS = {
    "alert": plural("an alert", "%(count)d alerts", "count"),
    "assignment": plural("an exercise assignment", "%(count)d exercise assignments", "count"),
    "auditevent": plural("an audit event", "%(count)d audit events", "count"),
    "calendarfeed": plural("a calendar link", "%(count)d calendar links", "count"),
    "checkin": plural("a check-in", "%(count)d check-ins", "count"),
    "checkinemotion": plural("a labelled feeling", "%(count)d labelled feelings", "count"),
    "client": plural("a client", "%(count)d clients", "count"),
    "clientreminderplan": plural(
        "a client's reminder plan", "%(count)d clients' reminder plans", "count"
    ),
    "clinicremindersettings": plural(
        "the clinic's reminder settings", "the reminder settings of %(count)d clinics", "count"
    ),
    "clinicinstrument": plural(
        "the clinic's use of a questionnaire",
        "the clinic's use of %(count)d questionnaires",
        "count",
    ),
    "clinic": plural("the clinic's settings", "the settings of %(count)d clinics", "count"),
    "completion": plural("a completed exercise", "%(count)d completed exercises", "count"),
    "crisisline": plural("a crisis line", "%(count)d crisis lines", "count"),
    "emdrsettings": plural(
        "the clinic's EMDR settings", "the EMDR settings of %(count)d clinics", "count"
    ),
    "emotionlabel": plural("a word for a feeling", "%(count)d words for feelings", "count"),
    "exercise": plural("an exercise", "%(count)d exercises", "count"),
    "followup": plural("an alert follow-up", "%(count)d alert follow-ups", "count"),
    "measureresponse": plural("a questionnaire answer", "%(count)d questionnaire answers", "count"),
    "reminderpreference": plural(
        "a person's reminder choices", "%(count)d people's reminder choices", "count"
    ),
    "processingrecord": plural(
        "a session's EMDR processing record", "%(count)d EMDR processing records", "count"
    ),
    "measureschedule": plural(
        "a questionnaire schedule", "%(count)d questionnaire schedules", "count"
    ),
    "safetyplan": plural("a safety plan", "%(count)d safety plans", "count"),
    "session": plural("a session", "%(count)d sessions", "count"),
    "target": plural("an EMDR target", "%(count)d EMDR targets", "count"),
    "targetstatuschange": plural(
        "an EMDR target's change of status", "%(count)d changes of EMDR target status", "count"
    ),
    "therapist": plural("a therapist", "%(count)d therapists", "count"),
    "ticesentry": plural("a TICES log entry", "%(count)d TICES log entries", "count"),
    "user": plural("an account", "%(count)d accounts", "count"),
    "weeklysummary": plural("a weekly summary", "%(count)d weekly summaries", "count"),
}

# The kinds as a filter lists them.
KINDS = {
    "alert": gettext_lazy("alerts"),
    "assignment": gettext_lazy("exercise assignments"),
    "auditevent": gettext_lazy("the audit trail"),
    "calendarfeed": gettext_lazy("calendar links"),
    "checkin": gettext_lazy("check-ins"),
    "checkinemotion": gettext_lazy("labelled feelings"),
    "client": gettext_lazy("clients"),
    "clientreminderplan": gettext_lazy("clients' reminder plans"),
    "clinic": gettext_lazy("clinic settings"),
    "clinicremindersettings": gettext_lazy("the clinic's reminder settings"),
    "clinicinstrument": gettext_lazy("the clinic's questionnaires"),
    "completion": gettext_lazy("completed exercises"),
    "crisisline": gettext_lazy("crisis lines"),
    "emdrsettings": gettext_lazy("the clinic's EMDR settings"),
    "emotionlabel": gettext_lazy("words for feelings"),
    "exercise": gettext_lazy("exercises"),
    "followup": gettext_lazy("alert follow-ups"),
    "measureresponse": gettext_lazy("questionnaire answers"),
    "measureschedule": gettext_lazy("questionnaire schedules"),
    "processingrecord": gettext_lazy("EMDR processing records"),
    "reminderpreference": gettext_lazy("reminder choices"),
    "safetyplan": gettext_lazy("safety plans"),
    "session": gettext_lazy("sessions"),
    "target": gettext_lazy("EMDR targets"),
    "targetstatuschange": gettext_lazy("changes of EMDR target status"),
    "therapist": gettext_lazy("therapists"),
    "ticesentry": gettext_lazy("TICES log entries"),
    "user": gettext_lazy("accounts"),
    "weeklysummary": gettext_lazy("weekly summaries"),
}

ROLES = {
    "operator": gettext_lazy("operator"),
    "clinic_admin": gettext_lazy("clinic admin"),
    "therapist": gettext_lazy("therapist"),
    "client": gettext_lazy("client"),
    "system": gettext_lazy("the system (background work)"),
    "anonymous": gettext_lazy("not signed in"),
}

# Where it happened: the page or route the trail names, with its own preposition.
PLACES = {
    "home": gettext_lazy("on the caseload"),
    "client-new": gettext_lazy("on the new-client form"),
    "summaries": gettext_lazy("on the week's summaries"),
    "client-weekly-summaries": gettext_lazy("on the client's weekly summaries"),
    "client-progress": gettext_lazy("on the progress report"),
    "client-prep": gettext_lazy("on the session prep"),
    "client-edit": gettext_lazy("on the client's details form"),
    "client-pause": gettext_lazy("by pausing treatment"),
    "client-discharge": gettext_lazy("by discharging the client"),
    "client-reactivate": gettext_lazy("by resuming treatment"),
    "client-invitation-resend": gettext_lazy("by sending the invitation again"),
    "client-assignment-add": gettext_lazy("on the progress report (assigning an exercise)"),
    "client-assignment-status": gettext_lazy("on the progress report (an exercise's status)"),
    "client-session-add": gettext_lazy("on the progress report (booking a session)"),
    "client-session-status": gettext_lazy("on the progress report (a session's status)"),
    "client-measure-schedule": gettext_lazy("on the progress report (a questionnaire schedule)"),
    "client-measure-schedule-stop": gettext_lazy(
        "on the progress report (stopping a questionnaire schedule)"
    ),
    "client-measure-enter": gettext_lazy("by entering a paper questionnaire"),
    "client-measure-response": gettext_lazy("on a questionnaire's answers"),
    "emdr-target-new": gettext_lazy("on the new EMDR target form"),
    "emdr-target": gettext_lazy("on an EMDR target's page"),
    "emdr-session": gettext_lazy("on a session's EMDR processing form"),
    "outcomes": gettext_lazy("on the clinic outcomes page"),
    "outcomes-csv": gettext_lazy("as a CSV file of clinic outcomes"),
    "outcomes-api": gettext_lazy("through the API"),
    "client-home": gettext_lazy("on their own page"),
    "client-measure": gettext_lazy("on their own page (a questionnaire)"),
    "client-tices": gettext_lazy("on their own page (the TICES log)"),
    "alert-page": gettext_lazy("on the alert's page"),
    "alert-page-follow-up": gettext_lazy("on the alert's page (a follow-up)"),
    "client-safety-plan": gettext_lazy("on the safety plan page"),
    "calendar": gettext_lazy("on the calendar link page"),
    "calendar-feed": gettext_lazy("through their calendar link"),
    "reminder-preferences": gettext_lazy("on the reminders page"),
    "reminder-unsubscribe": gettext_lazy("through a link to stop reminders"),
    "client-reminders": gettext_lazy("on the client's reminders page"),
    "login": gettext_lazy("on the sign-in page"),
    "admin:login": gettext_lazy("on the admin's sign-in page"),
    "api-login": gettext_lazy("through the app"),
    "password_reset_confirm": gettext_lazy("through a password-reset link"),
    "two-factor-verify": gettext_lazy("with the second factor"),
    "two-factor-setup": gettext_lazy("while setting up the second factor"),
    "two-factor-recovery-codes": gettext_lazy("on the recovery codes page"),
    "admin:clients_client_export": gettext_lazy("as a file, from the admin"),
    "admin:clients_client_record": gettext_lazy("as the readable record, from the admin"),
    "admin:clients_client_erase": gettext_lazy("in the admin"),
    "admin:clinic_auditevent_export": gettext_lazy("as a CSV file, from the admin"),
}
# The API's routes, as its router names them ("check-in-list", "client-metrics").
API_ROUTE_ENDINGS = (
    "-list",
    "-detail",
    "-metrics",
    "-summaries",
    "-completions",
    "-completion-undo",
    "-acknowledge",
    "-follow-up",
    "-stop",
    "-fhir",
    "-status-set",  # an EMDR target's status
)


def place(view: str) -> str:
    """Where an event happened, in words; empty when the trail does not say."""
    if not view:
        return ""
    if view in PLACES:
        return str(PLACES[view])
    if view.startswith("admin:"):
        if view.endswith("_changelist"):
            return _("in the admin's list")
        return _("in the admin")
    if view.startswith("api-") or view.endswith(API_ROUTE_ENDINGS):
        return _("through the API")
    return _("on the page “%(route)s”") % {"route": view}


def _related(event, name: str):
    """The actor or client, joined by the caller's query or fetched now; None once gone
    (the trail keeps the id of a record that no longer exists)."""
    try:
        return getattr(event, name)
    except ObjectDoesNotExist:
        return None


def client_name(event) -> str:
    """The client's label, looked up now; the trail itself keeps only the id."""
    if event.client_id is None:
        return ""
    client = _related(event, "client")
    if client is None:
        return _("an erased client (#%(id)s)") % {"id": event.client_id}
    return client.label


def actor_name(event) -> str:
    if event.actor_id is None:
        if event.actor_role == "system":
            return _("the system")
        return _("someone not signed in")
    actor = _related(event, "actor")
    if actor is None:
        return _("a deleted account (#%(id)s)") % {"id": event.actor_id}
    return str(actor)


def _fallback_records(kind: str, count: int) -> str:
    model = next((m for m in apps.get_models() if m._meta.model_name == kind), None)
    name = model._meta.verbose_name if model is not None else kind
    return _("%(count)d × %(kind)s") % {"count": count, "kind": name}


def records(kind: str, count: int) -> str:
    words = RECORDS.get(kind)
    return words % {"count": count} if words is not None else _fallback_records(kind, count)


def sentence(event) -> str:
    """The event as one sentence a practice manager can read."""
    client = client_name(event)
    actor = actor_name(event)
    if event.actor_role == "client" and client:
        # A client's own writes: they are the actor, and the records are theirs.
        actor, client = client, ""
    count = len(event.object_ids)
    if event.object_type == "auditevent":
        what = _("the audit trail")
    elif event.object_type == "client" and client and count <= 1:
        if event.action in ("export", "erase", "delete"):
            what = _("the record of %(client)s") % {"client": client}
        else:
            what = client
    else:
        what = records(event.object_type, count)
        if client:
            what = _("%(records)s of %(client)s") % {"records": what, "client": client}
    pattern = ACTIONS.get(event.action, gettext_lazy("%(actor)s did something to %(records)s"))
    text = pattern % {"actor": actor, "records": what}
    where = place(event.view)
    if where:
        text = _("%(event)s %(place)s") % {"event": text, "place": where}
    # "The system ..." starts with a capital; "dana@harbor.example ..." stays as written.
    return text if "@" in text.split(" ", 1)[0] else capfirst(text)
