"""Admin for rows the system writes (camera events, visits, the audit log): staff read them,
nobody adds or edits them, so what the admin shows is what the cameras and services recorded."""
from __future__ import annotations


class ReadOnlyAdminMixin:
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
