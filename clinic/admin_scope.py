"""Admin classes that keep a clinic admin inside their own clinic.

Operators (superusers) see everything. A clinic admin sees, edits and links
only rows whose clinic is theirs; everyone else sees nothing. Each model names
the lookup from itself to its clinic in ``clinic_lookup``.
"""

from django.contrib import admin
from django.http import HttpRequest

from . import audit


def _clinic_filter(model, clinic_id: int) -> dict:
    return {model.clinic_lookup: clinic_id}


def _in_clinic(form_class, clinic_id: int):
    """The form with the row placed in the admin's clinic before it is validated.

    The clinic is no field of a clinic admin's form, so Django would leave it out of the
    checks too: a second exercise (or client, or word) of the same name in the clinic would
    pass the form and fail in the database. Placed first, it is checked and refused.
    """

    class InClinic(form_class):
        def _post_clean(self):
            self.instance.clinic_id = clinic_id
            super()._post_clean()

        def _get_validation_exclusions(self):
            return super()._get_validation_exclusions() - {"clinic"}

    InClinic.__name__ = form_class.__name__
    return InClinic


class ClinicScopedAdmin(admin.ModelAdmin):
    # Models whose rows carry a `clinic` field set from the admin's own clinic.
    sets_clinic = False
    # Clinical records that clients wrote are never edited here.
    read_only_records = False
    # Lists and records opened here are recorded in the audit trail.
    audit_reads = True

    def changelist_view(self, request: HttpRequest, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if self.audit_reads and response.status_code == 200 and changelist is not None:
            ids = [obj.pk for obj in changelist.result_list]
            audit.record_admin_read(request, self.model, ids)
        return response

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if self.audit_reads and request.method == "GET" and response.status_code == 200:
            audit.record_admin_read(request, self.model, [object_id])
        return response

    def _in_scope(self, request: HttpRequest, obj=None) -> bool:
        user = request.user
        if user.is_superuser:
            return True
        # The admin builds its menu for the login page too, for an anonymous visitor.
        if not getattr(user, "is_clinic_admin", False):
            return False
        if obj is None:
            return True
        # Two filters: for a Clinic, its clinic lookup is "pk" itself.
        in_clinic = _clinic_filter(self.model, user.clinic_id)
        return self.model.objects.filter(pk=obj.pk).filter(**in_clinic).exists()

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if getattr(request.user, "is_clinic_admin", False):
            return queryset.filter(**_clinic_filter(self.model, request.user.clinic_id))
        return queryset.none()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._in_scope(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._in_scope(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not self.read_only_records and self._in_scope(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self.read_only_records and self._in_scope(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self.read_only_records and self._in_scope(request, obj)

    def get_exclude(self, request: HttpRequest, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if self.sets_clinic and not request.user.is_superuser:
            exclude.append("clinic")
        return exclude

    def get_form(self, request: HttpRequest, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not self.sets_clinic or request.user.is_superuser:
            return form
        return _in_clinic(form, request.user.clinic_id)

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        if self.sets_clinic and not request.user.is_superuser:
            obj.clinic_id = request.user.clinic_id
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        related = db_field.related_model
        if (
            field is not None
            and not request.user.is_superuser
            and hasattr(related, "clinic_lookup")
        ):
            field.queryset = field.queryset.filter(
                **_clinic_filter(related, request.user.clinic_id)
            )
        return field


class ClinicScopedInline(admin.TabularInline):
    """Rows edited on their parent's page (a clinic's crisis lines): whoever may view or
    change the parent there may view or change them, and no one else."""

    def _parent_admin(self) -> ClinicScopedAdmin:
        return self.admin_site._registry[self.parent_model]

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._parent_admin().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._parent_admin().has_change_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._parent_admin().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._parent_admin().has_change_permission(request, obj)
