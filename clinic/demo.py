"""Demo data: two clinics, their staff, and clients whose weeks tell different stories.

Each client's history comes from its own random generator (seeded by the
``--seed`` and the client's number), so a run is reproducible and a client that
already exists is left alone: running twice creates nothing the second time.
"""

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from clients.models import Client, Exercise
from clients.reminders.services import preference_save
from clients.safety.plans import safety_plan_save
from clients.services import (
    assignment_create,
    check_in_prepare,
    check_in_record,
    client_create,
    completion_record,
)

from .demo_emdr import emdr_story
from .demo_measures import MeasureStory, clinic_measures
from .demo_stories import (
    FIRST_NAMES,
    FOCUS_BY_STORY,
    NOTES,
    SAFETY_PLAN,
    STORIES,
    clamp,
    moment_for,
)
from .models import Clinic, CrisisLine, Session, Therapist, User
from .services import clinic_admin_create, clinic_create, therapist_create

DEMO_NAMESPACE = uuid.UUID("6f1b7a52-3c1e-4d8e-9a57-2f4c0f0d5e11")

CLINICS = [
    {
        "slug": "harbor",
        "name": "Harbor Relational Therapy",
        "time_zone": "America/Los_Angeles",
        "crisis_resources": "You can also go to the nearest emergency room.",
        "phone": "+1 (213) 555-0142",
        "phone_hours": "weekdays 9:00 to 18:00, Los Angeles time",
        "safety_response": "Your therapist reads safety answers on weekdays between 9:00 and "
        "18:00, Los Angeles time. At night and at weekends nobody reads them until the next "
        "working day, so please use the numbers above if you need someone now.",
        # (name, call, text, hours); the first that takes calls is for "in danger now"
        "crisis_lines": [
            ("Emergency services", "911", "", "24/7"),
            ("988 Suicide & Crisis Lifeline", "988", "988", "24/7"),
            ("Crisis Text Line", "", "741741", "24/7"),
        ],
        "therapists": [("dana", "Dana Whitfield", "LMFT, EMDR"), ("sam", "Sam Okafor", "LCSW")],
        "covers_alerts": "sam",
    },
    {
        "slug": "willow",
        "name": "Willow Attachment Centre",
        "time_zone": "Europe/London",
        "crisis_resources": "You can also go to A&E, or call NHS 111 for urgent advice.",
        "phone": "020 7946 0321",
        "phone_hours": "Monday to Friday, 9:00 to 17:30",
        "safety_response": "Your therapist reads safety answers on weekdays between 9:00 and "
        "17:30. Outside those hours they are read on the next working day.",
        "crisis_lines": [
            ("Emergency services", "999", "", "24/7"),
            ("Samaritans", "116 123", "", "24/7"),
            ("Shout", "", "85258", "24/7"),
        ],
        "therapists": [("lee", "Lee Harrington", "UKCP, EMDR")],
        "covers_alerts": None,  # one therapist: nobody to cover
    },
]


@dataclass
class Login:
    role: str
    clinic: str | None
    email: str
    client_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "role": self.role,
            "clinic": self.clinic,
            "email": self.email,
            "client_id": self.client_id,
        }


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


class DemoBuilder:
    def __init__(self, *, seed: int, weeks: int, password: str, today: date | None = None):
        self.seed = seed
        self.weeks = weeks
        self.password = password
        self.today = today or timezone.localdate()
        self.logins: list[Login] = []
        self.clients_created = 0
        # Nothing in the demo happens after the moment it is built.
        self.now = timezone.now()
        # Each therapist's weekly slots already given, as (weekday, hour): no double booking.
        self.slots_taken: set[tuple[int, int, int]] = set()

    # --- people ---------------------------------------------------------
    def clinics(self) -> list[tuple[Clinic, list[Therapist]]]:
        built = []
        for spec in CLINICS:
            clinic = Clinic.objects.filter(slug=spec["slug"]).first() or clinic_create(
                name=spec["name"],
                slug=spec["slug"],
                time_zone=spec["time_zone"],
                crisis_resources=spec["crisis_resources"],
                # The demo's logins are published and shared: were a second factor required,
                # the first visitor would tie dana@, admin@ and the rest to their own phone.
                two_factor_required=False,
            )
            self._crisis_box(clinic, spec)
            clinic_measures(clinic)
            domain = f"{spec['slug']}.example"
            admin_email = f"admin@{domain}"
            if not User.objects.filter(email=admin_email).exists():
                clinic_admin_create(
                    clinic=clinic,
                    email=admin_email,
                    display_name=f"{spec['name']} admin",
                    password=self.password,
                )
            self.logins.append(Login("clinic_admin", clinic.slug, admin_email))
            therapists = []
            for handle, name, credentials in spec["therapists"]:
                email = f"{handle}@{domain}"
                therapist = Therapist.objects.filter(user__email=email).first()
                if therapist is None:
                    therapist = therapist_create(
                        clinic=clinic,
                        email=email,
                        display_name=name,
                        password=self.password,
                        credentials=credentials,
                    )
                    if handle == "dana":  # shows the opt-in morning count, printed by the worker
                        preference_save(
                            user=therapist.user,
                            kinds={"morning": True},
                            daily_hour=8,
                            fields={"kinds", "daily_hour"},
                        )
                therapists.append(therapist)
                self.logins.append(Login("therapist", clinic.slug, email))
            if spec["covers_alerts"] and not any(t.covers_alerts for t in therapists):
                covering = Therapist.objects.get(user__email=f"{spec['covers_alerts']}@{domain}")
                covering.covers_alerts = True
                covering.save(update_fields=["covers_alerts"])
            built.append((clinic, therapists))
        return built

    def _crisis_box(self, clinic: Clinic, spec: dict) -> None:
        """The clinic's phone, its sentence on when safety answers are read, and its crisis
        lines; a clinic that has lines already is left alone."""
        if clinic.crisis_lines.exists():
            return
        clinic.phone = spec["phone"]
        clinic.phone_hours = spec["phone_hours"]
        clinic.safety_response = spec["safety_response"]
        clinic.full_clean()
        clinic.save(update_fields=["phone", "phone_hours", "safety_response"])
        for order, (name, call, text, hours) in enumerate(spec["crisis_lines"]):
            line = CrisisLine(
                clinic=clinic, name=name, call=call, text=text, hours=hours, sort_order=order
            )
            line.full_clean()
            line.save()

    def operator(self) -> None:
        email = "operator@demo.example"
        if not User.objects.filter(email=email).exists():
            User.objects.create_superuser(
                email=email, password=self.password, display_name="Operator"
            )
        self.logins.append(Login("operator", None, email))

    # --- one client's twelve weeks -------------------------------------
    def client(self, number: int, therapist: Therapist) -> Client:
        """Create client ``number`` with its history, or return it if it exists."""
        clinic = therapist.clinic
        email = f"client{number:02d}@{clinic.slug}.example"
        existing = Client.objects.filter(user__email=email).first()
        if existing is not None:
            self.logins.append(Login("client", clinic.slug, email, existing.pk))
            return existing

        rng = random.Random(f"{self.seed}-{number}")
        story = STORIES[(number // 3) % len(STORIES)]
        start = self.today - timedelta(weeks=self.weeks)
        name = f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {chr(65 + (number * 7) % 26)}."
        with transaction.atomic():
            client = client_create(
                therapist=therapist,
                email=email,
                label=f"{name} #{number:02d}",
                time_zone=clinic.time_zone,
                focus_areas=FOCUS_BY_STORY[story],
                password=self.password,
                started_on=start,
            )
            self._sessions(client, therapist, start, rng)
            assignments = self._assignments(client, therapist, start)
            self._check_ins(client, story, start, rng)
            self._completions(assignments, story, rng)
            if story == "safety":
                safety_plan_save(client=client, by=therapist.user, **SAFETY_PLAN)
            MeasureStory(
                client=client,
                therapist=therapist,
                story=story,
                number=number,
                today=self.today,
                now=self.now,
                # A generator of its own: the history above stays as it was without measures.
                rng=random.Random(f"{self.seed}-{number}-measures"),
                uuid_for=lambda kind, n: self._uuid(client, kind, n),
            ).build()
            emdr_story(
                client=client,
                therapist=therapist,
                number=number,
                now=self.now,
                uuid_for=lambda kind, n: self._uuid(client, kind, n),
            )
        self.logins.append(Login("client", clinic.slug, email, client.pk))
        self.clients_created += 1
        return client

    def _uuid(self, client: Client, kind: str, n: int) -> uuid.UUID:
        return uuid.uuid5(DEMO_NAMESPACE, f"{self.seed}/{client.user.email}/{kind}/{n}")

    def _sessions(
        self, client: Client, therapist: Therapist, start: date, rng: random.Random
    ) -> None:
        zone = ZoneInfo(client.clinic.time_zone)
        first, at = self._free_slot(therapist, start + timedelta(days=rng.randrange(1, 6)), rng)
        mode = rng.choice([Session.Mode.IN_PERSON, Session.Mode.VIRTUAL])
        sessions = []
        for week in range(self.weeks + 1):
            day = first + timedelta(weeks=week)
            if day < self.today:
                status = Session.Status.COMPLETED
                if rng.random() < 0.08:
                    status = Session.Status.CANCELLED
            else:
                status = Session.Status.SCHEDULED
            sessions.append(
                Session(
                    client=client,
                    therapist=therapist,
                    starts_at=_local(day, at, zone),
                    mode=mode,
                    status=status,
                )
            )
        Session.objects.bulk_create(sessions)

    def _free_slot(
        self, therapist: Therapist, first: date, rng: random.Random
    ) -> tuple[date, time]:
        """The first weekly hour, from ``first`` on, that the therapist has not given yet."""
        hours = [9, 10, 11, 14, 15, 16, 17]
        rng.shuffle(hours)
        for shift in range(7):
            day = first + timedelta(days=shift)
            for hour in hours:
                slot = (therapist.pk, day.weekday(), hour)
                if slot not in self.slots_taken:
                    self.slots_taken.add(slot)
                    return day, time(hour=hour)
        return first, time(hour=hours[0])  # a full week of seven hours a day: share one

    def _assignments(self, client: Client, therapist: Therapist, start: date) -> list:
        library: dict[str, Exercise] = {}
        for exercise in Exercise.objects.filter(clinic=client.clinic):
            library.setdefault(exercise.category, exercise)  # the first of each category
        plan = [
            ("labelling", "daily", None, start, start + timedelta(weeks=4)),
            ("grounding", "weekly", 3, start, None),
            ("self_compassion", "weekly", 2, start + timedelta(weeks=3), None),
            ("letting_go", "once", None, start + timedelta(weeks=6), None),
            ("mind_space", "weekly", 4, start + timedelta(weeks=5), None),
        ]
        assignments = []
        for category, schedule, per_week, starts_on, ends_on in plan:
            if starts_on > self.today:
                continue
            assignment = assignment_create(
                therapist=therapist,
                client=client,
                exercise=library[category],
                schedule=schedule,
                times_per_week=per_week,
                starts_on=starts_on,
                ends_on=ends_on if ends_on is None or ends_on >= self.today else None,
                note_to_client="Take your time with this; there is no right way to do it.",
            )
            if ends_on is not None and ends_on < self.today:
                # History: the exercise ran its course before today.
                assignment.ends_on = ends_on
                assignment.status = assignment.Status.ENDED
                assignment.save(update_fields=["ends_on", "status"])
            assignments.append(assignment)
        return assignments

    def _check_ins(self, client: Client, story: str, start: date, rng: random.Random) -> None:
        zone = ZoneInfo(client.time_zone)
        last_day = self.today - timedelta(days=1)
        if story == "silent":
            last_day = self.today - timedelta(days=19)  # stopped checking in ~3 weeks ago
        total_days = max((self.today - start).days, 1)
        charge_sign = rng.choice([-1, 1])
        n = 0
        for day in _days(start, last_day):
            checks_in_today = rng.random() < 0.6  # about four days in seven
            # the safety story always ends with last night's check-in and its alert
            if not checks_in_today and not (story == "safety" and day == last_day):
                continue
            progress = (day - start).days / total_days
            moment = moment_for(story, progress, rng, charge_sign)
            occurred_at = _local(day, time(rng.randrange(8, 22), rng.randrange(60)), zone)
            # "Yesterday evening" in a client's zone may still be ahead of the moment.
            occurred_at = min(occurred_at, self.now - timedelta(minutes=rng.randrange(30, 240)))
            is_last = day == last_day
            safety = story == "safety" and is_last
            discuss = rng.random() < 0.12 or safety
            draft = check_in_prepare(
                client=client,
                occurred_at=occurred_at,
                received_at=occurred_at + timedelta(seconds=rng.randrange(2, 90)),
                emotions=moment.emotions,
                distress=moment.distress,
                charge=moment.charge,
                mind_space=moment.mind_space,
                self_compassion=moment.self_compassion,
                resistance=moment.resistance,
                wants_to_discuss=discuss,
                safety_concern=safety,
                note=rng.choice(NOTES) if discuss else "",
                client_uuid=self._uuid(client, "check-in", n),
            )
            check_in_record(draft=draft)
            n += 1

    def _completions(self, assignments: list, story: str, rng: random.Random) -> None:
        adherence = {"healing": 0.85, "stuck": 0.5, "resistant": 0.3, "safety": 0.45}.get(
            story, 0.65
        )
        for assignment in assignments:
            zone = ZoneInfo(assignment.client.time_zone)
            until = min(assignment.ends_on or self.today, self.today - timedelta(days=1))
            if story == "silent":
                until = min(until, self.today - timedelta(days=19))
            if assignment.schedule == "once":
                days = [assignment.starts_on + timedelta(days=2)]
            else:
                per_week = 7 if assignment.schedule == "daily" else assignment.times_per_week
                days = [
                    d for d in _days(assignment.starts_on, until) if rng.random() < per_week / 7
                ]
            for n, day in enumerate(d for d in days if d <= until):
                if rng.random() > adherence:
                    continue
                before = rng.randint(4, 8)
                relief = (
                    rng.choice([0, 1, 1, 2, 2, 3])
                    if story != "resistant"
                    else rng.choice([0, 0, 1])
                )
                completed_at = min(
                    _local(day, time(rng.randrange(7, 22)), zone),
                    self.now - timedelta(minutes=rng.randrange(30, 240)),
                )
                completion_record(
                    assignment=assignment,
                    completed_at=completed_at,
                    distress_before=before,
                    distress_after=max(0, before - relief),
                    helpfulness=clamp(2 + relief + rng.random(), 1, 5),
                    reflection="Noticed the feeling soften a little while writing."
                    if relief >= 2
                    else "",
                    client_uuid=self._uuid(assignment.client, f"completion-{assignment.pk}", n),
                )
            # Received when done, as an app sends them; not when the demo was built (which
            # would also leave weeks-old records inside the client's few minutes to undo).
            assignment.completions.update(received_at=F("completed_at") + timedelta(minutes=1))
