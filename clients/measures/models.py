"""A clinic's choice of instruments, schedules per client, and the responses with their scores."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Alert, Client
from clinic.models import Clinic, User

from .instruments import CHOICES

INSTRUMENT_CODES = [code for code, _name in CHOICES]


class Cadence(models.TextChoices):
    BEFORE_SESSION = "before_session", _("Before every session")
    WEEKLY = "weekly", _("Every week")
    EVERY_2_WEEKS = "every_2_weeks", _("Every 2 weeks")
    EVERY_4_WEEKS = "every_4_weeks", _("Every 4 weeks")
    ONCE = "once", _("Once")


CADENCE_WEEKS = {Cadence.WEEKLY: 1, Cadence.EVERY_2_WEEKS: 2, Cadence.EVERY_4_WEEKS: 4}


class ClinicInstrument(models.Model):
    """A clinic's use of one instrument: on or off, the cut-offs it may change, and the
    schedule new clients start with. Without a row, an instrument is on with the
    published values and no default schedule."""

    clinic_lookup = "clinic"

    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, related_name="instruments", verbose_name=_("clinic")
    )
    instrument = models.CharField(_("instrument"), max_length=20, choices=CHOICES)
    enabled = models.BooleanField(_("in use"), default=True)
    caseness = models.PositiveSmallIntegerField(
        _("caseness cut-off"),
        null=True,
        blank=True,
        help_text=_("A case at or above this total. Empty: the published value."),
    )
    reliable_change = models.PositiveSmallIntegerField(
        _("reliable change (points)"),
        null=True,
        blank=True,
        help_text=_("Empty: the published value."),
    )
    paired = models.BooleanField(
        _("read beside its pair"),
        default=True,
        help_text=_(
            "PHQ-9 and GAD-7: an improvement on one while the other reliably deteriorates "
            "is not counted as improvement."
        ),
    )
    default_cadence = models.CharField(
        _("schedule for new clients"),
        max_length=20,
        choices=Cadence.choices,
        blank=True,
        help_text=_("Empty: new clients get no schedule of this instrument."),
    )

    class Meta:
        verbose_name = _("outcome measure")
        verbose_name_plural = _("outcome measures")
        ordering = ["clinic", "instrument"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "instrument"], name="clinic_instrument_unique"
            ),
            models.CheckConstraint(
                condition=Q(instrument__in=INSTRUMENT_CODES), name="clinic_instrument_known"
            ),
        ]

    def __str__(self) -> str:
        return self.get_instrument_display()


class MeasureSchedule(models.Model):
    """When a client is asked to complete an instrument. One per client and instrument."""

    clinic_lookup = "client__clinic"

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="measure_schedules", verbose_name=_("client")
    )
    instrument = models.CharField(_("instrument"), max_length=20, choices=CHOICES)
    cadence = models.CharField(_("when"), max_length=20, choices=Cadence.choices)
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("set by"),
    )
    created_at = models.DateTimeField(_("set at"), default=timezone.now)
    stopped_at = models.DateTimeField(
        _("stopped at"),
        null=True,
        blank=True,
        help_text=_("When the therapist stopped it, or treatment ended; nothing is due after."),
    )

    class Meta:
        verbose_name = _("measure schedule")
        verbose_name_plural = _("measure schedules")
        ordering = ["client", "instrument"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "instrument"], name="measure_schedule_one_per_instrument"
            ),
            models.CheckConstraint(
                condition=Q(instrument__in=INSTRUMENT_CODES), name="measure_schedule_known"
            ),
            models.CheckConstraint(
                condition=Q(cadence__in=Cadence.values), name="measure_schedule_cadence_valid"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="measure_schedule_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()}: {self.get_cadence_display()}"


class MeasureResponse(models.Model):
    """One completed instrument, scored on the server with the version it answered.

    ``answers`` maps item codes to values; every scored item is present. Scores are
    stored as computed then, so a later definition never rewrites a past score.
    """

    clinic_lookup = "client__clinic"

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="measure_responses", verbose_name=_("client")
    )
    instrument = models.CharField(_("instrument"), max_length=20, choices=CHOICES)
    version = models.CharField(_("version"), max_length=40)
    completed_at = models.DateTimeField(_("completed at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    client_uuid = models.UUIDField(_("id from the app"), default=uuid.uuid4)
    answers = models.JSONField(_("answers"))
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), null=True, blank=True)
    total = models.PositiveSmallIntegerField(_("total"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=30, blank=True)
    subscales = models.JSONField(_("sub-scales"), default=dict, blank=True)
    rules = models.JSONField(_("criteria met"), default=dict, blank=True)
    diagnosis = models.CharField(_("provisional diagnosis"), max_length=30, blank=True)
    entered_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
        help_text=_("The staff member who entered it for the client (a paper form)."),
    )
    # The safety alert its self-harm item raised, if it did.
    alert = models.OneToOneField(
        Alert,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measure_response",
        verbose_name=_("safety alert"),
    )

    class Meta:
        verbose_name = _("measure response")
        verbose_name_plural = _("measure responses")
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "client_uuid"], name="measure_response_client_uuid_unique"
            ),
            models.CheckConstraint(
                condition=Q(instrument__in=INSTRUMENT_CODES), name="measure_response_known"
            ),
        ]
        indexes = [models.Index(fields=["client", "instrument", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} {timezone.localtime(self.completed_at):%Y-%m-%d}"

    @property
    def entered_by_staff(self) -> bool:
        return self.entered_by_id is not None
