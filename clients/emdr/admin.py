"""EMDR in the admin: a clinic's one setting on its own page, and its clients' targets,
processing records and TICES log entries, read only, as check-ins are.

The therapist writes targets and records on their pages and the client their log; here
they are shown, never edited. What a person wrote about a memory (memory, image,
cognitions, notes, the reason for a resolution, the log's words) stays out of the admin,
and so does any free text from the lists, a target's label included: the lists name a
target by its number.
"""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.admin_scope import ClinicScopedAdmin, ClinicScopedInline

from .models import EmdrSettings, ProcessingRecord, Target, TargetStatusChange, TicesEntry


class EmdrSettingsFormSet(BaseInlineFormSet):
    """A page that does not send this section (a form saved from before the section
    existed) leaves the setting as it is, rather than refusing the whole page."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        total = f"{self.prefix}-TOTAL_FORMS"
        if self.is_bound and total not in self.data:
            self.data = self.data.copy()
            self.data[total] = "0"
            self.data[f"{self.prefix}-INITIAL_FORMS"] = "0"


class EmdrSettingsInline(ClinicScopedInline):
    """On the clinic's page: from which disturbance a client's log entry shows them their
    calming exercises. Without a row, the default applies; a page left unchanged stores
    none."""

    model = EmdrSettings
    formset = EmdrSettingsFormSet
    template = "admin/edit_inline/stacked.html"  # one setting: its help shown under it
    fields = ["calming_at"]
    can_delete = False
    max_num = 1
    extra = 1
    verbose_name = _("EMDR")
    verbose_name_plural = _("EMDR")


class TargetStatusChangeInline(ClinicScopedInline):
    """Each change of the target's status, dated, with its grounds; the reason, written
    by the therapist, is read on their page. Read only, as the target is."""

    model = TargetStatusChange
    fields = ["status", "changed_at", "changed_by", "grounds"]
    readonly_fields = fields
    extra = 0


def _target_number(target_id: int) -> str:
    return gettext("target #%(id)s") % {"id": target_id}


@admin.register(Target)
class TargetAdmin(ClinicScopedAdmin):
    list_display = ["number", "client", "sequence", "status", "status_changed_at", "plan_order"]
    list_filter = ["status", "sequence"]
    search_fields = ["client__label"]
    list_select_related = ["client"]
    fields = [
        "client",
        "sequence",
        "focus_area",
        "plan_order",
        "status",
        "status_changed_at",
        "shown_to_client",
        "created_by",
        "created_at",
    ]
    inlines = [TargetStatusChangeInline]
    read_only_records = True

    @admin.display(description=_("target"), ordering="pk")
    def number(self, target: Target) -> str:
        return _target_number(target.pk)


@admin.register(ProcessingRecord)
class ProcessingRecordAdmin(ClinicScopedAdmin):
    list_display = [
        "session",
        "client",
        "target_number",
        "phases_done",
        "sud_start",
        "sud_end",
        "voc_setup",
        "voc_installed",
        "body_scan_clear",
        "closure",
    ]
    list_filter = ["closure", "body_scan_clear"]
    search_fields = ["target__client__label"]
    list_select_related = ["session", "target__client"]
    fields = [
        "session",
        "target_number",
        "phases_done",
        "reevaluation_sud",
        "sud_start",
        "sud_end",
        "voc_setup",
        "voc_installed",
        "sets_count",
        "sets_kind",
        "body_scan_clear",
        "closure",
        "calming_exercise",
        "recorded_by",
        "recorded_at",
    ]
    readonly_fields = ["target_number", "phases_done"]
    read_only_records = True

    @admin.display(description=_("client"), ordering="target__client__label")
    def client(self, record: ProcessingRecord) -> str:
        return record.target.client.label

    @admin.display(description=_("target"), ordering="target_id")
    def target_number(self, record: ProcessingRecord) -> str:
        return _target_number(record.target_id)

    @admin.display(description=_("phases done"))
    def phases_done(self, record: ProcessingRecord) -> str:
        return ", ".join(str(phase) for phase in record.phases)


@admin.register(TicesEntry)
class TicesEntryAdmin(ClinicScopedAdmin):
    list_display = ["client", "occurred_at", "received_at", "disturbance", "target_number"]
    search_fields = ["client__label"]
    list_select_related = ["client"]
    date_hierarchy = "occurred_at"
    # The client's words (trigger, image, cognition, sensation) are read by the therapist.
    fields = ["client", "occurred_at", "received_at", "disturbance", "target_number"]
    readonly_fields = ["target_number"]
    read_only_records = True

    @admin.display(description=_("touches target"), ordering="target_id")
    def target_number(self, entry: TicesEntry) -> str:
        return _target_number(entry.target_id) if entry.target_id else "–"
