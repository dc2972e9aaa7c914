"""Visits in the admin: read-only (the camera pipeline writes them), filterable by place and time."""
from __future__ import annotations

from django.contrib import admin

from emotions.admin.read_only import ReadOnlyAdminMixin
from emotions.admin.time_bounded import EventTimeDrillDownMixin
from emotions.models import Visit


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdminMixin, EventTimeDrillDownMixin, admin.ModelAdmin):
    list_display = ("started_at", "location", "exhibit", "camera", "dwell_seconds", "dominant_emotion",
                    "frames_classified", "model_version", "track_id")
    list_filter = ("location", "exhibit", "camera", "dominant_emotion", "model_version")
    list_select_related = ("location", "exhibit", "camera", "model_version")
    date_hierarchy = "started_at"
    search_fields = ("track_id",)
    ordering = ("-started_at",)
    list_per_page = 100

    def has_delete_permission(self, request, obj=None):
        # Staff may remove visits (e.g. a test run), never edit what the camera saw.
        return admin.ModelAdmin.has_delete_permission(self, request, obj)
