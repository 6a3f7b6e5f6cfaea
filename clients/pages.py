"""What the client's own page shows: the vocabulary, the exercises due, recent check-ins,
and the crisis box with the client's safety plan.

The page sends what the client fills in to the REST API, so the API's serializers
and services stay the only place where a check-in or a completion is validated.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic.models import Session
from clinic.sessions import next_session_for

from .models import SCALES, Assignment, CheckIn, Client, Completion, EmotionLabel
from .safety.crisis import CrisisBox, crisis_box_for
from .schedule import week_start
from .selectors import assignment_due_next, assignments_for, check_ins_for, emotion_labels_for
from .wording import PersonWords, person_words

RECENT_CHECK_INS = 10


@dataclass(frozen=True)
class Scale:
    """One slider of the check-in: its question and what its two ends mean."""

    name: str
    question: str
    low_words: str
    high_words: str
    required: bool = False
    step: int = 1
    unit: str = ""
    scale: str = ""  # the entry of SCALES, when it is not the field's name

    @property
    def low(self) -> int:
        return SCALES[self.scale or self.name][0]

    @property
    def high(self) -> int:
        return SCALES[self.scale or self.name][1]

    @property
    def middle(self) -> int:
        return (self.low + self.high) // 2


def check_in_scales(words: PersonWords) -> list[Scale]:
    """The check-in's sliders; the two about the other person name them as the therapist set."""
    return [
        Scale(
            "distress",
            _("How much distress do you feel right now?"),
            _("calm"),
            _("the most you can imagine"),
            required=True,
        ),
        Scale("charge", words.charge_question, words.ends.negative, words.ends.positive),
        Scale(
            "mind_space",
            words.mind_space_question,
            _("none of it"),
            _("all of it"),
            step=5,
            unit="%",
        ),
        Scale(
            "self_compassion",
            _("How kind have you been to yourself today?"),
            _("not at all"),
            _("very"),
        ),
        Scale(
            "resistance",
            _("How much have you pushed feelings away today?"),
            _("not at all"),
            _("all the time"),
        ),
    ]


COMPLETION_SCALES = [
    Scale(
        "distress_before",
        "Distress before you began",
        "calm",
        "the most you can imagine",
        required=True,
        scale="distress",
    ),
    Scale(
        "distress_after",
        "Distress when you finished",
        "calm",
        "the most you can imagine",
        required=True,
        scale="distress",
    ),
]

HELPFULNESS = [(1, "Not at all"), (2, "A little"), (3, "Somewhat"), (4, "Quite"), (5, "Very")]


@dataclass
class ExerciseGroup:
    key: str
    title: str
    assignments: list[Assignment] = field(default_factory=list)


@dataclass
class ClientHome:
    client: Client
    today: date
    labels: list[EmotionLabel]
    exercise_groups: list[ExerciseGroup]
    recent: list[CheckIn]
    crisis: CrisisBox
    next_session: Session | None
    words: PersonWords

    @property
    def scales(self) -> list[Scale]:
        return check_in_scales(self.words)

    @property
    def can_send(self) -> bool:
        return self.client.status != Client.Status.DISCHARGED

    @property
    def has_exercises(self) -> bool:
        return any(group.assignments for group in self.exercise_groups)


def client_home(*, client: Client) -> ClientHome:
    """Everything the client's page shows, in the client's own calendar."""
    user = client.user
    today = timezone.localdate(timezone=ZoneInfo(client.time_zone))
    end_of_week = week_start(today) + timedelta(days=6)
    groups = [
        ExerciseGroup("today", gettext_lazy("For today")),
        ExerciseGroup("done_today", gettext_lazy("Done today")),
        ExerciseGroup("week", gettext_lazy("Later this week")),
        ExerciseGroup("done", gettext_lazy("Done for this week")),
        ExerciseGroup("later", gettext_lazy("Starting later")),
    ]
    groups_by_key = {group.key: group for group in groups}
    active = assignments_for(user=user).filter(status=Assignment.Status.ACTIVE)
    done_today = _done_today(client, today)
    for assignment in active.order_by("starts_on", "id"):
        due = assignment_due_next(assignment)
        assignment.due_next = due
        assignment.done_today = done_today.get(assignment.pk, 0)
        if assignment.done_today:
            # Recorded today already: out of "For today", so nobody records it twice by mistake.
            groups_by_key["done_today"].assignments.append(assignment)
        elif due is not None and due <= today:
            groups[0].assignments.append(assignment)
        elif due is not None and due <= end_of_week:
            groups_by_key["week"].assignments.append(assignment)
        elif assignment.starts_on > today:
            groups_by_key["later"].assignments.append(assignment)
        else:
            groups_by_key["done"].assignments.append(assignment)
    recent = check_ins_for(user=user).order_by("-occurred_at", "-id")[:RECENT_CHECK_INS]
    return ClientHome(
        client=client,
        today=today,
        labels=list(emotion_labels_for(user=user)),
        exercise_groups=groups,
        recent=list(recent),
        crisis=crisis_box_for(client=client),
        next_session=next_session_for(client),
        words=person_words(client),
    )


def _done_today(client: Client, today: date) -> dict[int, int]:
    """How many times each assignment was recorded on the client's today, in one query."""
    zone = ZoneInfo(client.time_zone)
    start = datetime.combine(today, time.min, tzinfo=zone)
    counts = (
        Completion.objects.filter(
            assignment__client=client,
            completed_at__gte=start,
            completed_at__lt=start + timedelta(days=1),
        )
        .values("assignment_id")
        .annotate(times=Count("id"))
    )
    return {row["assignment_id"]: row["times"] for row in counts}
