"""Staff administration of locations, exhibits and cameras.

A camera's health is written by its worker (cameras.services.camera_status_update)
and only shown here; staff start and stop cameras with the list actions.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count

from cameras.admin_dates import BoundedDateHierarchyMixin
from cameras.models import Camera, Exhibit, Location
from cameras.selectors import STALLED, broker_reachable, camera_health_state, camera_rate_problem
from cameras.services import camera_disable, camera_enable

HEALTH_FIELDS = (
    "state", "heartbeat_at", "last_frame_at", "fps", "input_fps", "analysis_rate", "frames_dropped",
    "faces_per_minute", "restarts", "last_error", "last_error_at", "status_updated_at",
)


class ExhibitInline(admin.TabularInline):
    model = Exhibit
    extra = 0
    fields = ("title", "on_show_from", "on_show_until", "description")
    show_change_link = True


class CameraInline(admin.TabularInline):
    model = Camera
    extra = 0
    fields = ("name", "exhibit", "source", "enabled", "state")
    readonly_fields = ("state",)
    show_change_link = True


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "floor", "exhibit_count", "camera_count", "created_at")
    list_filter = ("floor",)
    search_fields = ("name", "description", "exhibits__title", "cameras__name")
    inlines = (ExhibitInline, CameraInline)
    readonly_fields = ("created_at",)

    def get_queryset(self, request):
        # distinct: the counts come from two joins.
        return super().get_queryset(request).annotate(
            exhibit_total=Count("exhibits", distinct=True), camera_total=Count("cameras", distinct=True)
        )

    @admin.display(description="Exhibits", ordering="exhibit_total")
    def exhibit_count(self, obj: Location) -> int:
        return obj.exhibit_total

    @admin.display(description="Cameras", ordering="camera_total")
    def camera_count(self, obj: Location) -> int:
        return obj.camera_total


@admin.register(Exhibit)
class ExhibitAdmin(BoundedDateHierarchyMixin, admin.ModelAdmin):
    list_display = ("title", "location", "on_show_from", "on_show_until")
    list_filter = ("location", "on_show_from", "on_show_until")
    list_select_related = ("location",)
    search_fields = ("title", "description", "location__name")
    date_hierarchy = "on_show_from"
    autocomplete_fields = ("location",)


@admin.register(Camera)
class CameraAdmin(admin.ModelAdmin):
    list_display = (
        "name", "location", "exhibit", "enabled", "health", "heartbeat_at", "last_frame_at", "analysed_fps",
        "input_fps", "analysis_rate", "frames_dropped",
        "faces_per_minute", "restarts", "short_last_error", "last_error_at",
    )
    list_filter = ("enabled", "state", "location", "exhibit")
    list_select_related = ("location", "exhibit")
    search_fields = ("name", "source", "location__name", "exhibit__title", "last_error")
    autocomplete_fields = ("location", "exhibit")
    readonly_fields = HEALTH_FIELDS
    actions = ("start_cameras", "stop_cameras")
    fieldsets = (
        (None, {"fields": ("name", "location", "exhibit", "source", "analysis_source", "enabled", "replay_realtime")}),
        ("Detection", {"fields": (
            "analysis_fps", "detection_width", "detect_every_n_frames", "min_face_size", "min_track_seconds", "events_per_second",
        )}),
        ("Health (written by the camera's worker)", {"fields": HEALTH_FIELDS}),
    )

    def changelist_view(self, request, extra_context=None):
        # The workers need the broker; say so where staff look when cameras misbehave.
        if not broker_reachable():
            self.message_user(request, "The broker (Redis, CELERY_BROKER_URL) is unreachable: camera workers "
                                       "cannot start or continue their segments.", messages.ERROR)
        return super().changelist_view(request, extra_context)

    @admin.display(description="State", ordering="state")
    def health(self, obj: Camera) -> str:
        """The stored state, or "stalled": running, but no sign of progress for CAMERA_STALL_SECONDS."""
        state = camera_health_state(obj)
        return "Stalled (no progress)" if state == STALLED else obj.get_state_display()

    @admin.display(description="Analysis fps", ordering="fps")
    def analysed_fps(self, obj: Camera) -> str:
        """Analysed frames a second, beside the target (0: every frame)."""
        return f"{obj.fps:.1f} / {obj.analysis_fps or 'all'}"

    @admin.display(description="Analysis rate")
    def analysis_rate(self, obj: Camera) -> str:
        """Kept, or why not (CPU or stream), from the last segment's figures."""
        problem = camera_rate_problem(obj)
        if problem:
            return f"Cannot keep it: {problem}"
        return "ok" if obj.state == Camera.State.RUNNING and obj.input_fps > 0 else "-"

    @admin.display(description="Last error")
    def short_last_error(self, obj: Camera) -> str:
        return obj.last_error if len(obj.last_error) <= 80 else obj.last_error[:79] + "…"

    @admin.action(description="Start cameras", permissions=["change"])
    def start_cameras(self, request, queryset):
        for camera in queryset:
            camera_enable(camera=camera)
        self.message_user(request, f"Started {len(queryset)} camera(s); their workers pick them up.", messages.SUCCESS)

    @admin.action(description="Stop cameras", permissions=["change"])
    def stop_cameras(self, request, queryset):
        for camera in queryset:
            camera_disable(camera=camera)
        self.message_user(request, f"Stopped {len(queryset)} camera(s).", messages.SUCCESS)
