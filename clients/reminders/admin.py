"""Reminders in the admin: the clinic's defaults, on the clinic's own page.

A person's choices and a therapist's plan for a client are made on their pages (and the
unsubscribe link); the admin does not list them.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.emdr.admin import EmdrSettingsFormSet
from clinic.admin_scope import ClinicScopedInline

from .forms import hour_in_quiet_error, inside_quiet
from .models import ClinicReminderSettings
from .registry import CLIENT, every_kind


def _kind_choices() -> list[tuple[str, str]]:
    """Every registered kind that is on by default, read when the form is drawn (kinds
    register at start-up): one off by default anyway is off whether ticked or not."""
    return [
        (
            kind.name,
            (_("Clients: %(label)s") if kind.audience == CLIENT else _("Therapists: %(label)s"))
            % {"label": kind.label},
        )
        for kind in every_kind()
        if kind.default_on
    ]


class ClinicReminderSettingsForm(forms.ModelForm):
    kinds_off = forms.MultipleChoiceField(
        label=_("Reminders off by default"),
        choices=_kind_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Nobody in the clinic gets these unless a therapist turns them on for a client, "
            "or a person turns them on for themselves."
        ),
    )

    class Meta:
        model = ClinicReminderSettings
        fields = [
            "kinds_off",
            "daily_hour",
            "quiet_from",
            "quiet_until",
            "silence_days",
            "grace_hours",
        ]

    def clean(self):
        data = super().clean()
        hour, start, end = (data.get(name) for name in ("daily_hour", "quiet_from", "quiet_until"))
        if None not in (hour, start, end) and inside_quiet(hour, start, end):
            self.add_error("daily_hour", hour_in_quiet_error(hour, start, end, clinic=True))
        return data


class ReminderSettingsFormSet(EmdrSettingsFormSet):
    """As the EMDR section: a clinic page sent without this section (a form from before it
    existed) keeps the settings as they are."""


class ClinicReminderSettingsInline(ClinicScopedInline):
    """On the clinic's page. Without a row the defaults apply; a page left unchanged
    stores none."""

    model = ClinicReminderSettings
    form = ClinicReminderSettingsForm
    formset = ReminderSettingsFormSet
    template = "admin/edit_inline/stacked.html"
    can_delete = False
    max_num = 1
    extra = 1
    verbose_name = _("reminders")
    verbose_name_plural = _("reminders")
