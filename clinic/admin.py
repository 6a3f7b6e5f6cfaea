import zoneinfo

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from clients.emdr.admin import EmdrSettingsInline
from clients.measures.admin import ClinicInstrumentInline
from clients.reminders.admin import ClinicReminderSettingsInline
from clients.services import clinic_library_install

from . import audit, audit_words
from .admin_scope import ClinicScopedAdmin, ClinicScopedInline
from .models import AuditEvent, Clinic, CrisisLine, Session, Therapist, User
from .time_zones import TimeZoneField, zone_name


class CrisisLineForm(forms.ModelForm):
    class Meta:
        model = CrisisLine
        fields = ["name", "call", "text", "hours", "sort_order"]
        help_texts = {
            "sort_order": _(
                "Lowest first. The crisis box tells a client in danger now to call the first "
                "line that has a number to call: put the emergency number first."
            ),
        }


class CrisisLineInline(ClinicScopedInline):
    """The numbers a client in crisis can tap to call or text, edited with their clinic."""

    model = CrisisLine
    form = CrisisLineForm
    extra = 1


@admin.register(Clinic)
class ClinicAdmin(ClinicScopedAdmin):
    list_display = ["name", "slug", "zone"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]
    inlines = [
        CrisisLineInline,
        ClinicInstrumentInline,
        EmdrSettingsInline,
        ClinicReminderSettingsInline,
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "time_zone"]}),
        (
            _("What a client in crisis sees"),
            {
                "fields": ["phone", "phone_hours", "safety_response", "crisis_resources"],
                "description": _(
                    "Shown in the crisis box of the client's page when they answer yes to the "
                    "safety question, with the crisis lines below and the client's safety plan."
                ),
            },
        ),
        (_("Safety alerts"), {"fields": ["escalate_after_minutes"]}),
        (_("Signing in"), {"fields": ["two_factor_required"]}),
        (_("Record"), {"fields": ["created_at"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    @admin.display(description=_("time zone"), ordering="time_zone")
    def zone(self, clinic: Clinic) -> str:
        return zone_name(clinic.time_zone)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "time_zone":
            return TimeZoneField(
                label=capfirst(db_field.verbose_name),
                initial=db_field.get_default(),
                help_text=_("Weeks, reminders and the times on the pages are the clinic's."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "time_zone" in form.base_fields:
            form.base_fields["time_zone"].first = obj.time_zone
        return form

    def save_model(self, request, obj, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            clinic_library_install(clinic=obj)


class ClinicUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["email", "display_name", "role", "clinic"]


@admin.register(User)
class UserAdmin(ClinicScopedAdmin, DjangoUserAdmin):
    add_form = ClinicUserCreationForm
    ordering = ["email"]
    list_display = ["email", "display_name", "role", "clinic", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "role", "clinic"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "display_name", "role", "clinic", "password1", "password2"],
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined"]
    sets_clinic = True

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # A clinic admin cannot grant operator rights or move people between clinics.
        hidden = {"clinic", "is_superuser", "groups"}
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
            for name, opts in fieldsets
        ]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "role" and not request.user.is_superuser:
            field.choices = [c for c in field.choices if c[0] != User.Role.OPERATOR]
        return field

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "clinic" in form.base_fields and not request.user.is_superuser:
            form.base_fields["clinic"].widget = forms.HiddenInput()
            form.base_fields["clinic"].required = False
        return form


@admin.register(Therapist)
class TherapistAdmin(ClinicScopedAdmin):
    list_display = ["__str__", "credentials", "clinic", "is_active", "covers_alerts"]
    list_filter = ["is_active", "covers_alerts"]
    search_fields = ["user__email", "user__display_name"]
    list_select_related = ["user", "clinic"]
    sets_clinic = True


@admin.register(Session)
class SessionAdmin(ClinicScopedAdmin):
    list_display = ["client", "therapist", "starts_at", "mode", "status"]
    list_filter = ["mode", "status"]
    date_hierarchy = "starts_at"
    list_select_related = ["client", "therapist__user"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    # Sessions are booked and marked on the client's page, where a booking is checked
    # against the therapist's calendar and clinic; here they are only read.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ObjectTypeFilter(admin.SimpleListFilter):
    title = _("kind of record")
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        kinds = [(kind, capfirst(words)) for kind, words in audit_words.KINDS.items()]
        return sorted(kinds, key=lambda kind: str(kind[1]))

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


class ActorRoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "actor_role"

    def lookups(self, request, model_admin):
        return [(role, capfirst(words)) for role, words in audit_words.ROLES.items()]

    def queryset(self, request, queryset):
        return queryset.filter(actor_role=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ClinicScopedAdmin):
    """The clinic's audit trail in sentences: browse, filter, search by a client's label or
    a person's e-mail, and export what the filters show as CSV."""

    audit_reads = False
    list_display = ["at", "what_happened", "records", "ip"]
    list_filter = ["action", ActorRoleFilter, ObjectTypeFilter, ("at", admin.DateFieldListFilter)]
    search_fields = ["=actor__email", "client__label", "=client__id"]
    search_help_text = _("A client's label (or their record number), or a person's e-mail.")
    date_hierarchy = "at"
    # Names are looked up as the page is shown, in the list's one query; the trail keeps ids.
    list_select_related = ["actor", "client"]
    show_full_result_count = False
    fields = [
        "what_happened",
        "at",
        "actor",
        "actor_role",
        "action",
        "object_type",
        "records",
        "client",
        "view",
        "ip",
    ]
    readonly_fields = ["what_happened", "records"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("what happened"))
    def what_happened(self, event) -> str:
        return audit_words.sentence(event)

    @admin.display(description=_("record ids"))
    def records(self, event) -> str:
        """A long list (a caseload) would stretch the table: the first few, and how many."""
        shown = ", ".join(str(pk) for pk in event.object_ids[:5])
        if len(event.object_ids) <= 5:
            return shown
        return _("%(shown)s … (%(count)d in all)") % {
            "shown": shown,
            "count": len(event.object_ids),
        }

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_csv)
        return [path("export.csv", export, name="clinic_auditevent_export")] + super().get_urls()

    def export_csv(self, request):
        """The rows the change list shows with the same filters, every page of them."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # What the change list itself does with a filter it cannot read.
            return redirect(reverse("admin:clinic_auditevent_changelist") + "?e=1")
        rows = changelist.get_queryset(request)
        audit.record(request, action="export", object_type="auditevent", object_ids=[])
        zones = {
            pk: zoneinfo.ZoneInfo(zone)
            for pk, zone in Clinic.objects.values_list("pk", "time_zone")
        }
        response = StreamingHttpResponse(
            audit.csv_lines(rows, zones=zones), content_type="text/csv"
        )
        response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
        return response


class AuthenticatorAdmin(admin.ModelAdmin):
    """Who has a second factor, and a way to remove a lost one (an operator's task).

    The key and the recovery codes are never shown: they were shown once, to their owner."""

    list_display = ["user", "name", "confirmed"]
    fields = ["user", "name", "confirmed"]
    readonly_fields = fields
    search_fields = ["user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)
    admin.site.register(_device, AuthenticatorAdmin)
