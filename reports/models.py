"""Weekly summaries: one per client per clinic week, built by Celery."""

from django.db import models
from django.utils import timezone

from clients.models import Client
from clinic.models import Therapist


class WeeklySummary(models.Model):
    """A client's week: the figures of the metrics module, the change from the week
    before, a short digest in plain words, and flags. Built again, it is replaced."""

    clinic_lookup = "client__clinic"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="weekly_summaries")
    week_start = models.DateField(help_text="Monday of the clinic's week.")
    figures = models.JSONField(default=dict)
    digest = models.TextField()
    flags = models.JSONField(default=list)
    needs_attention = models.BooleanField(default=False)
    generated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "week_start"], name="weekly_summary_one_per_client_week"
            )
        ]

    def __str__(self) -> str:
        return f"Week of {self.week_start:%Y-%m-%d}"


class TherapistDigest(models.Model):
    """That a therapist was told a week's summaries are ready: sent once."""

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="digests")
    week_start = models.DateField()
    summaries = models.PositiveIntegerField()
    needing_attention = models.PositiveIntegerField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["therapist", "week_start"], name="therapist_digest_one_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"Digest of the week of {self.week_start:%Y-%m-%d}"
