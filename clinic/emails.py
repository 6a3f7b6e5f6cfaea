"""The password-reset e-mail, written when it is sent (see clinic/outbox)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy

from .outbox import kinds
from .outbox.models import OutboxMessage

PASSWORD_RESET = "password_reset"  # noqa: S105  (the name of a kind of e-mail)


def password_reset_render(message: OutboxMessage) -> EmailMessage | None:
    """A link to choose a new password. It says only that a reset was asked for this
    address: no clinic, no treatment, no client. Not sent if the account can no longer
    reset (its password made unusable since)."""
    user = message.recipient
    if not user.has_usable_password():
        return None
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    context = {
        "link": settings.SITE_URL
        + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}),
        "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
    }
    subject = render_to_string("registration/password_reset_subject.txt", context)
    body = render_to_string("registration/password_reset_email.txt", context)
    return EmailMessage(" ".join(subject.split()), body)


kinds.register(
    PASSWORD_RESET,
    label=gettext_lazy("Password reset"),
    priority=OutboxMessage.Priority.ACCOUNT,
    render=password_reset_render,
)
