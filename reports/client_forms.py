"""The therapist's forms for managing a client: details and wording, discharge."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import DischargeReason, FocusArea
from clients.wording import default_word_for
from clinic.time_zones import TimeZoneField


class ClientEditForm(forms.Form):
    label = forms.CharField(
        label=_("Label"), max_length=80, help_text=_("How the clinic refers to this client.")
    )
    time_zone = TimeZoneField()
    focus_areas = forms.MultipleChoiceField(
        label=_("Focus areas"),
        choices=FocusArea.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_person = forms.CharField(
        label=_("Words for the other person"),
        max_length=60,
        required=False,
        help_text=_(
            "The questions say “your …” with this word: ex, husband, father, mother. "
            "Empty: the focus area's default."
        ),
    )

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].first = client.clinic.time_zone
        default = default_word_for(client.focus_areas or [])
        if default:
            self.fields["other_person"].widget.attrs["placeholder"] = default


class DischargeForm(forms.Form):
    discharged_on = forms.DateField(
        label=_("Discharged on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=DischargeReason.choices)
