"""A lease shorter than a slow send would let a second worker send the same e-mail."""

from django.conf import settings
from django.core import checks

SMTP_STEPS = 8  # connect, greeting, EHLO, STARTTLS, login, MAIL, RCPT, DATA: each may wait


@checks.register(checks.Tags.compatibility)
def lease_outlasts_a_slow_send(app_configs, **kwargs):
    slowest_send = SMTP_STEPS * settings.EMAIL_TIMEOUT
    if settings.OUTBOX_LEASE.total_seconds() >= slowest_send:
        return []
    return [
        checks.Warning(
            f"OUTBOX_LEASE_SECONDS ({int(settings.OUTBOX_LEASE.total_seconds())}) is shorter "
            f"than a send can take ({SMTP_STEPS} x EMAIL_TIMEOUT = {slowest_send} s).",
            hint="Raise OUTBOX_LEASE_SECONDS or lower EMAIL_TIMEOUT, or an e-mail whose "
            "sending is slow may be sent twice.",
            id="outbox.W001",
        )
    ]
