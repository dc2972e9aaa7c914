"""EmotionEvent admin: read-only history, with an "export as emotion_log.csv" action.

Events are written only by the camera pipeline, the CSV import and the ingest
API; here staff look at them and export them. The changelist stays fast with
millions of rows: related names come in the same query, the total count is
not computed, and the date hierarchy drills down by day.
"""
from __future__ import annotations

import csv

from django.contrib import admin
from django.http import StreamingHttpResponse

from emotions.admin.read_only import ReadOnlyAdminMixin
from emotions.admin.time_bounded import EventTimeDrillDownMixin
from emotions.filters import EventFilter
from emotions.legacy_export import legacy_csv_rows
from emotions.services.audit import audit_export
from emotions.legacy_format import LEGACY_COLUMNS
from emotions.models import EmotionEvent


class _Echo:
    """csv.writer target that hands each line back instead of buffering it."""

    def write(self, value: str) -> str:
        return value


@admin.register(EmotionEvent)
class EmotionEventAdmin(ReadOnlyAdminMixin, EventTimeDrillDownMixin, admin.ModelAdmin):
    list_display = ("timestamp", "location", "camera", "exhibit", "emotion", "confidence", "source", "model_version")
    list_filter = ("emotion", "source", "location", "camera", "exhibit", "model_version")
    list_select_related = ("location", "camera", "exhibit", "model_version")
    search_fields = ("location__name", "camera__name", "exhibit__title", "track_id", "event_key")
    date_hierarchy = "timestamp"
    ordering = ("-timestamp",)
    show_full_result_count = False
    list_per_page = 100
    actions = ("export_emotion_log",)

    @admin.action(description="Export as emotion_log.csv", permissions=["view"])
    def export_emotion_log(self, request, queryset):
        audit_export(user=request.user, what="admin: events as emotion_log.csv",
                     params={**request.GET.dict(), "selected": len(request.POST.getlist("_selected_action"))})
        writer = csv.writer(_Echo(), lineterminator="\n")

        def lines():
            yield writer.writerow(LEGACY_COLUMNS)
            for row in legacy_csv_rows(event_filter=EventFilter(), queryset=queryset):
                yield writer.writerow(row)

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="emotion_log.csv"'
        return response
