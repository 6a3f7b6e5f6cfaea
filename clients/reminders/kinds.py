"""The client's own reminders: exercises for today, a nudge after days without a check-in,
and an appointment coming up. Outcome measures register theirs in clients/measures and the
therapist's morning count in reports; each kind plans in a fixed number of queries.

No e-mail names an exercise, a questionnaire, a feeling or a score: "something planned for
today" and a link to the client's page.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Assignment, CheckIn, Client, Completion
from clients.schedule import due_next
from clinic.models import Session

from .daily import daily_candidates, day_of
from .emails import register
from .people import among
from .person import Person
from .registry import CLIENT, Due, ReminderKind, Words, day_slot
from .timing import Window, local_moment

EXERCISES = "exercises"
CHECK_IN = "check_in"
SESSION = "session"


def client_page() -> str:
    return settings.SITE_URL + reverse("client-home")


def _open_page() -> str:
    return _("Open your page")


# --- Exercises planned for today --------------------------------------------------------


def _exercises_left(
    assignments: list[dict], completions: dict[int, list[datetime]], day: date, zone
) -> bool:
    """Whether anything is asked for on ``day`` and not yet done that day (what the client's
    page lists under "For today")."""
    for assignment in assignments:
        done = completions.get(assignment["id"], [])
        done_days = [timezone.localdate(moment, timezone=zone) for moment in done]
        if day in done_days:
            continue
        due = due_next(
            schedule=assignment["schedule"],
            times_per_week=assignment["times_per_week"],
            starts_on=assignment["starts_on"],
            ends_on=assignment["ends_on"],
            active=True,
            today=day,
            done_days=done_days,
            done_ever=assignment["done_ever"],
        )
        if due is not None and due <= day:
            return True
    return False


def _assignments_of(client_ids: list[int], since: datetime):
    """Active assignments by client, with completions since ``since``: two queries."""
    assignments = defaultdict(list)
    rows = (
        Assignment.objects.filter(among(client_ids), status=Assignment.Status.ACTIVE)
        # Whether it was ever done (what a "once" exercise asks), without counting them all.
        .annotate(done_ever=Exists(Completion.objects.filter(assignment=OuterRef("pk"))))
        .values(
            "id", "client_id", "schedule", "times_per_week", "starts_on", "ends_on", "done_ever"
        )
    )
    for row in rows:
        assignments[row["client_id"]].append(row)
    completions = defaultdict(list)
    for assignment_id, moment in Completion.objects.filter(
        among(client_ids, "assignment__client"),
        assignment__status=Assignment.Status.ACTIVE,
        completed_at__gte=since,
    ).values_list("assignment_id", "completed_at"):
        completions[assignment_id].append(moment)
    return assignments, completions


def _exercises_plan(persons: list[Person], window: Window) -> list[Due]:
    candidates = daily_candidates(persons, window, EXERCISES)
    if not candidates:
        return []
    ids = list({person.client.pk for person, _, _ in candidates})
    # Eight days before the earliest day cover a week's count and the day itself.
    since = min(moment for _, _, moment in candidates) - timedelta(days=9)
    assignments, completions = _assignments_of(ids, since)
    return [
        Due(EXERCISES, person, day_slot(day), moment)
        for person, day, moment in candidates
        if _exercises_left(assignments[person.client.pk], completions, day, person.zone)
    ]


def _exercises_still_due(person: Person, slot: str, _object_id, now: datetime) -> bool:
    day = day_of(slot)
    since = local_moment(day, time.min, person.zone) - timedelta(days=9)
    assignments, completions = _assignments_of([person.client.pk], since)
    return _exercises_left(assignments[person.client.pk], completions, day, person.zone)


def _exercises_words(person: Person, _slot, _object_id) -> Words:
    return Words(
        subject=_("Something planned for today"),
        lines=[
            _("You have something planned for today."),
            _("It takes a few minutes, whenever suits you."),
        ],
        link=client_page(),
        link_label=_open_page(),
    )


# --- A nudge after days without a check-in ----------------------------------------------


def _silent_since(clients: list[Client]) -> dict[int, datetime]:
    """Each client's last check-in, or their start when there is none: one query."""
    last = dict(
        CheckIn.objects.filter(among([client.pk for client in clients]))
        .values("client_id")
        .annotate(last=Max("occurred_at"))
        .values_list("client_id", "last")
    )
    return {client.pk: last.get(client.pk) for client in clients}


def _silence_start(client: Client, last: datetime | None, zone) -> date:
    """The local day the silence began: the last check-in's, or the start of treatment."""
    return timezone.localdate(last, timezone=zone) if last else client.started_on


def _check_in_plan(persons: list[Person], window: Window) -> list[Due]:
    persons = [person for person in persons if person.silence_days > 0]
    # Keyed by the day the silence began, so one silence has one nudge, whatever the days
    # are changed to meanwhile; sent at the first of the person's hours once it is long enough.
    candidates = daily_candidates(persons, window, CHECK_IN)
    if not candidates:
        return []
    last = _silent_since([person.client for person, _, _ in candidates])
    found = []
    for person, day, moment in candidates:
        began = _silence_start(person.client, last[person.client.pk], person.zone)
        if day >= began + timedelta(days=person.silence_days):
            found.append(Due(CHECK_IN, person, day_slot(began), moment))
    return found


def _check_in_still_due(person: Person, slot: str, _object_id, now: datetime) -> bool:
    if person.silence_days <= 0:
        return False
    last = _silent_since([person.client])[person.client.pk]
    began = _silence_start(person.client, last, person.zone)
    today = timezone.localdate(now, timezone=person.zone)
    return day_of(slot) == began and today >= began + timedelta(days=person.silence_days)


def _check_in_words(person: Person, _slot, _object_id) -> Words:
    return Words(
        subject=_("How are you doing?"),
        lines=[
            _("It has been a few days since your last check-in."),
            _("A check-in takes about a minute, and you can say as much or as little as you like."),
        ],
        link=client_page(),
        link_label=_("Check in"),
    )


# --- An appointment tomorrow -------------------------------------------------------------

BEFORE_SESSION = timedelta(hours=24)


def session_slot(session_id: int, starts_at: datetime) -> str:
    # The time is in the slot: a session moved to another time is reminded again.
    return f"{session_id}-{starts_at.astimezone(UTC):%Y%m%dT%H%MZ}"


def _session_plan(persons: list[Person], window: Window) -> list[Due]:
    by_client = {person.client.pk: person for person in persons}
    sessions = Session.objects.filter(
        client__status=Client.Status.ACTIVE,
        status=Session.Status.SCHEDULED,
        starts_at__gt=window.start,
        starts_at__lte=window.end + BEFORE_SESSION,
    ).values_list("pk", "client_id", "starts_at", "booked_at")
    return [
        Due(
            SESSION,
            by_client[client_id],
            session_slot(pk, starts_at),
            # 24 hours before; for a session booked or moved later than that, at once.
            max(starts_at - BEFORE_SESSION, booked_at),
            object_id=pk,
            until=starts_at,
        )
        for pk, client_id, starts_at, booked_at in sessions
        if client_id in by_client
    ]


def _session_of(person: Person, session_id: int | None) -> Session | None:
    return Session.objects.filter(
        pk=session_id, client=person.client, status=Session.Status.SCHEDULED
    ).first()


def _session_still_due(person: Person, slot: str, session_id, now: datetime) -> bool:
    session = _session_of(person, session_id)
    if session is None or session.starts_at <= now:
        return False
    return slot == session_slot(session.pk, session.starts_at)


def _session_words(person: Person, _slot, session_id) -> Words:
    session = _session_of(person, session_id)
    local = timezone.localtime(session.starts_at, person.zone)
    facts = {
        "day": formats.date_format(local, "l j F"),
        "time": formats.time_format(local, "H:i"),  # the 24-hour clock, as every page shows
        "zone": person.zone.key,
    }
    where = (
        _("It is online: the link to join is on your page.")
        if session.mode == Session.Mode.VIRTUAL
        else _("It is in person.")
    )
    return Words(
        subject=_("A reminder of your appointment"),
        lines=[_("Your appointment is on %(day)s at %(time)s (%(zone)s time).") % facts, where],
        link=client_page(),
        link_label=_open_page(),
    )


register(
    ReminderKind(
        name=EXERCISES,
        code="e",
        label=gettext_lazy("Something planned for today"),
        help=gettext_lazy("At your hour, on days something is planned and not yet done."),
        audience=CLIENT,
        default_on=True,
        plan=_exercises_plan,
        still_due=_exercises_still_due,
        words=_exercises_words,
        order=10,
    )
)
register(
    ReminderKind(
        name=CHECK_IN,
        code="c",
        label=gettext_lazy("A nudge after a few days without a check-in"),
        help=gettext_lazy("Once, at your hour, after some days without a check-in."),
        audience=CLIENT,
        default_on=True,
        plan=_check_in_plan,
        still_due=_check_in_still_due,
        words=_check_in_words,
        order=30,
    )
)
register(
    ReminderKind(
        name=SESSION,
        code="s",
        label=gettext_lazy("An appointment coming up"),
        help=gettext_lazy("24 hours before, with the time in your time zone."),
        audience=CLIENT,
        default_on=True,
        plan=_session_plan,
        still_due=_session_still_due,
        words=_session_words,
        order=40,
    )
)
