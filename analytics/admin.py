"""The privacy notice's details in the admin (one row; changes land in the audit log)."""
from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from analytics.models import PrivacyNotice


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    list_display = ("controller_name", "controller_contact", "dpo_contact", "updated_at")
    readonly_fields = ("updated_at", "links")
    fieldsets = (
        ("Controller", {"fields": ("controller_name", "controller_address", "controller_contact", "dpo_contact")}),
        ("Purposes and legal basis", {"fields": ("purposes_en", "purposes_it", "legal_basis_en", "legal_basis_it")}),
        ("Publishing", {"fields": ("public_url", "updated_at", "links")}),
    )

    def has_add_permission(self, request):
        return not PrivacyNotice.objects.exists()  # one notice per site

    @admin.display(description="Pages")
    def links(self, obj) -> str:
        return format_html('<a href="/privacy/">Notice</a> · <a href="/privacy/sign/?lang=it">Sign (IT)</a> · '
                           '<a href="/privacy/sign/?lang=en">Sign (EN)</a>')
