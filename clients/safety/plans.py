"""The client's safety plan: written by the therapist with the client, read by both.

The plan holds the client's own words, so it is read through the client (whose scope
the caller has already checked) and written in one transaction.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import TEXT_MAX_CHARS, Client
from clinic.models import User

from .models import SafetyPlan

SECTION_NAMES = tuple(name for name, _heading, _prompt in SafetyPlan.SECTIONS)


def safety_plan_for(*, client: Client) -> SafetyPlan | None:
    """The client's plan, or None when none has been written yet."""
    return SafetyPlan.objects.filter(client=client).first()


def _clean(sections: dict[str, str]) -> dict[str, str]:
    unknown = set(sections) - set(SECTION_NAMES)
    if unknown:
        raise TypeError(f"Not sections of a safety plan: {', '.join(sorted(unknown))}")
    errors = {
        name: _("A section holds at most %(limit)s characters; this one has %(n)s.")
        % {"limit": TEXT_MAX_CHARS, "n": len(text)}
        for name, text in sections.items()
        if len(text) > TEXT_MAX_CHARS
    }
    if errors:
        raise ValidationError(errors)
    return {name: text.replace("\r\n", "\n") for name, text in sections.items()}


@transaction.atomic
def safety_plan_save(*, client: Client, by: User, **sections: str) -> SafetyPlan:
    """Write the client's safety plan: the sections given replace what was there.
    Sections not named keep their text (or start blank on a new plan)."""
    values = {**_clean(sections), "updated_by": by, "updated_at": timezone.now()}
    try:
        with transaction.atomic():
            plan, _created = SafetyPlan.objects.update_or_create(client=client, defaults=values)
    except IntegrityError:
        # Two first saves at the same moment: the other one created it; this one updates.
        plan, _created = SafetyPlan.objects.update_or_create(client=client, defaults=values)
    return plan
