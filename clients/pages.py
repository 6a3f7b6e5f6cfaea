"""What the client's own page shows: the vocabulary, the exercises due, recent check-ins,
and the crisis box with the client's safety plan.

The page sends what the client fills in to the REST API, so the API's serializers
and services stay the only place where a check-in or a completion is validated.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from .models import SCALES, Assignment, CheckIn, Client, EmotionLabel
from .safety.crisis import CrisisBox, crisis_box_for
from .schedule import week_start
from .selectors import assignment_due_next, assignments_for, check_ins_for, emotion_labels_for

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


CHECK_IN_SCALES = [
    Scale(
        "distress",
        "How much distress do you feel right now?",
        "calm",
        "the most you can imagine",
        required=True,
    ),
    Scale(
        "charge",
        "What do you feel toward the person the relationship was with?",
        "hate",
        "love or longing",
    ),
    Scale(
        "mind_space",
        "How much of today have they taken up in your thoughts?",
        "none of it",
        "all of it",
        step=5,
        unit="%",
    ),
    Scale("self_compassion", "How kind have you been to yourself today?", "not at all", "very"),
    Scale(
        "resistance",
        "How much have you pushed feelings away today?",
        "not at all",
        "all the time",
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
        ExerciseGroup("today", "For today"),
        ExerciseGroup("week", "Later this week"),
        ExerciseGroup("done", "Done for this week"),
        ExerciseGroup("later", "Starting later"),
    ]
    active = assignments_for(user=user).filter(status=Assignment.Status.ACTIVE)
    for assignment in active.order_by("starts_on", "id"):
        due = assignment_due_next(assignment)
        assignment.due_next = due
        if due is not None and due <= today:
            groups[0].assignments.append(assignment)
        elif due is not None and due <= end_of_week:
            groups[1].assignments.append(assignment)
        elif assignment.starts_on > today:
            groups[3].assignments.append(assignment)
        else:
            groups[2].assignments.append(assignment)
    recent = check_ins_for(user=user).order_by("-occurred_at", "-id")[:RECENT_CHECK_INS]
    return ClientHome(
        client=client,
        today=today,
        labels=list(emotion_labels_for(user=user)),
        exercise_groups=groups,
        recent=list(recent),
        crisis=crisis_box_for(client=client),
    )
