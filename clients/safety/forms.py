"""The therapist's form for a client's safety plan: one box per section."""

from django import forms

from clients.models import TEXT_MAX_CHARS

from .models import SafetyPlan


class SafetyPlanForm(forms.Form):
    """Each section under the heading the client reads, with the prompt as its help."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, heading, prompt in SafetyPlan.SECTIONS:
            self.fields[name] = forms.CharField(
                label=heading,
                help_text=prompt,
                required=False,
                max_length=TEXT_MAX_CHARS,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    @classmethod
    def for_plan(cls, plan: SafetyPlan | None) -> "SafetyPlanForm":
        if plan is None:
            return cls()
        return cls(initial={name: getattr(plan, name) for name, _h, _p in SafetyPlan.SECTIONS})
