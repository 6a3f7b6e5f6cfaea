"""The weekly digest e-mail, written when it is sent (see clinic/outbox)."""

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from clinic.outbox import kinds
from clinic.outbox.models import OutboxMessage

from .models import TherapistDigest

DIGEST = "weekly_digest"


def digest_render(message: OutboxMessage) -> EmailMessage:
    """Counts and a link, never a name or anything a client said."""
    digest = TherapistDigest.objects.get(pk=message.object_id)
    facts = {
        "name": message.recipient.get_short_name(),
        "summaries": digest.summaries,
        "week": formats.date_format(digest.week_start, "j F Y"),
        "attention": digest.needing_attention,
        "link": settings.SITE_URL + reverse("summaries"),
    }
    ready = ngettext(
        "%(summaries)s weekly summary for the week of %(week)s is ready.",
        "%(summaries)s weekly summaries for the week of %(week)s are ready.",
        digest.summaries,
    )
    attention = ngettext(
        "%(attention)s of your clients may need attention.",
        "%(attention)s of your clients may need attention.",
        digest.needing_attention,
    )
    # Whole sentences, each translated on its own, in the order every language keeps.
    paragraphs = [_("Hello %(name)s,"), f"{ready} {attention}", _("Read them: %(link)s")]
    body = "\n\n".join(paragraphs) % facts + "\n"
    return EmailMessage(_("Your weekly summaries are ready"), body)


def digest_delivered(message: OutboxMessage, sent_at: datetime) -> None:
    TherapistDigest.objects.filter(pk=message.object_id).update(sent_at=sent_at)


kinds.register(
    DIGEST,
    label=gettext_lazy("Weekly summaries ready"),
    priority=OutboxMessage.Priority.ROUTINE,
    render=digest_render,
    delivered=digest_delivered,
)
