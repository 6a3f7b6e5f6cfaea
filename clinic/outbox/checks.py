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


@checks.register(checks.Tags.security, deploy=True)
def e_mail_links_point_at_the_site(app_configs, **kwargs):
    """Links in e-mails are written by the worker from SITE_URL: left at the development
    default, a therapist's alert e-mail would point at their own computer."""
    if settings.DEBUG or not any(
        local in settings.SITE_URL for local in ("127.0.0.1", "localhost", "[::1]")
    ):
        return []
    return [
        checks.Warning(
            f"SITE_URL is {settings.SITE_URL}: links in e-mails (an alert waits, an "
            "invitation) would not reach the dashboard.",
            hint="Set SITE_URL to the address people open, e.g. https://dashboard.example.org, "
            "for the web server and every worker.",
            id="outbox.W002",
        )
    ]
