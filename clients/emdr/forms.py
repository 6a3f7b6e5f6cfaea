"""The therapist's EMDR forms: a target's set-up, its status, and a session's processing.

The forms read what was typed; the rules (a label used twice, resolved without the
numbers, a session not held) are the services'. Choices are built from lists the page
has already read, so that drawing a form costs no query of its own.
"""

import uuid

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from clients.models import TEXT_MAX_CHARS, EmotionLabel, Exercise, FocusArea

from .models import PLAN_ORDER_MAX, SETS_MAX, SUD, VOC, Phase, ProcessingRecord, Target
from .services import RECORD_FIELDS, TARGET_FIELDS

TARGET_FORM_FIELDS = TARGET_FIELDS
# The body scan and the exercise are drawn as choices of their own; the rest as they are.
RECORD_FORM_FIELDS = tuple(
    name for name in RECORD_FIELDS if name not in ("body_scan_clear", "calming_exercise")
)

SHORT_TEXT = forms.TextInput(attrs={"autocomplete": "off"})


def _text(label, help_text="", rows=3) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class NamedErrors:
    """The form's errors for the summary above it, each under the field's full name
    (a field shown in a group, "Start" under "SUD", is named "SUD at the start")."""

    full_labels: dict = {}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # as the sign-in page: "Label", not "Label:"
        super().__init__(*args, **kwargs)

    def error_items(self) -> list[tuple[str, str, list[str]]]:
        """(the id to link to, the field's name, its errors), in the form's order."""
        return [
            (field.auto_id, self.full_labels.get(field.name, field.label), list(field.errors))
            for field in self.visible_fields()
            if field.errors
        ]


def _worded(message, **values):
    """``message % values``, worded when shown, in the page's language."""
    return lazy(lambda: str(message) % values, str)()


def _rating(label, bounds: tuple[int, int]) -> forms.IntegerField:
    low, high = bounds
    # Short, to fit under a narrow box; the summary above the form names the field.
    within = _worded(_("From %(low)d to %(high)d."), low=low, high=high)
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=low,
        max_value=high,
        error_messages={
            "min_value": within,
            "max_value": within,
            "invalid": _worded(_("A whole number, from %(low)d to %(high)d."), low=low, high=high),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class TargetForm(NamedErrors, forms.Form):
    """What a target says; its status has a form of its own. ``labels`` are the clinic's
    active words for feelings, plus any the target already has."""

    label = forms.CharField(
        label=_("Label"),
        max_length=60,
        help_text=_("A short name of your choosing, e.g. 'The kitchen, age 9'."),
        widget=SHORT_TEXT,
    )
    shown_to_client = forms.BooleanField(
        label=_("The client sees the label"),
        required=False,
        help_text=_("They may then link an entry of their log to this target, by its label."),
    )
    sequence = forms.ChoiceField(
        label=_("Targeting sequence"),
        choices=Target.Sequence.choices,
        initial=Target.Sequence.PAST,
        widget=forms.RadioSelect,
    )
    focus_area = forms.ChoiceField(
        label=_("Focus area"),
        choices=[("", _("None"))] + list(FocusArea.choices),
        required=False,
    )
    plan_order = forms.IntegerField(
        label=_("Order in the plan"),
        required=False,
        min_value=1,
        max_value=PLAN_ORDER_MAX,
        help_text=_("Empty: after the client's other targets."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    memory = _text(_("Memory"))
    worst_image = _text(_("Worst image"), rows=2)
    negative_cognition = forms.CharField(
        label=_("Negative cognition (NC)"),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=SHORT_TEXT,
    )
    positive_cognition = forms.CharField(
        label=_("Positive cognition (PC)"),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=SHORT_TEXT,
    )
    emotions = forms.MultipleChoiceField(
        label=_("Emotions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    body_location = forms.CharField(
        label=_("Felt in the body"), required=False, max_length=120, widget=SHORT_TEXT
    )

    def __init__(self, *args, labels: list[EmotionLabel], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["emotions"].choices = [
            (label.code, label.name if label.is_active else _no_longer(label)) for label in labels
        ]

    @classmethod
    def for_target(cls, target: Target, *, labels, chosen: list[str], **kwargs) -> "TargetForm":
        initial = {name: getattr(target, name) for name in TARGET_FORM_FIELDS}
        initial["emotions"] = chosen
        form = cls(initial=initial, labels=labels, **kwargs)
        form.fields["plan_order"].help_text = _("Empty: it keeps its place.")
        return form

    def target_fields(self) -> dict:
        """The cleaned values as ``services.target_create``/``target_update`` take them."""
        data = dict(self.cleaned_data)
        data.pop("emotions")
        if data["plan_order"] is None:
            del data["plan_order"]  # a new target goes last; a stored one keeps its place
        return data


def _no_longer(label: EmotionLabel) -> str:
    return _("%(name)s (no longer in the clinic's words)") % {"name": label.name}


class NewTargetForm(TargetForm):
    """A new target's form, carrying a one-time token (``once``): the same form sent twice
    (a double click) is known by it, and lands on the target the first sending set up."""

    once = forms.CharField(required=False, widget=forms.HiddenInput)
    # A log entry whose repeated trigger becomes this target (from session prep's
    # suggestion): the entries with the same trigger are linked to the target.
    from_entry = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["once"] = str(uuid.uuid4())

    @staticmethod
    def initial_from(entry) -> dict:
        """A target set up from a log entry's trigger: its words as the label, a present
        trigger in the targeting sequence."""
        if entry is None:
            return {}
        label = " ".join(entry.trigger.split())[: Target._meta.get_field("label").max_length]
        return {"label": label, "from_entry": entry.pk, "sequence": Target.Sequence.PRESENT}

    def label_from_log(self) -> None:
        """The label starts as the client's words from their log, which is encrypted; the
        label is not: say so next to it, where the words are changed."""
        self.fields["label"].help_text = _(
            "The label is not encrypted: make it a few words of your own."
        )

    def clean_once(self) -> str:
        """The token as sent, or "" for anything that is not one (nothing to show)."""
        try:
            return str(uuid.UUID(self.cleaned_data["once"]))
        except ValueError:
            return ""

    def target_fields(self) -> dict:
        data = super().target_fields()
        data.pop("once")
        data.pop("from_entry")
        return data


class StatusForm(NamedErrors, forms.Form):
    """Move a target to a status; resolved may need the therapist's judgement or reason."""

    status = forms.ChoiceField(
        label=_("Status"), choices=Target.Status.choices, widget=forms.RadioSelect
    )
    sud_one_fitting = forms.BooleanField(
        label=_("SUD 1 is fitting for this memory"),
        required=False,
        help_text=_("Your judgement: for this memory, 1 is as low as is true to life."),
    )
    reason = _text(
        _("Reason"),
        help_text=_("Needed to accept a VoC of 5 or 6. Kept with the change, encrypted."),
        rows=2,
    )


# The phases by their short names, side by side: "1 History" ... "8 Reevaluation".
PHASE_CHOICES = [
    (Phase.HISTORY.value, _("1 History")),
    *[(phase.value, phase.label) for phase in list(Phase)[1:]],
]

# Body scan: clear, not clear, or not done (no answer).
BODY_SCAN_CHOICES = [("yes", _("Clear")), ("no", _("Not clear")), ("", _("Not done"))]


def _body_scan(value: str) -> bool:
    return value == "yes"


def body_scan_value(clear: bool | None) -> str:
    return {True: "yes", False: "no"}.get(clear, "")


class ProcessingForm(NamedErrors, forms.Form):
    """What a held session did with one target. ``targets`` are those the therapist may
    pick (the open ones, the resolved ones for a reevaluation, and any recorded for this
    session); ``exercises`` the clinic's active library, plus the one a corrected record
    already names."""

    target = forms.TypedChoiceField(label=_("Target"), coerce=int)
    phases = forms.TypedMultipleChoiceField(
        label=_("Phases done"),
        choices=PHASE_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick the phases done, from 1 to 8.")},
    )
    # Shown in groups ("SUD 0-10": reevaluation, start, end), named in full in the summary.
    reevaluation_sud = _rating(_("Reevaluation"), SUD)
    sud_start = _rating(_("Start"), SUD)
    sud_end = _rating(_("End"), SUD)
    voc_setup = _rating(_("Set-up"), VOC)
    voc_installed = _rating(_("Installed"), VOC)
    sets_count = _rating(_("Number of sets"), (0, SETS_MAX))
    full_labels = {
        "reevaluation_sud": _("SUD at reevaluation"),
        "sud_start": _("SUD at the start"),
        "sud_end": _("SUD at the end"),
        "voc_setup": _("VoC at set-up"),
        "voc_installed": _("VoC after installation"),
    }
    sets_kind = forms.ChoiceField(
        label=_("Kind of sets"),
        choices=[("", "–")] + list(ProcessingRecord.SetsKind.choices),
        required=False,
    )
    body_scan_clear = forms.TypedChoiceField(
        label=_("Body scan"),
        choices=BODY_SCAN_CHOICES,
        coerce=_body_scan,
        empty_value=None,
        required=False,
        initial="",
        widget=forms.RadioSelect,
    )
    closure = forms.ChoiceField(
        label=_("Closure"),
        choices=ProcessingRecord.Closure.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the session closed.")},
    )
    calming_technique = forms.CharField(
        label=_("Calming or containment technique"),
        required=False,
        max_length=120,
        widget=SHORT_TEXT,
    )
    calming_exercise = forms.TypedChoiceField(
        label=_("Exercise from the library"),
        coerce=int,
        empty_value=None,
        required=False,
    )
    notes = _text(_("Notes"), help_text=_("Kept encrypted."))
    plan_next = _text(_("Plan for next time"), rows=2)

    def __init__(self, *args, targets: list[Target], exercises: list[Exercise], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(target.pk, _target_choice(target)) for target in targets]
        self.fields["calming_exercise"].choices = [("", _("None"))] + [
            (exercise.pk, exercise.title if exercise.is_active else _retired(exercise))
            for exercise in exercises
        ]
        self._targets = {target.pk: target for target in targets}
        self._exercises = {exercise.pk: exercise for exercise in exercises}

    @classmethod
    def for_record(cls, record: ProcessingRecord | None, target_id: int, **kwargs):
        initial = {"target": target_id, "body_scan_clear": ""}
        if record is not None:
            initial.update({name: getattr(record, name) for name in RECORD_FORM_FIELDS})
            initial["body_scan_clear"] = body_scan_value(record.body_scan_clear)
            initial["calming_exercise"] = record.calming_exercise_id
        return cls(initial=initial, **kwargs)

    @property
    def chosen_target(self) -> Target:
        return self._targets[self.cleaned_data["target"]]

    def record_fields(self) -> dict:
        """The cleaned values as ``services.record_save`` takes them."""
        data = dict(self.cleaned_data)
        data.pop("target")
        data["calming_exercise"] = self._exercises.get(data["calming_exercise"])
        data["sets_kind"] = data["sets_kind"] or ""
        return data


def _target_choice(target: Target) -> str:
    if target.status == Target.Status.RESOLVED:
        # Processing it again needs it reopened first; a reevaluation alone is recorded.
        return _("%(label)s · resolved: reevaluation only") % {"label": target.label}
    return f"{target.label} · {target.get_status_display().lower()}"


def _retired(exercise: Exercise) -> str:
    return _("%(title)s (no longer in the library)") % {"title": exercise.title}
