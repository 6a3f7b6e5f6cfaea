from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from clients.services import clinic_library_install

from . import audit
from .admin_scope import ClinicScopedAdmin, ClinicScopedInline
from .models import AuditEvent, Clinic, CrisisLine, Session, Therapist, User


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
    list_display = ["name", "slug", "time_zone"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]
    inlines = [CrisisLineInline]
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
        (_("Record"), {"fields": ["created_at"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

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


@admin.register(AuditEvent)
class AuditEventAdmin(ClinicScopedAdmin):
    """The clinic's audit trail: browse, filter, and export what the filters show as CSV."""

    audit_reads = False
    list_display = [
        "at",
        "actor",
        "actor_role",
        "action",
        "object_type",
        "records",
        "client_id",
        "view",
        "ip",
    ]
    list_filter = ["action", "actor_role", "object_type", ("at", admin.DateFieldListFilter)]
    search_fields = ["=actor__email", "=client__id", "view"]
    date_hierarchy = "at"
    list_select_related = ["actor"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="record ids")
    def records(self, event) -> str:
        """A long list (a caseload) would stretch the table: the first few, and how many."""
        shown = ", ".join(str(pk) for pk in event.object_ids[:5])
        more = len(event.object_ids) - 5
        return f"{shown} … ({len(event.object_ids)} in all)" if more > 0 else shown

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
        response = StreamingHttpResponse(audit.csv_lines(rows), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
        return response
