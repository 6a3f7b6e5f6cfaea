"""The forms of the reminder pages: a person's own choices, and a therapist's for one client.

Hours are whole local hours in the person's own zone; an empty choice means the clinic's.
"""

from datetime import time, timedelta

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ClientReminderPlan, ClinicReminderSettings, ReminderPreference
from .registry import ReminderKind

SILENCE_DAYS_MAX = 60
PAUSES = {
    "1": timedelta(days=1),
    "3": timedelta(days=3),
    "7": timedelta(days=7),
    "14": timedelta(days=14),
}
CLINIC = "clinic"
OWN = "own"
DEFAULT = "default"
ON = "on"
OFF = "off"
DAYS = "days"


def hour_words(hour: int) -> str:
    return time(hour).strftime("%H:%M")


def quiet_words(start: time, end: time) -> str:
    """Quiet hours in words; the same time for both ends means none at all."""
    if start == end:
        return _("None")
    return f"{start.strftime('%H:%M')}–{end.strftime('%H:%M')}"


def inside_quiet(hour: int, start: time, end: time) -> bool:
    """Whether a reminder due at ``hour`` falls in quiet hours from ``start`` to ``end``
    (across midnight when start > end; none when they are equal), as ``QuietHours.holds``
    reads a moment: the start is inside, the end is not."""
    if start == end or not 0 <= hour <= 23:  # no quiet hours; no hour (refused elsewhere)
        return False
    at = time(hour)
    if start < end:
        return start <= at < end
    return at >= start or at < end


def hour_in_quiet_error(hour: int, start: time, end: time, *, clinic: bool = False) -> str:
    facts = {"hours": quiet_words(start, end)}
    if clinic:
        return (
            _(
                "This hour is inside the clinic's quiet hours (%(hours)s): a reminder would "
                "wait until they end."
            )
            % facts
        )
    return (
        _("This hour is inside your quiet hours (%(hours)s): a reminder would wait until they end.")
        % facts
    )


def kind_field(kind: ReminderKind) -> str:
    return f"kind_{kind.name}"


class _TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self):
        super().__init__(format="%H:%M")


class PreferencesForm(forms.Form):
    """Which kinds, at which hour, quiet hours of one's own or the clinic's. A kind the
    therapist turned off for this client is shown, unchangeable."""

    daily_hour = forms.TypedChoiceField(
        label=gettext_lazy("Daily reminders arrive at"),
        coerce=int,
        empty_value=None,
        required=False,
    )
    quiet = forms.ChoiceField(
        label=gettext_lazy("Quiet hours: no reminder arrives in them"),
        widget=forms.RadioSelect,
    )
    quiet_from = forms.TimeField(
        label=gettext_lazy("Quiet from"), required=False, widget=_TimeInput()
    )
    quiet_until = forms.TimeField(
        label=gettext_lazy("Quiet until"), required=False, widget=_TimeInput()
    )

    def __init__(
        self,
        *args,
        kinds: list[ReminderKind],
        on: frozenset[str],
        locked: set[str],
        settings: ClinicReminderSettings,
        preference: ReminderPreference,
        **kwargs,
    ):
        own_quiet = preference.quiet_from is not None
        kwargs.setdefault(
            "initial",
            {
                "daily_hour": preference.daily_hour if preference.daily_hour is not None else "",
                "quiet": OWN if own_quiet else CLINIC,
                "quiet_from": preference.quiet_from,
                "quiet_until": preference.quiet_until,
            },
        )
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        self.locked = locked
        self.on = on
        self.settings = settings
        self.preference = preference
        for kind in kinds:
            name = kind_field(kind)
            self.fields[name] = forms.BooleanField(
                label=kind.label,
                help_text=kind.help,
                required=False,
                initial=kind.name in on,
                disabled=kind.name in locked,
            )
        self.fields["daily_hour"].choices = [
            ("", _("Clinic default (%(hour)s)") % {"hour": hour_words(settings.daily_hour)}),
            *[(hour, hour_words(hour)) for hour in range(24)],
        ]
        clinic_quiet = quiet_words(settings.quiet_from, settings.quiet_until)
        self.fields["quiet"].choices = [
            (CLINIC, _("The clinic's: %(hours)s") % {"hours": clinic_quiet}),
            (OWN, _("My own, from and until the times below")),
        ]

    def kind_rows(self):
        """Each kind's checkbox with whether the therapist turned it off."""
        return [(self[kind_field(kind)], kind.name in self.locked) for kind in self.kinds]

    def quiet_now(self) -> str:
        """The quiet hours as saved (not as typed on this form), in words."""
        preference, settings = self.preference, self.settings
        own = preference.quiet_from is not None
        start, end = (
            (preference.quiet_from, preference.quiet_until)
            if own
            else (settings.quiet_from, settings.quiet_until)
        )
        if start == end:
            return _("None")
        words = {"hours": quiet_words(start, end)}
        return (_("%(hours)s (your own)") if own else _("%(hours)s (the clinic's)")) % words

    def clean(self):
        data = super().clean()
        if data.get("quiet") != OWN:
            # The clinic's quiet hours (or no valid choice): whatever times were typed for
            # one's own are ignored, even a time that is not one.
            for name in ("quiet_from", "quiet_until"):
                self.errors.pop(name, None)
                data[name] = None
            self._check_hour(data, self.settings.quiet_from, self.settings.quiet_until)
            return data
        start, end = data.get("quiet_from"), data.get("quiet_until")
        if self.errors.keys() & {"quiet_from", "quiet_until"}:
            return data
        missing = _("Give both times, or choose the clinic's quiet hours.")
        if start is None:
            self.add_error("quiet_from", missing)
        elif end is None:
            self.add_error("quiet_until", missing)
        else:
            self._check_hour(data, start, end, own=True)
        return data

    def _check_hour(self, data: dict, start: time, end: time, *, own: bool = False) -> None:
        """A daily hour inside the quiet hours would only ever wait for them to end. The
        clinic's hour in the clinic's quiet hours is the clinic's to mend (its form refuses
        it), so that alone does not stop a person saving."""
        if "daily_hour" in self.errors or "quiet" in self.errors:
            return
        hour = data.get("daily_hour")
        if hour is None and not own:
            return
        if hour is None:
            hour = self.settings.daily_hour
        if inside_quiet(hour, start, end):
            self.add_error("daily_hour", hour_in_quiet_error(hour, start, end))

    def kinds_changed(self) -> dict[str, bool]:
        """The kinds whose box now differs from what the person got: only those become
        their own choice, so the rest keep following the clinic."""
        changed = {}
        for kind in self.kinds:
            if kind.name in self.locked:
                continue
            wanted = bool(self.cleaned_data.get(kind_field(kind)))
            if wanted != (kind.name in self.on):
                changed[kind.name] = wanted
        return changed

    def quiet_chosen(self) -> tuple[time, time] | None:
        if self.cleaned_data["quiet"] != OWN:
            return None
        return self.cleaned_data["quiet_from"], self.cleaned_data["quiet_until"]


class PauseForm(forms.Form):
    pause = forms.ChoiceField(
        label=gettext_lazy("Pause all reminders for"),
        choices=[
            ("1", gettext_lazy("1 day")),
            ("3", gettext_lazy("3 days")),
            ("7", gettext_lazy("1 week")),
            ("14", gettext_lazy("2 weeks")),
        ],
    )

    def length(self) -> timedelta:
        return PAUSES[self.cleaned_data["pause"]]


class PlanForm(forms.Form):
    """A therapist's changes for one client: each kind the clinic's way, on or off; the
    check-in nudge after the clinic's number of days, never, or after N days."""

    silence = forms.ChoiceField(
        label=gettext_lazy("Nudge after days without a check-in"), widget=forms.RadioSelect
    )
    # Read only when "after N days" is chosen (see clean()): a number left in the box is
    # ignored with the clinic's default or no nudge.
    silence_days = forms.IntegerField(
        label=gettext_lazy("Number of days"),
        min_value=1,
        max_value=SILENCE_DAYS_MAX,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(
        self,
        *args,
        kinds: list[ReminderKind],
        settings: ClinicReminderSettings,
        plan: ClientReminderPlan | None,
        read_only: bool = False,
        helps: dict[str, str] | None = None,
        **kwargs,
    ):
        chosen = (plan.kinds if plan else None) or {}
        initial = {kind_field(kind): _tri(chosen.get(kind.name)) for kind in kinds}
        days = plan.silence_days if plan else None
        initial["silence"] = DEFAULT if days is None else (OFF if days == 0 else DAYS)
        initial["silence_days"] = days or None
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            clinic_on = kind.default_on and kind.name not in (settings.kinds_off or [])
            default = _("Clinic default (on)") if clinic_on else _("Clinic default (off)")
            self.fields[kind_field(kind)] = forms.ChoiceField(
                label=kind.label,
                help_text=kind.help if helps is None else helps.get(kind.name, kind.label),
                choices=[(DEFAULT, default), (ON, _("On")), (OFF, _("Off"))],
                widget=forms.RadioSelect,
            )
        clinic_days = settings.silence_days
        self.fields["silence"].choices = [
            (
                DEFAULT,
                _("Clinic default (%(days)s)")
                % {"days": _("after %(n)d days") % {"n": clinic_days} if clinic_days else _("off")},
            ),
            (OFF, _("Off: no nudge")),
            (DAYS, _("After the number of days below")),
        ]
        # Everything on the form is a field of its own, side by side; move the days last.
        self.order_fields([kind_field(kind) for kind in kinds] + ["silence", "silence_days"])
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def kind_fields(self):
        return [self[kind_field(kind)] for kind in self.kinds]

    def clean(self):
        data = super().clean()
        if data.get("silence") != DAYS:
            # The clinic's default or no nudge: the days box is not read, whatever is in it.
            self.errors.pop("silence_days", None)
            data["silence_days"] = None
            return data
        if data.get("silence_days") is None and "silence_days" not in self.errors:
            self.add_error("silence_days", _("Give a number of days from 1 to 60."))
        return data

    def kinds_chosen(self) -> dict[str, bool | None]:
        values = {DEFAULT: None, ON: True, OFF: False}
        return {kind.name: values[self.cleaned_data[kind_field(kind)]] for kind in self.kinds}

    def silence_days_chosen(self) -> int | None:
        return {DEFAULT: None, OFF: 0}.get(
            self.cleaned_data["silence"], self.cleaned_data.get("silence_days")
        )


def _tri(value: bool | None) -> str:
    return DEFAULT if value is None else (ON if value else OFF)
