"""The audit log in the admin: exports and downloads, privacy-setting changes, purges. Read-only for
everyone, superusers included: a record that staff could edit would prove nothing."""
from __future__ import annotations

from django.contrib import admin

from emotions.admin.read_only import ReadOnlyAdminMixin
from emotions.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "action", "actor", "what")
    list_filter = ("action",)
    date_hierarchy = "at"
    search_fields = ("actor", "what")
    list_per_page = 100
