"""The audit log in the admin: exports and downloads, privacy-setting changes, purges. Read-only for
everyone, superusers included: a record that staff could edit would prove nothing."""
from __future__ import annotations

from django.contrib import admin

from emotions.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "actor", "what")
    list_filter = ("action",)
    date_hierarchy = "at"
    search_fields = ("actor", "what")
    list_per_page = 100

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
