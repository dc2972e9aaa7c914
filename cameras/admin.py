"""Staff administration of locations, exhibits and cameras.

A camera's health is written by its worker (cameras.services.camera_status_update)
and only shown here; staff start and stop cameras with the list actions.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from cameras.admin_dates import BoundedDateHierarchyMixin
from cameras.models import Camera, Exhibit, Location, LocationClosure
from cameras.preview_store import preview_get, preview_request, preview_seconds
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


class ClosureInline(admin.TabularInline):
    model = LocationClosure
    extra = 0
    fields = ("first_day", "last_day", "reason")


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "floor", "staff_area", "exhibit_count", "camera_count", "created_at")
    list_filter = ("floor", "staff_area")
    search_fields = ("name", "description", "exhibits__title", "cameras__name")
    inlines = (ExhibitInline, CameraInline, ClosureInline)
    fieldsets = (
        (None, {"fields": ("name", "floor", "description", "created_at")}),
        ("Analysis hours and staff areas (privacy)", {"fields": ("staff_area", "opening_hours")}),
    )
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
    readonly_fields = (*HEALTH_FIELDS, "preview_link")
    actions = ("start_cameras", "stop_cameras")
    fieldsets = (
        (None, {"fields": ("name", "location", "exhibit", "source", "analysis_source", "enabled", "replay_realtime")}),
        ("Detection", {"fields": (
            "analysis_fps", "detection_width", "detect_every_n_frames", "min_face_size", "min_track_seconds", "events_per_second",
        )}),
        ("Privacy zones", {"fields": ("privacy_zones", "preview_link")}),
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

    @admin.display(description="Preview")
    def preview_link(self, obj: Camera) -> str:
        if obj.pk is None:
            return "Save the camera first."
        return format_html('<a href="{}">Blurred preview with the zones drawn</a>',
                           reverse("admin:cameras_camera_preview", args=[obj.pk]))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:camera_id>/preview/", view(self.preview_page), name="cameras_camera_preview"),
            path("<int:camera_id>/preview.jpg", view(self.preview_image), name="cameras_camera_preview_image"),
            *super().get_urls(),
        ]

    def preview_page(self, request, camera_id: int):
        """Staff see the camera's current view, every face blurred, with its privacy zones."""
        camera = get_object_or_404(Camera, pk=camera_id)
        if not self.has_view_permission(request, camera):
            raise Http404
        preview_request(camera.pk)
        context = {**self.admin_site.each_context(request), "camera": camera, "opts": self.model._meta,
                   "title": f"Preview: {camera.name}", "expiry_seconds": preview_seconds()}
        return TemplateResponse(request, "admin/cameras/camera/preview.html", context)

    def preview_image(self, request, camera_id: int):
        """The JPEG from the short-lived store (same origin; never a file); 404 until a worker made one."""
        camera = get_object_or_404(Camera, pk=camera_id)
        if not self.has_view_permission(request, camera):
            raise Http404
        preview_request(camera.pk)  # keep asking while the page is open
        jpeg = preview_get(camera.pk)
        if jpeg is None:
            raise Http404("no preview yet")
        response = HttpResponse(jpeg, content_type="image/jpeg")
        response["Cache-Control"] = "no-store"
        return response

    @admin.display(description="Last error")
    def short_last_error(self, obj: Camera) -> str:
        return obj.last_error if len(obj.last_error) <= 80 else obj.last_error[:79] + "…"

    @admin.action(description="Start cameras", permissions=["change"])
    def start_cameras(self, request, queryset):
        started = 0
        for camera in queryset.select_related("location"):
            try:
                camera_enable(camera=camera)
                started += 1
            except ValidationError as exc:
                self.message_user(request, f"{camera.name}: {' '.join(exc.messages)}", messages.ERROR)
        self.message_user(request, f"Started {started} camera(s); their workers pick them up.", messages.SUCCESS)

    @admin.action(description="Stop cameras", permissions=["change"])
    def stop_cameras(self, request, queryset):
        for camera in queryset:
            camera_disable(camera=camera)
        self.message_user(request, f"Stopped {len(queryset)} camera(s).", messages.SUCCESS)
