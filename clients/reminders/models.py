"""What a clinic, a therapist (for one client) and each person choose about reminders.

Three layers, combined in ``people.py``: the clinic's defaults, the therapist's changes for
one client, and the person's own choices. Which kinds exist is not fixed here:
kinds register themselves (``registry.py``), so the choices are kept as kind names.
"""

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.models import Clinic

DAILY_HOUR_DEFAULT = 9
QUIET_FROM_DEFAULT = time(21, 0)
QUIET_UNTIL_DEFAULT = time(8, 0)
SILENCE_DAYS_DEFAULT = 4
GRACE_HOURS_DEFAULT = 3


def _hour_field(**kwargs) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(23)], **kwargs
    )


class ClinicReminderSettings(models.Model):
    """The clinic's defaults. A clinic without a row has the defaults below."""

    clinic_lookup = "clinic"

    clinic = models.OneToOneField(
        Clinic, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    kinds_off = models.JSONField(
        _("kinds off by default"),
        default=list,
        blank=True,
        help_text=_("Reminders nobody in the clinic gets unless a therapist turns them on."),
    )
    daily_hour = _hour_field(
        verbose_name=_("daily reminder hour"),
        default=DAILY_HOUR_DEFAULT,
        help_text=_("In each person's own time zone (0-23)."),
    )
    quiet_from = models.TimeField(_("quiet hours from"), default=QUIET_FROM_DEFAULT)
    quiet_until = models.TimeField(
        _("quiet hours until"),
        default=QUIET_UNTIL_DEFAULT,
        help_text=_("The same time as 'from' means no quiet hours at all."),
    )
    silence_days = models.PositiveSmallIntegerField(
        _("check-in nudge after days without a check-in"),
        default=SILENCE_DAYS_DEFAULT,
        validators=[MaxValueValidator(60)],
        help_text=_("0 turns the nudge off."),
    )
    grace_hours = models.PositiveSmallIntegerField(
        _("hours a late reminder may still be sent"),
        default=GRACE_HOURS_DEFAULT,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_(
            "A reminder whose moment passed while the system was down is sent late only "
            "within this many hours, and never in quiet hours."
        ),
    )

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")
        constraints = [
            models.CheckConstraint(condition=Q(daily_hour__lte=23), name="reminders_clinic_hour"),
            models.CheckConstraint(
                condition=Q(grace_hours__gte=1, grace_hours__lte=12),
                name="reminders_clinic_grace_range",
            ),
            models.CheckConstraint(
                condition=Q(silence_days__lte=60), name="reminders_clinic_silence_range"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Reminder settings"))


class ClientReminderPlan(models.Model):
    """The therapist's changes for one client: a kind turned on or off, and after how many
    days without a check-in the client is nudged (0: never; empty: the clinic's number)."""

    clinic_lookup = "client__clinic"

    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, related_name="reminder_plan"
    )
    kinds = models.JSONField(
        _("kinds turned on or off"),
        default=dict,
        blank=True,
        help_text=_('{"kind": true or false}; a kind not named follows the clinic.'),
    )
    silence_days = models.PositiveSmallIntegerField(
        _("check-in nudge after days without a check-in"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(60)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("client's reminder plan")
        constraints = [
            models.CheckConstraint(
                condition=Q(silence_days__isnull=True) | Q(silence_days__lte=60),
                name="reminders_plan_silence_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder plan of client {self.client_id}"


class ReminderPreference(models.Model):
    """A person's own choices. Empty fields follow the clinic."""

    clinic_lookup = "user__clinic"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    kinds = models.JSONField(
        _("kinds chosen"),
        default=dict,
        blank=True,
        help_text=_('{"kind": true or false}; a kind not named follows its default.'),
    )
    daily_hour = _hour_field(verbose_name=_("daily reminder hour"), null=True, blank=True)
    quiet_from = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet hours until"), null=True, blank=True)
    paused_until = models.DateTimeField(_("all reminders paused until"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder preference")
        constraints = [
            models.CheckConstraint(
                condition=Q(daily_hour__isnull=True) | Q(daily_hour__lte=23),
                name="reminders_preference_hour",
            ),
            # Quiet hours are a pair: both the person's own, or both the clinic's.
            models.CheckConstraint(
                condition=Q(quiet_from__isnull=True, quiet_until__isnull=True)
                | Q(quiet_from__isnull=False, quiet_until__isnull=False),
                name="reminders_preference_quiet_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder preference of user {self.user_id}"
