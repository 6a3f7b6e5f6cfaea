"""The invitation e-mail, written when it is sent (see clinic/outbox)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic.outbox import kinds
from clinic.outbox.models import OutboxMessage

INVITATION = "invitation"


def invitation_render(message: OutboxMessage) -> EmailMessage | None:
    """Who invites and a link; nothing about health or treatment. Not needed once the
    client has chosen a password."""
    user = message.recipient
    if user.has_usable_password():
        return None
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    facts = {
        "clinic": user.clinic.name,
        "link": settings.SITE_URL
        + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}),
    }
    body = _(
        "Hello,\n\n"
        "%(clinic)s has created an account for you in their progress dashboard.\n\n"
        "Choose your password here (the link works once): %(link)s\n\n"
        "If you did not expect this e-mail, you can ignore it.\n"
    )
    return EmailMessage(_("Your account at %(clinic)s") % facts, body % facts)


kinds.register(
    INVITATION,
    label=gettext_lazy("Invitation"),
    priority=OutboxMessage.Priority.ACCOUNT,
    render=invitation_render,
)
