from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clients.models import Assignment, FocusArea
from clinic.models import Session
from clinic.time_zones import TimeZoneField

from . import windows


class WindowForm(forms.Form):
    window = forms.ChoiceField(choices=list(windows.CHOICES.items()), required=False)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class AssignForm(forms.Form):
    exercise = forms.ModelChoiceField(queryset=None)
    schedule = forms.ChoiceField(choices=Assignment.Schedule.choices)
    times_per_week = forms.IntegerField(
        min_value=1, max_value=7, required=False, label="Times per week"
    )
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Starts on")
    ends_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Ends on"
    )
    note_to_client = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note to client",
    )

    def __init__(self, *args, library, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exercise"].queryset = library

    def clean(self):
        data = super().clean()
        if data.get("schedule") != Assignment.Schedule.WEEKLY:
            data["times_per_week"] = None  # the box only matters for "times per week"
        elif not data.get("times_per_week"):
            self.add_error("times_per_week", "Say how many times a week (1-7).")
        return data


def errors_in_words(form: forms.Form) -> str:
    """Form errors as a sentence a therapist can read: labels, not field names."""
    parts = []
    for name, problems in form.errors.items():
        label = form.fields[name].label or name.replace("_", " ") if name in form.fields else ""
        text = " ".join(problems)
        parts.append(f"{label}: {text}" if label else text)
    return "; ".join(parts)


def refusal_in_words(error: ValidationError) -> str:
    """A service's refusal as one message: its sentences, without field names."""
    return " ".join(problem for problems in error.message_dict.values() for problem in problems)


class AssignmentStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Assignment.Status.choices)


class SessionForm(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=_("Day"))
    at = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label=_("Time"))
    duration_minutes = forms.IntegerField(
        min_value=5, max_value=480, initial=50, label=_("Minutes")
    )
    mode = forms.ChoiceField(choices=Session.Mode.choices, label=_("Where"))
    video_link = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        # A plain box: the browser's URL box refuses "meet.example/room" without a word,
        # while the server reads it as https://meet.example/room.
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}),
        label=_("Video link"),
        help_text=_("For a virtual session: the client sees it with the session."),
    )
    took_place = forms.BooleanField(
        required=False,
        label=_("It already took place (record it as held)"),
    )

    def clean(self):
        data = super().clean()
        if data.get("mode") != Session.Mode.VIRTUAL and data.get("video_link"):
            self.add_error("video_link", _("Only a virtual session has a video link."))
        return data


class SessionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Session.Status.choices)
    undo = forms.BooleanField(required=False)


class NewClientForm(forms.Form):
    label = forms.CharField(max_length=80, help_text="How the clinic refers to this client.")
    email = forms.EmailField(help_text="The invitation to set a password goes here.")
    time_zone = TimeZoneField(label=_("Time zone"))
    focus_areas = forms.MultipleChoiceField(
        choices=FocusArea.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, default_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        # The clinic's zone first, and already filled in: most clients live where it is.
        self.fields["time_zone"].first = default_zone
        self.fields["time_zone"].initial = default_zone
