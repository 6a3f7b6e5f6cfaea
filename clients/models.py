"""Clients, the exercise library, assignments, completions, check-ins and alerts."""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.encryption import EncryptedTextField
from clinic.models import Clinic, Therapist, User
from clinic.validators import validate_time_zone

# One definition per scale: model validation names the field, and the database
# refuses whatever gets past it.
SCALES: dict[str, tuple[int, int]] = {
    "distress": (0, 10),  # SUD, as used in EMDR
    "charge": (-5, 5),  # hate .. neutral .. love/longing
    "mind_space": (0, 100),  # % of the day
    "self_compassion": (0, 10),
    "resistance": (0, 10),
    "intensity": (0, 10),
    "helpfulness": (1, 5),
    "minutes": (1, 180),
    "times_per_week": (1, 7),
}


# The longest free text a person writes in one field: a note, a reflection, a follow-up
# note, a section of a safety plan.
TEXT_MAX_CHARS = 4000


def scale(name: str) -> list:
    low, high = SCALES[name]
    return [MinValueValidator(low), MaxValueValidator(high)]


def _between(field: str, scale_name: str, name: str) -> models.CheckConstraint:
    """A range check the database enforces; NULL passes, so optional signals stay optional."""
    low, high = SCALES[scale_name]
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}), name=name
    )


class FocusArea(models.TextChoices):
    BREAKUP = "breakup", _("Breakup or divorce")
    BETRAYAL = "betrayal", _("Betrayal or infidelity")
    ATTACHMENT = "attachment", _("Attachment wounds")
    CHILDHOOD = "childhood", _("Childhood trauma")
    GRIEF = "grief", _("Grief and loss")
    CODEPENDENCY = "codependency", _("Codependency")


class DischargeReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Treatment goals met")
    CLIENT_ENDED = "client_ended", _("The client chose to end")
    REFERRED = "referred", _("Referred elsewhere")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    OTHER = "other", _("Other")


class Client(models.Model):
    """A person in treatment at one clinic, shown by a label the clinic picks."""

    clinic_lookup = "clinic"

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        DISCHARGED = "discharged", _("Discharged")

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="clients")
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="client")
    primary_therapist = models.ForeignKey(
        Therapist, on_delete=models.PROTECT, related_name="clients"
    )
    label = models.CharField(max_length=80, help_text="How the clinic refers to this client.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    focus_areas = models.JSONField(
        default=list, blank=True, help_text="Codes from FocusArea, e.g. ['breakup']."
    )
    other_person = models.CharField(
        _("words for the other person"),
        max_length=60,
        blank=True,
        help_text=_(
            "How questions name the person the work is about, e.g. 'your ex', 'your husband', "
            "'your father'. Empty: a default from the first focus area."
        ),
    )
    started_on = models.DateField(default=timezone.localdate)
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    discharge_reason = models.CharField(
        _("reason for discharge"), max_length=20, choices=DischargeReason.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "label"], name="client_label_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["active", "paused", "discharged"]),
                name="client_status_valid",
            ),
            # A discharge always has its date; a client in treatment has none.
            models.CheckConstraint(
                condition=Q(status="discharged", discharged_on__isnull=False)
                | (~Q(status="discharged") & Q(discharged_on__isnull=True)),
                name="client_discharge_dated",
            ),
        ]
        indexes = [models.Index(fields=["primary_therapist", "status"])]

    def __str__(self) -> str:
        return self.label

    @property
    def focus_area_names(self) -> list[str]:
        known = dict(FocusArea.choices)
        return [known.get(code, code) for code in self.focus_areas or []]

    def clean(self) -> None:
        unknown = set(self.focus_areas or []) - set(FocusArea.values)
        if not isinstance(self.focus_areas, list) or unknown:
            raise ValidationError({"focus_areas": f"Unknown focus areas: {sorted(unknown)}"})
        if self.user_id is not None and self.user.role != User.Role.CLIENT:
            raise ValidationError({"user": "A client's login must have the client role."})


class EmotionLabel(models.Model):
    """One word of a clinic's emotion vocabulary, from which clients pick."""

    clinic_lookup = "clinic"

    class Tone(models.TextChoices):
        HEAVY = "heavy", "Heavy"
        MIXED = "mixed", "Mixed"
        LIGHT = "light", "Light"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="emotion_labels")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=60)
    tone = models.CharField(max_length=8, choices=Tone.choices, default=Tone.MIXED)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "code"], name="emotion_label_code_unique"),
            models.CheckConstraint(
                condition=Q(tone__in=["heavy", "mixed", "light"]), name="emotion_label_tone_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ExerciseCategory(models.TextChoices):
    LABELLING = "labelling", "Labelling emotions"
    ALLOWING = "allowing", "Allowing feelings to pass"
    SELF_COMPASSION = "self_compassion", "Self-compassion"
    REFLECTION = "reflection", "Reflecting on one's part"
    BOUNDARIES = "boundaries", "Boundaries and personal power"
    LETTING_GO = "letting_go", "Letting go"
    GROUNDING = "grounding", "Grounding and resourcing"
    MIND_SPACE = "mind_space", "Reclaiming mind space"


class Exercise(models.Model):
    """An item of a clinic's library of healing exercises."""

    clinic_lookup = "clinic"

    Category = ExerciseCategory

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="exercises")
    title = models.CharField(max_length=120)
    category = models.CharField(max_length=20, choices=Category.choices)
    instructions = models.TextField()
    reflection_prompts = models.JSONField(default=list, blank=True)
    minutes = models.PositiveSmallIntegerField(default=10, validators=scale("minutes"))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "title"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "title"], name="exercise_title_unique"),
            _between("minutes", "minutes", "exercise_minutes_range"),
            models.CheckConstraint(
                condition=Q(category__in=ExerciseCategory.values),
                name="exercise_category_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Assignment(models.Model):
    """An exercise given to a client on a schedule: once, daily, or N times a week."""

    clinic_lookup = "client__clinic"

    class Schedule(models.TextChoices):
        ONCE = "once", "Once"
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Times per week"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assignments")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(
        Therapist, on_delete=models.PROTECT, related_name="assignments_given"
    )
    schedule = models.CharField(max_length=8, choices=Schedule.choices)
    times_per_week = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=scale("times_per_week"),
        help_text="Only for the 'times per week' schedule (1-7).",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    note_to_client = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(schedule__in=["once", "daily", "weekly"]),
                name="assignment_schedule_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "paused", "ended"]),
                name="assignment_status_valid",
            ),
            # N per week needs N (1-7); the other schedules must not carry one.
            models.CheckConstraint(
                condition=(
                    Q(
                        schedule="weekly",
                        times_per_week__isnull=False,
                        times_per_week__gte=1,
                        times_per_week__lte=7,
                    )
                    | (~Q(schedule="weekly") & Q(times_per_week__isnull=True))
                ),
                name="assignment_times_per_week_range",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="assignment_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["client", "status"])]

    def __str__(self) -> str:
        return f"{self.exercise} ({self.get_schedule_display()})"

    def clean(self) -> None:
        if self.schedule == self.Schedule.WEEKLY and self.times_per_week is None:
            raise ValidationError({"times_per_week": "Say how many times a week (1-7)."})
        if self.schedule != self.Schedule.WEEKLY and self.times_per_week is not None:
            raise ValidationError(
                {"times_per_week": "Only the 'times per week' schedule takes a number."}
            )
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The end date is before the start date."})


class Completion(models.Model):
    """A client doing an assignment once, with distress before and after."""

    clinic_lookup = "assignment__client__clinic"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    distress_before = models.PositiveSmallIntegerField(validators=scale("distress"))
    distress_after = models.PositiveSmallIntegerField(validators=scale("distress"))
    helpfulness = models.PositiveSmallIntegerField(
        validators=scale("helpfulness"), help_text="1 (not helpful) to 5 (very)."
    )
    reflection = EncryptedTextField(blank=True)
    client_uuid = models.UUIDField(default=uuid.uuid4)

    class Meta:
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "client_uuid"], name="completion_client_uuid_unique"
            ),
            _between("distress_before", "distress", "completion_distress_before_range"),
            _between("distress_after", "distress", "completion_distress_after_range"),
            _between("helpfulness", "helpfulness", "completion_helpfulness_range"),
        ]
        indexes = [models.Index(fields=["assignment", "completed_at"])]

    def __str__(self) -> str:
        return f"Completion {timezone.localtime(self.completed_at):%Y-%m-%d}"


class CheckIn(models.Model):
    """A client's report of a moment: labelled emotions plus the signals of the design brief.

    Distress is required; the other ratings may be skipped (NULL), because a
    client is never pressed to answer. A safety answer is the exception: it is kept
    even with no rating and no feeling labelled, since losing it to a missing slider
    would lose the one thing that must reach the therapist.
    """

    clinic_lookup = "client__clinic"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="check_ins")
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    client_uuid = models.UUIDField(default=uuid.uuid4)
    distress = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=scale("distress"),
        help_text="0-10, the SUD scale. Only a safety answer may leave it out.",
    )
    charge = models.SmallIntegerField(
        null=True,
        blank=True,
        validators=scale("charge"),
        help_text="-5 (hate) .. 0 (neutral) .. +5 (love, longing).",
    )
    mind_space = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=scale("mind_space"),
        help_text="0-100: % of the day the other person took up.",
    )
    self_compassion = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=scale("self_compassion")
    )
    resistance = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=scale("resistance")
    )
    wants_to_discuss = models.BooleanField(default=False)
    safety_concern = models.BooleanField(default=False)
    note = EncryptedTextField(blank=True)
    labels = models.ManyToManyField(EmotionLabel, through="CheckInEmotion", related_name="+")

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "client_uuid"], name="check_in_client_uuid_unique"
            ),
            _between("distress", "distress", "check_in_distress_range"),
            models.CheckConstraint(
                condition=Q(distress__isnull=False) | Q(safety_concern=True),
                name="check_in_distress_unless_safety_answer",
            ),
            _between("charge", "charge", "check_in_charge_range"),
            _between("mind_space", "mind_space", "check_in_mind_space_range"),
            _between("self_compassion", "self_compassion", "check_in_self_compassion_range"),
            _between("resistance", "resistance", "check_in_resistance_range"),
        ]
        indexes = [models.Index(fields=["client", "occurred_at"])]

    def __str__(self) -> str:
        return f"Check-in {timezone.localtime(self.occurred_at):%Y-%m-%d %H:%M}"


# Strongest first; ties in the order the client labelled them.
EMOTION_ORDER = ("-intensity", "id")


class CheckInEmotion(models.Model):
    """One labelled emotion of a check-in, with its intensity."""

    clinic_lookup = "check_in__client__clinic"

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="emotions")
    label = models.ForeignKey(EmotionLabel, on_delete=models.PROTECT, related_name="+")
    intensity = models.PositiveSmallIntegerField(validators=scale("intensity"))

    class Meta:
        ordering = list(EMOTION_ORDER)
        constraints = [
            models.UniqueConstraint(
                fields=["check_in", "label"], name="check_in_emotion_label_unique"
            ),
            _between("intensity", "intensity", "check_in_emotion_intensity_range"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.intensity}"


class Alert(models.Model):
    """Something a therapist must see now. Acknowledged, never silently dropped."""

    clinic_lookup = "client__clinic"

    class Kind(models.TextChoices):
        SAFETY_CONCERN = "safety_concern", _("Safety concern")
        DISTRESS_RISE = "distress_rise", _("Sharp rise in distress")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    check_in = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the therapist was told by e-mail."
    )
    escalated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When covering therapists and clinic admins were told it waits.",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["safety_concern", "distress_rise"]), name="alert_kind_valid"
            ),
            # One alert of a kind per check-in, so a retried check-in never raises two.
            models.UniqueConstraint(
                fields=["check_in", "kind"],
                condition=Q(check_in__isnull=False),
                name="alert_one_per_check_in_kind",
            ),
            # Acknowledged means both who and when; never one without the other.
            models.CheckConstraint(
                condition=Q(acknowledged_by__isnull=True, acknowledged_at__isnull=True)
                | Q(acknowledged_by__isnull=False, acknowledged_at__isnull=False),
                name="alert_acknowledged_both_or_neither",
            ),
        ]
        indexes = [models.Index(fields=["client", "acknowledged_at"])]

    def __str__(self) -> str:
        # In the zone of the page that shows it (the clinic's, in its admin).
        return f"{self.get_kind_display()} ({timezone.localtime(self.created_at):%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
