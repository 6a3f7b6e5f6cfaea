from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from clinic.admin_scope import ClinicScopedAdmin
from clinic.models import User

from . import records
from .models import (
    Alert,
    Assignment,
    CheckIn,
    CheckInEmotion,
    Client,
    Completion,
    EmotionLabel,
    Exercise,
)


@admin.register(Client)
class ClientAdmin(ClinicScopedAdmin):
    list_display = ["label", "primary_therapist", "status", "started_on", "time_zone"]
    list_filter = ["status"]
    search_fields = ["label"]
    list_select_related = ["primary_therapist__user"]
    readonly_fields = ["created_at"]
    sets_clinic = True

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
                messages.success(request, f"{label}'s record and account were erased.")
                return redirect(reverse("admin:clients_client_changelist"))
            mismatch = True
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "client": client,
            "mismatch": mismatch,
            "title": f"Erase {client.label}",
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


@admin.register(CheckIn)
class CheckInAdmin(ClinicScopedAdmin):
    list_display = ["client", "occurred_at", "received_at", "distress", "safety_concern"]
    list_filter = ["safety_concern", "wants_to_discuss"]
    list_select_related = ["client"]
    date_hierarchy = "occurred_at"
    exclude = ["note"]
    inlines = [CheckInEmotionInline]
    read_only_records = True


@admin.register(Alert)
class AlertAdmin(ClinicScopedAdmin):
    list_display = ["client", "kind", "created_at", "acknowledged_at"]
    list_filter = ["kind"]
    list_select_related = ["client"]
    read_only_records = True
