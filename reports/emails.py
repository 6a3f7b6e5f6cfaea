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

from .models import TherapistDigest, WeeklySummary
from .summary_emdr import email_sentence as emdr_sentence
from .summary_measures import add_up, measures_sentence

DIGEST = "weekly_digest"


def _counts(digest: TherapistDigest) -> list[str]:
    """The week's outcome measures and EMDR work across the therapist's clients, as counts
    only (never a score, an instrument or a disturbance). Added up from the summaries as the
    e-mail is written: the digest's own row has no place for them, and a week built again
    gives the same counts."""
    rows = list(
        WeeklySummary.objects.filter(
            client__primary_therapist_id=digest.therapist_id, week_start=digest.week_start
        ).values_list("figures", flat=True)
    )
    sentence = measures_sentence(
        add_up([(figures or {}).get("measures") or {} for figures in rows])
    )
    measures = _("Across your clients: %(measures)s") % {"measures": sentence} if sentence else ""
    return [measures, emdr_sentence(rows)]


def digest_render(message: OutboxMessage) -> EmailMessage:
    """Counts and a link, never a name, a score or anything a client said."""
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
    paragraphs = [
        _("Hello %(name)s,") % facts,
        f"{ready} {attention}" % facts,
        *_counts(digest),
        _("Read them: %(link)s") % facts,
    ]
    body = "\n\n".join(paragraph for paragraph in paragraphs if paragraph) + "\n"
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
