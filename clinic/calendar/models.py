from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    """A person's private calendar address. Only a hash of its secret is kept: the secret is
    shown once, so a lost address is renewed, not looked up.

    One row per person: renewing replaces the hash (the old address stops working at
    once), revoking stamps ``revoked_at``. The audit trail keeps each change.
    """

    clinic_lookup = "user__clinic"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the secret in the address, in hex."
    )
    show_labels = models.BooleanField(
        _("show client labels"),
        default=False,
        help_text=_("A therapist's feed names each session's client by their label."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")

    def __str__(self) -> str:
        return f"Calendar feed of user {self.user_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
