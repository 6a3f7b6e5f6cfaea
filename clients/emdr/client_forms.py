"""The client's TICES log form: what stirred them up, in a plain HTML form for a phone.

The form checks what a browser can get wrong (a missing answer, a number out of range, a
time in the future); ``services.tices_prepare`` stays the one place that decides what
may be stored (the clinic's vocabulary, a target shown to this client).
"""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import TEXT_MAX_CHARS, EmotionLabel

from .models import SUD, Target

TEXT_MAX = TEXT_MAX_CHARS
WHEN_FORMAT = "%Y-%m-%dT%H:%M"


def when_value(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as a ``datetime-local`` input shows it, in the client's zone."""
    return moment.astimezone(zone).strftime(WHEN_FORMAT)


class TicesForm(forms.Form):
    client_uuid = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This form was not complete (client_uuid). Please send it again."),
            "invalid": _("This form was not complete (client_uuid). Please send it again."),
        },
    )
    trigger = forms.CharField(
        label=_("What stirred you up?"),
        help_text=_(
            "Where you were, what happened, what you saw or heard. A few words are enough."
        ),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please write a few words about what stirred you up.")},
    )
    image = forms.CharField(
        label=_("Image: what picture stays with you?"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    cognition = forms.CharField(
        label=_("Thought: what did it make you believe about yourself?"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    emotions = forms.MultipleChoiceField(
        label=_("Feelings: which were there? Choose any that fit, even roughly."),
        required=False,
        error_messages={"invalid_choice": _("Choose feelings from the list.")},
    )
    sensation = forms.CharField(
        label=_("Body: where did you feel it, and how?"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    disturbance = forms.TypedChoiceField(
        label=_("How disturbing was it, from 0 to 10?"),
        choices=[(value, str(value)) for value in range(SUD[0], SUD[1] + 1)],
        coerce=int,
        error_messages={
            "required": _("Please choose how disturbing it was, from 0 to 10, even roughly."),
            "invalid_choice": _("Disturbance is a number from 0 to 10."),
        },
    )
    occurred_at = forms.DateTimeField(
        label=_("When did it happen?"),
        input_formats=[WHEN_FORMAT, "%Y-%m-%dT%H:%M:%S"],
        error_messages={
            "required": _("Please give the day and time it happened, even roughly."),
            "invalid": _("Please give the day and time it happened, even roughly."),
        },
    )
    target = forms.TypedChoiceField(
        label=_("Does it touch one of the memories you work on with your therapist?"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose one of the memories listed, or none.")},
    )

    def __init__(
        self,
        *args,
        labels: list[EmotionLabel],
        targets: list[Target],
        zone: ZoneInfo,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["emotions"].choices = [(label.code, label.name) for label in labels]
        # Only the labels the therapist shows the client; any other id is refused.
        self.fields["target"].choices = [("", _("None of these, or not sure"))] + [
            (target.pk, target.label) for target in targets
        ]

    @classmethod
    def blank(cls, *, labels, targets, zone: ZoneInfo) -> "TicesForm":
        """A new form: its own client_uuid, and the time set to now in the client's zone."""
        initial = {
            "client_uuid": str(uuid.uuid4()),
            "occurred_at": when_value(timezone.now(), zone),
        }
        return cls(labels=labels, targets=targets, zone=zone, initial=initial)

    def full_clean(self):
        # A time typed without a zone is the client's, wherever the server is.
        with timezone.override(self.zone):
            super().full_clean()

    def clean_occurred_at(self) -> datetime:
        moment = self.cleaned_data["occurred_at"]
        now = timezone.now()
        # The same window as a check-in and as the API (a phone's clock may run a little ahead).
        if moment > now + settings.CHECK_IN_MAX_FUTURE:
            raise forms.ValidationError(_("This is later than now. When did it happen?"))
        if moment < now - settings.CHECK_IN_MAX_AGE:
            raise forms.ValidationError(
                _("This is more than %(days)d days ago. Please check the date.")
                % {"days": settings.CHECK_IN_MAX_AGE.days}
            )
        return moment

    def clean_emotions(self) -> list[str]:
        return list(dict.fromkeys(self.cleaned_data["emotions"]))  # a double tick is one

    def anchor(self, name: str) -> str:
        """Where a link to a field's error lands: the field, or its first choice."""
        if name == "disturbance":
            return "disturbance-0"
        if name == "emotions":
            first = next(iter(self.fields["emotions"].choices), None)
            return f"emotion-{first[0]}" if first else ""
        if name == "client_uuid":
            return ""
        return f"id_{name}"

    @property
    def error_links(self) -> list[tuple[str, str, str]]:
        """Each field's error as (anchor, question, message), in the form's order."""
        return [
            (self.anchor(name), str(self.fields[name].label or ""), " ".join(self.errors[name]))
            for name in self.fields
            if name in self.errors
        ]

    @property
    def has_targets(self) -> bool:
        return len(self.fields["target"].choices) > 1

    @property
    def chosen_emotions(self) -> list[str]:
        """The feelings ticked, to tick them again when the form comes back with an error."""
        if not self.is_bound:
            return []
        return self.data.getlist("emotions")

    @property
    def chosen_target(self) -> str:
        return str(self.data.get("target", "")) if self.is_bound else ""

    def service_arguments(self) -> dict:
        """The cleaned answers as ``services.tices_prepare`` takes them."""
        data = self.cleaned_data
        return {
            "occurred_at": data["occurred_at"],
            "trigger": data["trigger"],
            "image": data["image"],
            "cognition": data["cognition"],
            "sensation": data["sensation"],
            "emotions": data["emotions"],
            "disturbance": data["disturbance"],
            "target_id": data["target"],
        }
