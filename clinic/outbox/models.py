"""An e-mail the product owes someone, kept until it is sent.

The row is written in the same transaction as what it is about (the alert, the
invitation, the digest), so a committed write always has its e-mail owed. Sending is
claimed with a lease: a worker that dies while holding one leaves a claim that runs out
and is taken again by the next sweep. The row holds ids, never the text: the e-mail is
written at the moment it is sent, from what the database says then.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.models import Clinic, User

# Kinds given longer than OUTBOX_LATE_AFTER before they count as late, filled as kinds
# register (kinds.py): reminders, whose morning batch takes a while to go out.
LATE_AFTER: dict[str, timedelta] = {}


def late_cutoff(now: datetime | None = None) -> datetime:
    """What was owed before this is late (OUTBOX_LATE_AFTER): on /healthz, in the admin
    and, for its recipient, on the caseload."""
    return (now or timezone.now()) - settings.OUTBOX_LATE_AFTER


class OutboxQuerySet(models.QuerySet):
    def pending(self):
        """Owed: neither sent nor dropped."""
        return self.filter(sent_at__isnull=True, dropped_at__isnull=True)

    def late(self, now: datetime | None = None):
        now = now or timezone.now()
        late = Q(created_at__lte=late_cutoff(now)) & ~Q(kind__in=list(LATE_AFTER))
        for name, after in LATE_AFTER.items():
            late |= Q(kind=name, created_at__lte=now - after)
        return self.pending().filter(late)


class OutboxMessage(models.Model):
    clinic_lookup = "clinic"

    class Priority(models.IntegerChoices):
        SAFETY = 0, _("Safety")
        ACCOUNT = 1, _("Account")
        ROUTINE = 2, _("Routine")

    kind = models.CharField(_("kind"), max_length=40)
    # What makes it once: a second request for the same e-mail finds this row.
    key = models.CharField(_("key"), max_length=150, unique=True)
    object_id = models.PositiveBigIntegerField(_("about record"), null=True, blank=True)
    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    clinic = models.ForeignKey(
        Clinic,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("clinic"),
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    created_at = models.DateTimeField(_("owed since"), default=timezone.now)
    send_after = models.DateTimeField(_("next try not before"), default=timezone.now)
    expires_at = models.DateTimeField(_("not sent after"), null=True, blank=True)
    lease_until = models.DateTimeField(_("claimed by a worker until"), null=True, blank=True)
    lease_token = models.UUIDField(_("claim"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    # The class of the last error only: an exception's text can carry an address.
    last_error = models.CharField(_("last error"), max_length=80, blank=True)
    # Set just before the mail server is given the e-mail: found set on a claim taken over
    # from a worker that died, it says the e-mail may have gone out (see kinds.Kind).
    handed_at = models.DateTimeField(_("handed to the mail server at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    dropped_at = models.DateTimeField(_("not needed since"), null=True, blank=True)
    drop_reason = models.CharField(_("why not sent"), max_length=40, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["priority", "created_at"],
                condition=Q(sent_at__isnull=True, dropped_at__isnull=True),
                name="outbox_pending",
            ),
            models.Index(fields=["recipient", "created_at"], name="outbox_recipient"),
            # The reminder planner's look at what it owed in the last days (clients/reminders).
            models.Index(fields=["kind", "created_at"], name="outbox_kind_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(dropped_at__isnull=True),
                name="outbox_sent_or_dropped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    def is_late(self, now: datetime | None = None) -> bool:
        pending = self.sent_at is None and self.dropped_at is None
        after = LATE_AFTER.get(self.kind)
        cutoff = (now or timezone.now()) - after if after else late_cutoff(now)
        return pending and self.created_at <= cutoff


class Heartbeat(models.Model):
    """When a periodic job last ran (the outbox's sweep): a beat that stopped is otherwise
    silent, and with it every late e-mail and every escalation."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
