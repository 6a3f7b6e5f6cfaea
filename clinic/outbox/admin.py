"""The outbox in the admin: what was sent, what waits, and what is late, read-only."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from clinic.admin_scope import ClinicScopedAdmin

from . import kinds
from .models import OutboxMessage

DROP_REASONS = {
    "not_needed": _("not needed any more (dealt with, or used, before it could go)"),
    "gone": _("what it was about has been erased"),
    "expired": _("too old to be of use"),
    "recipient_inactive": _("the recipient's account is switched off"),
    "no_address": _("the recipient has no e-mail address"),
    "in_doubt": _(
        "perhaps sent: the worker stopped while the mail server had it, and a reminder is "
        "not sent twice"
    ),
}


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("late", _("Late")),
            ("waiting", _("Waiting")),
            ("sent", _("Sent")),
            ("dropped", _("Not sent")),
        ]

    def queryset(self, request, queryset):
        return {
            "late": queryset.late(),
            "waiting": queryset.pending(),
            "sent": queryset.filter(sent_at__isnull=False),
            "dropped": queryset.filter(dropped_at__isnull=False),
        }.get(self.value(), queryset)


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind.name, kind.label) for kind in kinds.every_kind()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ClinicScopedAdmin):
    list_display = ["created_at", "kind_name", "recipient", "state", "attempts", "last_error"]
    list_filter = [StateFilter, KindFilter]
    list_select_related = ["recipient"]
    search_fields = ["recipient__email"]
    date_hierarchy = "created_at"
    read_only_records = True
    audit_reads = False  # e-mail addresses and times: no client's record is opened here
    fields = [
        "kind_name",
        "recipient",
        "clinic",
        "created_at",
        "state",
        "attempts",
        "last_attempt_at",
        "last_error",
        "send_after",
        "lease_until",
        "sent_at",
        "dropped_at",
        "why_not_sent",
    ]
    readonly_fields = fields

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, message: OutboxMessage) -> str:
        try:
            return kinds.kind_of(message.kind).label
        except LookupError:
            return message.kind

    @admin.display(description=_("why not sent"))
    def why_not_sent(self, message: OutboxMessage) -> str:
        return DROP_REASONS.get(message.drop_reason, message.drop_reason)

    @admin.display(description=_("state"))
    def state(self, message: OutboxMessage) -> str:
        if message.sent_at is not None:
            return _("Sent")
        if message.dropped_at is not None:
            return _("Not sent")
        if message.is_late():
            return format_html(
                '<strong style="color: var(--error-fg, #ba2121)">{}</strong>', _("Late")
            )
        return _("Waiting")
