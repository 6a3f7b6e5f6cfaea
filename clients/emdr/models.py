"""EMDR: a client's targets, what each session did with them, and the client's TICES log.

Conventions (MEASURES.md, section EMDR): SUD 0-10 rates disturbance (0 = none); VoC 1-7
rates how true the positive cognition feels (7 = completely true). What a person wrote
about a memory (memory, image, cognitions, notes, log entries) is encrypted at rest.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client, EmotionLabel, Exercise, FocusArea
from clinic.encryption import EncryptedTextField
from clinic.models import Clinic, Session, User

SUD = (0, 10)
VOC = (1, 7)
PHASES = range(1, 9)
SETS_MAX = 200
PLAN_ORDER_MAX = 999
# The phases that process a target (assessment to body scan): a resolved or set-aside
# target is reopened before them; a reevaluation alone may look at it again.
PROCESSING_PHASES = frozenset({3, 4, 5, 6})
# A TICES entry at or above this disturbance shows the client their calming exercises,
# unless the clinic sets its own level.
CALMING_AT_DEFAULT = 7


def _range(low: int, high: int) -> list:
    return [MinValueValidator(low), MaxValueValidator(high)]


def _between(field: str, bounds: tuple[int, int], name: str) -> models.CheckConstraint:
    low, high = bounds
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}), name=name
    )


class Phase(models.IntegerChoices):
    HISTORY = 1, _("1 History and treatment planning")
    PREPARATION = 2, _("2 Preparation")
    ASSESSMENT = 3, _("3 Assessment")
    DESENSITISATION = 4, _("4 Desensitisation")
    INSTALLATION = 5, _("5 Installation")
    BODY_SCAN = 6, _("6 Body scan")
    CLOSURE = 7, _("7 Closure")
    REEVALUATION = 8, _("8 Reevaluation")


class EmdrSettings(models.Model):
    """A clinic's EMDR choices. Without a row, the defaults above apply."""

    clinic_lookup = "clinic"

    clinic = models.OneToOneField(
        Clinic, on_delete=models.CASCADE, related_name="emdr_settings", verbose_name=_("clinic")
    )
    calming_at = models.PositiveSmallIntegerField(
        _("show calming exercises from disturbance"),
        default=CALMING_AT_DEFAULT,
        validators=_range(*SUD),
        help_text=_(
            "A client's log entry rated at or above this (0-10) shows them their calming "
            "exercises at once."
        ),
    )

    class Meta:
        verbose_name = _("EMDR settings")
        verbose_name_plural = _("EMDR settings")
        constraints = [_between("calming_at", SUD, "emdr_settings_calming_at_range")]

    def __str__(self) -> str:
        return str(_("EMDR settings"))


class Target(models.Model):
    """A memory set up for processing, with its place in the client's plan."""

    clinic_lookup = "client__clinic"

    class Sequence(models.TextChoices):
        PAST = "past", _("Past memory")
        PRESENT = "present", _("Present trigger")
        FUTURE = "future", _("Future template")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        SET_ASIDE = "set_aside", _("Set aside")

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="emdr_targets", verbose_name=_("client")
    )
    label = models.CharField(
        _("label"),
        max_length=60,
        help_text=_("A short name of your choosing, e.g. 'The kitchen, age 9'."),
    )
    shown_to_client = models.BooleanField(
        _("client sees the label"),
        default=False,
        help_text=_("The client may link a log entry to this target by its label."),
    )
    memory = EncryptedTextField(_("memory"), blank=True)
    worst_image = EncryptedTextField(_("worst image"), blank=True)
    negative_cognition = EncryptedTextField(_("negative cognition"), blank=True)
    positive_cognition = EncryptedTextField(_("positive cognition"), blank=True)
    emotions = models.ManyToManyField(
        EmotionLabel, blank=True, related_name="+", verbose_name=_("emotions")
    )
    body_location = EncryptedTextField(_("felt in the body"), blank=True)
    sequence = models.CharField(
        _("targeting sequence"), max_length=10, choices=Sequence.choices, default=Sequence.PAST
    )
    focus_area = models.CharField(
        _("focus area"), max_length=20, choices=FocusArea.choices, blank=True
    )
    plan_order = models.PositiveSmallIntegerField(
        _("order in the plan"), default=1, validators=_range(1, PLAN_ORDER_MAX)
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("set up at"), default=timezone.now)

    class Meta:
        verbose_name = _("EMDR target")
        verbose_name_plural = _("EMDR targets")
        ordering = ["client", "plan_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "label"], name="emdr_target_label_unique"),
            models.CheckConstraint(
                condition=Q(sequence__in=["past", "present", "future"]),
                name="emdr_target_sequence_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "in_progress", "resolved", "set_aside"]),
                name="emdr_target_status_valid",
            ),
        ]

    def __str__(self) -> str:
        # Not the label: the admin puts an object's name in titles and breadcrumbs, and a
        # label names a memory.
        return _("EMDR target #%(id)s") % {"id": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.IN_PROGRESS)


class TargetStatusChange(models.Model):
    """Each change of a target's status, with the therapist's grounds for a resolution."""

    clinic_lookup = "target__client__clinic"

    class Grounds(models.TextChoices):
        RULE = "rule", _("SUD 0, VoC 7, clear body scan")
        SUD_ONE = "sud_one", _("SUD 1, judged fitting")
        VOC_ACCEPTED = "voc_accepted", _("VoC 5-6 accepted")

    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("target")
    )
    status = models.CharField(_("status"), max_length=12, choices=Target.Status.choices)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For a resolution: which reading of the rule the therapist accepted, and why.
    grounds = models.CharField(_("grounds"), max_length=14, choices=Grounds.choices, blank=True)
    sud_one_fitting = models.BooleanField(_("SUD 1 judged fitting"), default=False)
    reason = EncryptedTextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("target status change")
        verbose_name_plural = _("target status changes")
        ordering = ["target", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {timezone.localtime(self.changed_at):%Y-%m-%d}"


class ProcessingRecord(models.Model):
    """What one held session did with one target."""

    clinic_lookup = "target__client__clinic"

    class SetsKind(models.TextChoices):
        EYE_MOVEMENTS = "eye_movements", _("Eye movements")
        TAPPING = "tapping", _("Tapping")
        TONES = "tones", _("Tones")

    class Closure(models.TextChoices):
        COMPLETE = "complete", _("Complete")
        INCOMPLETE = "incomplete", _("Incomplete")
        CONTAINED = "contained", _("Contained")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="emdr_records", verbose_name=_("session")
    )
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="records", verbose_name=_("target")
    )
    phases = models.JSONField(_("phases done"), default=list, help_text=_("Numbers 1-8."))
    reevaluation_sud = models.PositiveSmallIntegerField(
        _("SUD at reevaluation"),
        null=True,
        blank=True,
        validators=_range(*SUD),
        help_text=_("The target's SUD at the start of this session, checking the last one's work."),
    )
    sud_start = models.PositiveSmallIntegerField(
        _("SUD at the start"), null=True, blank=True, validators=_range(*SUD)
    )
    sud_end = models.PositiveSmallIntegerField(
        _("SUD at the end"), null=True, blank=True, validators=_range(*SUD)
    )
    voc_setup = models.PositiveSmallIntegerField(
        _("VoC at set-up"), null=True, blank=True, validators=_range(*VOC)
    )
    voc_installed = models.PositiveSmallIntegerField(
        _("VoC after installation"), null=True, blank=True, validators=_range(*VOC)
    )
    sets_count = models.PositiveSmallIntegerField(
        _("bilateral sets"), null=True, blank=True, validators=_range(0, SETS_MAX)
    )
    sets_kind = models.CharField(
        _("kind of sets"), max_length=14, choices=SetsKind.choices, blank=True
    )
    body_scan_clear = models.BooleanField(_("body scan clear"), null=True, blank=True)
    closure = models.CharField(_("closure"), max_length=10, choices=Closure.choices)
    calming_technique = EncryptedTextField(_("calming or containment"), blank=True)
    calming_exercise = models.ForeignKey(
        Exercise,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("from the library"),
    )
    notes = EncryptedTextField(_("notes"), blank=True)
    plan_next = EncryptedTextField(_("plan for next time"), blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("processing record")
        verbose_name_plural = _("processing records")
        ordering = ["session__starts_at", "target__plan_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "target"], name="emdr_record_one_per_session_target"
            ),
            _between("reevaluation_sud", SUD, "emdr_record_reevaluation_sud_range"),
            _between("sud_start", SUD, "emdr_record_sud_start_range"),
            _between("sud_end", SUD, "emdr_record_sud_end_range"),
            _between("voc_setup", VOC, "emdr_record_voc_setup_range"),
            _between("voc_installed", VOC, "emdr_record_voc_installed_range"),
            _between("sets_count", (0, SETS_MAX), "emdr_record_sets_count_range"),
            models.CheckConstraint(
                condition=Q(closure__in=["complete", "incomplete", "contained"]),
                name="emdr_record_closure_valid",
            ),
        ]

    def __str__(self) -> str:
        return _("Processing record #%(id)s") % {"id": self.pk}


class TicesEntry(models.Model):
    """A moment between sessions the client logged: Trigger, Image, Cognition, Emotion,
    Sensation, and how disturbing it was (0-10)."""

    clinic_lookup = "client__clinic"

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="tices_entries", verbose_name=_("client")
    )
    occurred_at = models.DateTimeField(_("when it happened"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    client_uuid = models.UUIDField(_("id from the app"), default=uuid.uuid4)
    trigger = EncryptedTextField(_("trigger"))
    image = EncryptedTextField(_("image"), blank=True)
    cognition = EncryptedTextField(_("cognition"), blank=True)
    sensation = EncryptedTextField(_("sensation"), blank=True)
    emotions = models.ManyToManyField(
        EmotionLabel, blank=True, related_name="+", verbose_name=_("emotions")
    )
    disturbance = models.PositiveSmallIntegerField(_("disturbance"), validators=_range(*SUD))
    target = models.ForeignKey(
        Target,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tices_entries",
        verbose_name=_("touches target"),
    )

    class Meta:
        verbose_name = _("TICES log entry")
        verbose_name_plural = _("TICES log entries")
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "client_uuid"], name="tices_entry_client_uuid_unique"
            ),
            _between("disturbance", SUD, "tices_entry_disturbance_range"),
        ]
        indexes = [models.Index(fields=["client", "occurred_at"])]

    def __str__(self) -> str:
        return f"TICES {timezone.localtime(self.occurred_at):%Y-%m-%d}"
