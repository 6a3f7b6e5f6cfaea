"""Measures in the admin: a clinic's choice of instruments on its own page, and the
schedules and responses of its clients, read only, as check-ins are."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, When
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.admin_scope import ClinicScopedAdmin, ClinicScopedInline

from .instruments import CHOICES, INSTRUMENTS
from .instruments.definition import Instrument
from .models import ClinicInstrument, MeasureResponse, MeasureSchedule

# The two values a clinic may change, with the words that name them in messages.
SETTABLE = {
    "caseness": _("caseness cut-off"),
    "reliable_change": _("reliable change"),
}


def setting_errors(definition: Instrument, values: dict) -> dict[str, str]:
    """What makes no sense in a clinic's values for an instrument: {field: message}."""
    errors = {}
    low, high = definition.total_range or (0, 0)
    for field, words in SETTABLE.items():
        value = values.get(field)
        if value is None:
            continue
        published = getattr(definition, field)
        if published is None:
            errors[field] = gettext(
                "%(name)s has no published %(setting)s (it is read by its own rules): "
                "leave this empty."
            ) % {"name": definition.name, "setting": words}
        elif not 1 <= value <= high:
            errors[field] = gettext(
                "%(name)s totals run from %(low)s to %(high)s: a %(setting)s of %(value)s "
                "makes no sense. Choose from 1 to %(high)s, or leave it empty for the "
                "published %(published)s."
            ) % {
                "name": definition.name,
                "low": low,
                "high": high,
                "setting": words,
                "value": value,
                "published": published.default,
            }
    if not values.get("enabled") and values.get("default_cadence"):
        errors["default_cadence"] = gettext(
            "New clients get no schedule of an instrument the clinic does not use: tick "
            "“in use”, or leave the schedule empty."
        )
    return errors


class ClinicInstrumentForm(forms.ModelForm):
    # Which instrument the row is travels with it, so a page opened before another admin
    # saved a row still sets what it showed; a stored row's never changes.
    instrument = forms.ChoiceField(choices=CHOICES, widget=forms.HiddenInput)

    class Meta:
        model = ClinicInstrument
        fields = [
            "instrument",
            "enabled",
            "caseness",
            "reliable_change",
            "paired",
            "default_cadence",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["instrument"].disabled = True
        definition = INSTRUMENTS.get(self.instance.instrument)
        if definition is None:
            return  # the empty form the admin keeps for "add another"
        for field in SETTABLE:
            published = getattr(definition, field)
            # The published value shows through an empty box: empty means "use it".
            placeholder = str(published.default) if published else "–"
            self.fields[field].widget.attrs["placeholder"] = placeholder
        if not definition.paired_with:
            # No pair to read it beside: shown unticked, and never changed.
            self.fields["paired"].disabled = True
            self.initial["paired"] = False

    def clean(self):
        data = super().clean()
        definition = INSTRUMENTS.get(data.get("instrument", ""))
        if definition is None:
            raise ValidationError(_("This row names no instrument: reload the page."))
        # Django checks no constraint across the clinic in an inline form: a row of this
        # instrument saved by another admin since the page opened is refused here.
        if (
            self.instance.pk is None
            and self.instance.clinic_id is not None
            and ClinicInstrument.objects.filter(
                clinic_id=self.instance.clinic_id, instrument=definition.code
            ).exists()
        ):
            raise ValidationError(
                _("%(name)s was set meanwhile, on another page: reload this one.")
                % {"name": definition.name}
            )
        for field, message in setting_errors(definition, data).items():
            self.add_error(field, message)
        return data


def _product_order():
    return Case(
        *[When(instrument=code, then=n) for n, code in enumerate(INSTRUMENTS)],
        output_field=IntegerField(),
    )


class ClinicInstrumentFormSet(BaseInlineFormSet):
    """One form per instrument: the clinic's row where it has one, and otherwise a new
    row for an instrument without one, stored only if something is changed (no row
    means the published values)."""

    def _construct_form(self, i, **kwargs):
        if i >= self.initial_form_count():
            have = {row.instrument for row in self.get_queryset()}
            missing = [code for code in INSTRUMENTS if code not in have]
            n = i - self.initial_form_count()
            code = missing[n] if n < len(missing) else ""
            if self.is_bound:  # the instrument the page showed in this row
                code = self.data.get(f"{self.add_prefix(i)}-instrument", "")
            kwargs["instance"] = ClinicInstrument(instrument=code if code in INSTRUMENTS else "")
        return super()._construct_form(i, **kwargs)


class ClinicInstrumentInline(ClinicScopedInline):
    """The outcome measures on the clinic's page: each instrument on or off, its cut-offs
    and the schedule new clients start with, beside the published values and why a
    clinic may change them."""

    model = ClinicInstrument
    form = ClinicInstrumentForm
    formset = ClinicInstrumentFormSet
    fields = [
        "instrument",
        "instrument_name",
        "enabled",
        "caseness",
        "reliable_change",
        "paired",
        "default_cadence",
        "published",
    ]
    readonly_fields = ["instrument_name", "published"]
    can_delete = False
    max_num = len(INSTRUMENTS)
    verbose_name = _("outcome measure")
    verbose_name_plural = _("outcome measures")

    def get_queryset(self, request):
        return super().get_queryset(request).order_by(_product_order())

    def get_extra(self, request, obj=None, **kwargs) -> int:
        if obj is None or obj.pk is None:
            return len(INSTRUMENTS)
        have = ClinicInstrument.objects.filter(clinic=obj).count()
        return max(len(INSTRUMENTS) - have, 0)

    @admin.display(description=_("instrument"))
    def instrument_name(self, row: ClinicInstrument) -> str:
        definition = INSTRUMENTS.get(row.instrument)
        if definition is None:
            return ""
        return format_html("<strong>{}</strong><br>{}", definition.name, definition.measures)

    @admin.display(description=_("published values, and why a clinic may change them"))
    def published(self, row: ClinicInstrument) -> str:
        definition = INSTRUMENTS.get(row.instrument)
        if definition is None:
            return ""
        lines = []
        if definition.caseness:
            lines.append(
                gettext("Caseness: %(value)s or more. %(why)s")
                % {"value": definition.caseness.default, "why": definition.caseness.why}
            )
        if definition.reliable_change:
            lines.append(
                gettext("Reliable change: %(value)s points. %(why)s")
                % {
                    "value": definition.reliable_change.default,
                    "why": definition.reliable_change.why,
                }
            )
        if not definition.caseness and not definition.reliable_change:
            lines.append(
                gettext(
                    "No caseness cut-off or reliable-change criterion is published: "
                    "%(name)s gives a provisional diagnosis by its own rules."
                )
                % {"name": definition.name}
            )
        if definition.paired_with:
            lines.append(
                gettext(
                    "Read beside %(pair)s: an improvement here while %(pair)s reliably "
                    "deteriorates is not counted as improvement (the NHS Talking Therapies "
                    "convention, not yet checked against its manual)."
                )
                % {"pair": INSTRUMENTS[definition.paired_with].name}
            )
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))


# What clients answered is shown, never edited, to those who may read their check-ins
# here (clinic admins of the client's clinic, operators).
@admin.register(MeasureSchedule)
class MeasureScheduleAdmin(ClinicScopedAdmin):
    list_display = ["client", "instrument", "cadence", "starts_on", "ends_on", "created_by"]
    list_filter = ["instrument", "cadence"]
    search_fields = ["client__label"]
    list_select_related = ["client", "created_by"]
    read_only_records = True


def _answer_text(definition: Instrument, code: str, value) -> str:
    """ "1 (Several days)": the value first, as the admin lists answers."""
    text = definition.option_text(code, value)
    return f"{value} ({text})" if text else str(value)


@admin.register(MeasureResponse)
class MeasureResponseAdmin(ClinicScopedAdmin):
    list_display = ["client", "instrument", "completed_at", "score", "band_name", "entered"]
    list_filter = ["instrument"]
    search_fields = ["client__label"]
    list_select_related = ["client", "entered_by"]
    date_hierarchy = "completed_at"
    fields = [
        "client",
        "instrument",
        "version",
        "completed_at",
        "received_at",
        "entered",
        "score",
        "band_name",
        "diagnosis_name",
        "item_answers",
        "difficulty_answer",
        "alert",
    ]
    readonly_fields = [
        "entered",
        "score",
        "band_name",
        "diagnosis_name",
        "item_answers",
        "difficulty_answer",
    ]
    read_only_records = True

    @admin.display(description=_("score"))
    def score(self, response: MeasureResponse) -> str:
        if response.total is not None:
            return str(response.total)
        definition = INSTRUMENTS[response.instrument]
        return ", ".join(
            f"{sub.label} {response.subscales.get(sub.code, '')}" for sub in definition.subscales
        )

    @admin.display(description=_("band"), ordering="band")
    def band_name(self, response: MeasureResponse) -> str:
        # as scored then: a later definition never rewrites a past band
        return INSTRUMENTS[response.instrument].band_label(response.band) or "–"

    @admin.display(description=_("provisional diagnosis"))
    def diagnosis_name(self, response: MeasureResponse) -> str:
        return INSTRUMENTS[response.instrument].diagnosis_label(response.diagnosis) or "–"

    @admin.display(description=_("entered by"))
    def entered(self, response: MeasureResponse) -> str:
        if response.entered_by_id is None:
            return gettext("the client")
        return gettext("%(name)s, for the client (a paper form)") % {
            "name": response.entered_by.display_name or response.entered_by.email
        }

    @admin.display(description=_("answers"))
    def item_answers(self, response: MeasureResponse) -> str:
        """Every item with its answer. A safety item above 0 is in red; at 0 it reads as
        the answer it is, never as "no risk"."""
        definition = INSTRUMENTS[response.instrument]
        rows = []
        for code in definition.item_codes:
            value = response.answers.get(code)
            answer = _answer_text(definition, code, value)
            if code in definition.safety_items and value:
                answer = format_html(
                    '<strong style="color: var(--error-fg, #ba2121)">{}</strong>', answer
                )
            rows.append((code, definition.item(code).text, answer))
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description=_("difficulty (not in the total)"))
    def difficulty_answer(self, response: MeasureResponse) -> str:
        definition = INSTRUMENTS[response.instrument]
        if response.difficulty is None or definition.difficulty is None:
            return "–"
        return _answer_text(definition, definition.difficulty.code, response.difficulty)
