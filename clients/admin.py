from django.contrib import admin

from clinic.admin_scope import ClinicScopedAdmin

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
