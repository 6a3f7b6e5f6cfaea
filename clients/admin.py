from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clients.measures.services import schedules_from_clinic_defaults
from clients.treatment import treatment_work_end
from clients.wording import bare_word
from clinic.admin_scope import ClinicScopedAdmin
from clinic.models import User
from clinic.outbox.models import late_cutoff
from clinic.time_zones import TimeZoneField, zone_name

from . import record_document, records
from .models import (
    Alert,
    Assignment,
    CheckIn,
    CheckInEmotion,
    Client,
    Completion,
    EmotionLabel,
    Exercise,
    FocusArea,
)


class ClientAdminForm(forms.ModelForm):
    """A client's row, with focus areas as boxes to tick and a discharge that is dated.

    A discharge without its date is refused with a message; moving a discharged client
    back to active or paused clears the date and the reason (as reactivating does)."""

    focus_areas = forms.MultipleChoiceField(
        label=_("Focus areas"),
        choices=FocusArea.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Client
        fields = [
            "label",
            "clinic",
            "user",
            "primary_therapist",
            "time_zone",
            "status",
            "started_on",
            "focus_areas",
            "other_person",
            "discharged_on",
            "discharge_reason",
        ]

    def clean_focus_areas(self) -> list[str]:
        chosen = set(self.cleaned_data["focus_areas"])
        return [code for code in FocusArea.values if code in chosen]

    def clean_other_person(self) -> str:
        return bare_word(self.cleaned_data["other_person"])

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status == Client.Status.DISCHARGED:
            self._clean_discharge(data)
        elif status:
            self._clean_in_treatment(data)
        self._clean_same_clinic(data)
        return data

    def _clean_discharge(self, data) -> None:
        day = data.get("discharged_on")
        if "discharged_on" in self.errors:
            return
        if day is None:
            self.add_error("discharged_on", _("Give the date of the discharge."))
        elif day > timezone.localdate():
            self.add_error("discharged_on", _("A discharge date cannot be in the future."))
        elif data.get("started_on") and day < data["started_on"]:
            self.add_error(
                "discharged_on", _("A discharge date cannot be before treatment started.")
            )
        if not data.get("discharge_reason"):
            self.add_error("discharge_reason", _("Choose a reason for the discharge."))

    def _clean_in_treatment(self, data) -> None:
        was_discharged = self.instance.pk and self.initial.get("status") == "discharged"
        if was_discharged:
            data["discharged_on"], data["discharge_reason"] = None, ""
            return
        if data.get("discharged_on") or data.get("discharge_reason"):
            self.add_error(
                "status",
                _(
                    "A client in treatment has no discharge date or reason: to discharge "
                    "them, set the status to Discharged; otherwise leave both empty."
                ),
            )

    def _clean_same_clinic(self, data) -> None:
        clinic = data.get("clinic") or getattr(self.instance, "clinic", None)
        therapist, login = data.get("primary_therapist"), data.get("user")
        if clinic is None:
            return
        if therapist is not None and therapist.clinic_id != clinic.pk:
            self.add_error("primary_therapist", _("This therapist works at another clinic."))
        if login is not None and login.clinic_id != clinic.pk:
            self.add_error("user", _("This login belongs to another clinic."))


@admin.register(Client)
class ClientAdmin(ClinicScopedAdmin):
    form = ClientAdminForm
    list_display = ["label", "primary_therapist", "status", "started_on", "zone"]
    list_filter = ["status"]
    search_fields = ["label"]
    list_select_related = ["primary_therapist__user"]
    readonly_fields = ["created_at"]
    sets_clinic = True

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # Added here, a client starts with the clinic's default measures, as one added
            # by their therapist does.
            schedules_from_clinic_defaults(client=obj, by=request.user)
        if obj.status == Client.Status.DISCHARGED and form.initial.get("status") != obj.status:
            # A discharge here ends the same work as one from the therapist's page.
            treatment_work_end(client=obj)

    fieldsets = [
        (None, {"fields": ["label", "clinic", "user", "primary_therapist", "time_zone"]}),
        (_("Treatment"), {"fields": ["status", "started_on", "focus_areas", "other_person"]}),
        (
            _("Discharge"),
            {
                "fields": ["discharged_on", "discharge_reason"],
                "description": _(
                    "Only for a discharged client. Setting a discharged client back to "
                    "active or paused clears the date and the reason."
                ),
            },
        ),
        (_("Record"), {"fields": ["created_at"]}),
    ]

    @admin.display(description=_("time zone"), ordering="time_zone")
    def zone(self, client: Client) -> str:
        return zone_name(client.time_zone)

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return self.fieldsets
        # The clinic is the admin's own, set on saving.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "clinic"]})
            for name, options in self.fieldsets
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "time_zone":
            return TimeZoneField(
                label=capfirst(db_field.verbose_name),
                help_text=_("The client's own: their days and the times they see."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        clinic = obj.clinic if obj is not None else getattr(request.user, "clinic", None)
        if clinic is not None and "time_zone" in form.base_fields:
            form.base_fields["time_zone"].first = clinic.time_zone
            form.base_fields["time_zone"].initial = clinic.time_zone
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user" and field is not None:
            # Only client logins: erasing a client deletes its login with it.
            field.queryset = field.queryset.filter(role=User.Role.CLIENT)
        return field

    # A client leaves through "Erase", which removes their account too and is audited.
    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:client_id>/export.<str:file_format>",
                wrap(self.export_view),
                name="clients_client_export",
            ),
            path("<int:client_id>/erase/", wrap(self.erase_view), name="clients_client_erase"),
            path("<int:client_id>/record/", wrap(self.record_view), name="clients_client_record"),
        ] + super().get_urls()

    def _client_in_scope(self, request, client_id: int) -> Client:
        client = self.get_queryset(request).filter(pk=client_id).first()
        if client is None or not self.has_view_permission(request, client):
            raise Http404
        return client

    def export_view(self, request, client_id: int, file_format: str):
        """The client's full record as JSON, or as CSV files in a zip."""
        if file_format not in ("json", "zip"):
            raise Http404
        client = self._client_in_scope(request, client_id)
        body = records.client_record_export(client=client, request=request, file_format=file_format)
        content_type = "application/json" if file_format == "json" else "application/zip"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="client-{client.pk}.{file_format}"'
        return response

    def record_view(self, request, client_id: int):
        """The client's whole record as a page to read or print (to PDF, from the browser)."""
        client = self._client_in_scope(request, client_id)
        context = record_document.client_record_document(client=client, request=request)
        return TemplateResponse(request, "clients/record_document.html", context)

    def erase_view(self, request, client_id: int):
        """Ask for the client's label to be typed, then erase the record and the account."""
        client = self._client_in_scope(request, client_id)
        if not self.has_change_permission(request, client):
            raise Http404
        mismatch = False
        if request.method == "POST":
            if request.POST.get("confirm_label", "").strip() == client.label:
                label = client.label
                records.client_erase(client=client, request=request)
                messages.success(
                    request,
                    gettext("%(label)s's record and account were erased.") % {"label": label},
                )
                return redirect(reverse("admin:clients_client_changelist"))
            mismatch = True
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "client": client,
            "mismatch": mismatch,
            "title": gettext("Erase %(label)s") % {"label": client.label},
        }
        return TemplateResponse(request, "admin/clients/client/erase.html", context)


@admin.register(EmotionLabel)
class EmotionLabelAdmin(ClinicScopedAdmin):
    list_display = ["name", "code", "tone", "sort_order", "is_active"]
    list_filter = ["tone", "is_active"]
    list_editable = ["sort_order", "is_active"]
    sets_clinic = True


@admin.register(Exercise)
class ExerciseAdmin(ClinicScopedAdmin):
    list_display = ["title", "category", "minutes", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["title"]
    sets_clinic = True


@admin.register(Assignment)
class AssignmentAdmin(ClinicScopedAdmin):
    list_display = ["client", "exercise", "schedule", "times_per_week", "starts_on", "status"]
    list_filter = ["status", "schedule"]
    list_select_related = ["client", "exercise"]
    readonly_fields = ["created_at"]


# What clients wrote is shown, never edited, and their free text (notes,
# reflections) stays out of the admin: it is read where it is needed, in the
# therapist's reports.
@admin.register(Completion)
class CompletionAdmin(ClinicScopedAdmin):
    list_display = ["assignment", "completed_at", "distress_before", "distress_after"]
    exclude = ["reflection"]
    read_only_records = True


class CheckInEmotionInline(admin.TabularInline):
    model = CheckInEmotion
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _yes_no(value: bool) -> str:
    return gettext("yes") if value else gettext("no")


@admin.register(CheckIn)
class CheckInAdmin(ClinicScopedAdmin):
    list_display = [
        "client",
        "occurred_at",
        "received_at",
        "distress",
        "safety_answer",
        "to_discuss",
    ]
    list_filter = ["safety_concern", "wants_to_discuss"]
    list_select_related = ["client"]
    date_hierarchy = "occurred_at"
    # The note stays out: the client's free text is read in the therapist's reports.
    fields = [
        "client",
        "occurred_at",
        "received_at",
        "safety_answer",
        "to_discuss",
        "distress",
        "charge",
        "mind_space",
        "self_compassion",
        "resistance",
    ]
    readonly_fields = ["safety_answer", "to_discuss"]
    inlines = [CheckInEmotionInline]
    read_only_records = True

    @admin.display(description=_("safety answer"), ordering="safety_concern")
    def safety_answer(self, check_in: CheckIn) -> str:
        """A yes is the one answer that must not be missed: a word, in red, never a tick."""
        if check_in.safety_concern:
            return format_html(
                '<strong class="safety-answer-yes" style="color: var(--error-fg, #ba2121)">'
                "{}</strong>",
                _yes_no(True),
            )
        return _yes_no(False)

    @admin.display(description=_("wants to discuss"), ordering="wants_to_discuss")
    def to_discuss(self, check_in: CheckIn) -> str:
        return _yes_no(check_in.wants_to_discuss)


@admin.register(Alert)
class AlertAdmin(ClinicScopedAdmin):
    list_display = ["client", "kind", "created_at", "therapist_told", "acknowledged_at"]
    list_filter = ["kind"]
    list_select_related = ["client"]
    read_only_records = True

    @admin.display(description=_("therapist e-mailed"), ordering="notified_at")
    def therapist_told(self, alert: Alert):
        """When the treating therapist's e-mail went out; in red when it is late."""
        if alert.notified_at is not None:
            return alert.notified_at  # shown in the clinic's time, as the other columns
        if alert.acknowledged_at is not None:
            return _("not needed (followed up first)")
        if alert.created_at <= late_cutoff():  # the outbox's own measure of late
            return format_html(
                '<strong style="color: var(--error-fg, #ba2121)">{}</strong>',
                _("late: not sent yet"),
            )
        return _("on its way")
