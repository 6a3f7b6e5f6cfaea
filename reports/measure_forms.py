"""The therapist's measure forms: a schedule, and a paper form entered for the client."""

import uuid
from datetime import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.measures.instruments.definition import Instrument, Item
from clients.measures.models import Cadence
from clients.measures.scoring import answer_errors

DATE = forms.DateInput(attrs={"type": "date"})


class ScheduleForm(forms.Form):
    """One instrument's schedule; ``instruments`` are the ones the clinic has on."""

    instrument = forms.ChoiceField(label=gettext_lazy("Measure"))
    cadence = forms.ChoiceField(choices=Cadence.choices, label=gettext_lazy("When"))
    starts_on = forms.DateField(
        required=False,
        widget=DATE,
        label=gettext_lazy("From"),
        help_text=gettext_lazy("Today if empty."),
    )
    ends_on = forms.DateField(
        required=False,
        widget=DATE,
        label=gettext_lazy("Until"),
        help_text=gettext_lazy("Empty: until stopped."),
    )

    def __init__(self, *args, instruments: list[Instrument], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [(each.code, each.name) for each in instruments]


def item_field_name(item: Item) -> str:
    return f"item_{item.code}"


def _answer_field(label: str, options) -> forms.TypedChoiceField:
    # Not required here: a missing answer is named by the scoring rules themselves
    # ("Answer item 3."), the same words the app's API gives.
    return forms.TypedChoiceField(
        label=label,
        choices=[(option.value, f"{option.text} ({option.value})") for option in options],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class PaperResponseForm(forms.Form):
    """Every item of one instrument with its published options, and when the client
    filled it in. Times are typed in the clinic's zone: validate inside
    ``timezone.override`` of that zone."""

    instrument = forms.CharField(widget=forms.HiddenInput)
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    completed_at = forms.DateTimeField(
        label=gettext_lazy("Filled in on"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, instrument: Instrument, now_here: datetime, **kwargs):
        """``now_here`` is the current wall-clock time in the clinic's zone (the default)."""
        kwargs.setdefault("auto_id", f"id_{instrument.code}_%s")
        kwargs.setdefault(
            "initial",
            {
                "instrument": instrument.code,
                "client_uuid": uuid.uuid4(),
                "completed_at": now_here.replace(second=0, microsecond=0, tzinfo=None),
            },
        )
        super().__init__(*args, **kwargs)
        self.definition = instrument
        for item in instrument.items:
            label = _("%(code)s. %(text)s") % {"code": item.code, "text": item.text}
            self.fields[item_field_name(item)] = _answer_field(label, instrument.options_for(item))
        if instrument.difficulty is not None:
            self.fields["difficulty"] = _answer_field(
                instrument.difficulty.text, instrument.difficulty_options
            )

    def sections(self) -> list[tuple[str, list]]:
        """The items under the stem each is asked under, as the paper form has them."""
        grouped: list[tuple[str, list]] = []
        for item in self.definition.items:
            stem = self.definition.sections.get(item.section, "")
            if not grouped or grouped[-1][0] != stem:
                grouped.append((stem, []))
            grouped[-1][1].append(self[item_field_name(item)])
        return grouped

    def clean_instrument(self):
        if self.cleaned_data["instrument"] != self.definition.code:
            raise forms.ValidationError(_("This form is for another measure."))
        return self.definition.code

    def clean_completed_at(self):
        value = self.cleaned_data["completed_at"]
        now = timezone.now()
        if value > now + settings.CHECK_IN_MAX_FUTURE:
            raise forms.ValidationError(_("This time is in the future."))
        if value < now - settings.CHECK_IN_MAX_AGE:
            raise forms.ValidationError(
                _("This is more than %(days)d days ago.") % {"days": settings.CHECK_IN_MAX_AGE.days}
            )
        return value

    def clean(self):
        data = super().clean()
        fields = {item.code: item_field_name(item) for item in self.definition.items}
        for code, problems in answer_errors(self.definition, self.answers).items():
            name = fields.get(code)
            if name is not None and self.has_error(name):
                continue  # not one of the options: its field says so already
            for problem in problems:
                self.add_error(name, problem)
        return data

    @property
    def answers(self) -> dict[str, int]:
        data = getattr(self, "cleaned_data", {})
        return {
            item.code: data[item_field_name(item)]
            for item in self.definition.items
            if data.get(item_field_name(item)) is not None
        }

    @property
    def difficulty_answer(self) -> int | None:
        return getattr(self, "cleaned_data", {}).get("difficulty")

    def missing_items(self) -> list[str]:
        """The codes of the items left unanswered, for the sentence above the form."""
        return [
            item.code
            for item in self.definition.items
            if item_field_name(item) in self.errors
            and self.data.get(self.add_prefix(item_field_name(item))) in (None, "")
        ]
