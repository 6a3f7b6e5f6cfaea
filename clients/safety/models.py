"""What a therapist did about a safety alert, and the client's own safety plan."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Alert, Client
from clinic.encryption import EncryptedTextField
from clinic.models import User

# A safety answer stays a reason to look at its client for two weeks, followed up or not
# (caseload and weekly summaries alike): one answer can matter after the alert is dealt
# with, and most therapists meet fortnightly.
SAFETY_REMEMBERED_DAYS = 14


class FollowUp(models.Model):
    """One thing a clinician did about an alert. Anything but "could not reach" resolves it."""

    clinic_lookup = "alert__client__clinic"

    class Action(models.TextChoices):
        CONTACTED = "contacted", _("Contacted the client")
        PLAN_REVIEWED = "plan_reviewed", _("Reviewed the safety plan with the client")
        COULD_NOT_REACH = "could_not_reach", _("Tried, could not reach the client")
        OTHER = "other", _("Other (say what in the note)")

    # An attempt that did not reach the client leaves the alert open.
    RESOLVING = frozenset({Action.CONTACTED, Action.PLAN_REVIEWED, Action.OTHER})

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="follow_ups")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(_("what was done"), max_length=20, choices=Action.choices)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["contacted", "plan_reviewed", "could_not_reach", "other"]),
                name="follow_up_action_valid",
            ),
        ]
        indexes = [models.Index(fields=["alert", "at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d %H:%M})"

    @property
    def resolves(self) -> bool:
        return self.action in self.RESOLVING


class SafetyPlan(models.Model):
    """A client's plan for a crisis, written with their therapist, in the standard
    sections of safety planning. Every section is the client's own words, encrypted."""

    clinic_lookup = "client__clinic"

    # (field, heading the client reads, prompt the therapist sees while writing)
    SECTIONS = [
        (
            "warning_signs",
            _("My warning signs"),
            _("Thoughts, feelings, situations that tell me a crisis may be coming."),
        ),
        (
            "coping_alone",
            _("Things I can do on my own"),
            _("What helps me take my mind off things without contacting anyone."),
        ),
        (
            "distractions",
            _("People and places that take my mind off things"),
            _("Company and settings that help me feel a little better."),
        ),
        (
            "people_to_ask",
            _("People I can ask for help"),
            _("Names and numbers of people I can tell how I am."),
        ),
        (
            "professionals",
            _("Professionals and crisis lines"),
            _("My therapist, the clinic, other services, crisis lines."),
        ),
        (
            "safer_surroundings",
            _("Making my surroundings safer"),
            _("What I can put away or keep at a distance when things get hard."),
        ),
        (
            "reasons_for_living",
            _("What matters to me and is worth living for"),
            _("People, hopes, things I care about."),
        ),
    ]

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="safety_plan")
    warning_signs = EncryptedTextField(blank=True)
    coping_alone = EncryptedTextField(blank=True)
    distractions = EncryptedTextField(blank=True)
    people_to_ask = EncryptedTextField(blank=True)
    professionals = EncryptedTextField(blank=True)
    safer_surroundings = EncryptedTextField(blank=True)
    reasons_for_living = EncryptedTextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("safety plan")

    def __str__(self) -> str:
        return f"Safety plan {self.client_id}"

    def sections(self) -> list[tuple[str, str, str]]:
        """(field, heading, text) of the sections that have something written."""
        return [
            (name, heading, getattr(self, name))
            for name, heading, _prompt in self.SECTIONS
            if getattr(self, name).strip()
        ]

    @property
    def is_empty(self) -> bool:
        return not self.sections()
