"""Where visitors are seen: locations, the exhibits in them and the cameras facing them."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cameras.privacy_rules import opening_hours_validate, privacy_zones_validate
from cameras.validators import reject_control_characters


class Location(models.Model):
    """A place in the museum ("Museum Entrance", "Exhibit Hall A").

    The legacy CSV's `CameraLocation` column is this name.
    """

    name = models.CharField(max_length=120, unique=True, validators=[reject_control_characters])
    floor = models.CharField(max_length=40, blank=True, validators=[reject_control_characters])
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Privacy (AI Act Art. 5(1)(f)): staff areas and closed hours are never analysed.
    staff_area = models.BooleanField(
        default=False, help_text="Guards', guides' or desk staff's area: its cameras may not analyse (AI Act "
        "Art. 5(1)(f) prohibits emotion recognition at work).",
    )
    opening_hours = models.JSONField(
        default=dict, blank=True, validators=[opening_hours_validate],
        help_text='Weekly analysis hours, local time: {"mon": ["09:00-13:00", "14:00-18:00"], "tue": [...]}; '
        "a weekday left out is closed. Empty: not limited by the clock.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.staff_area and self.pk and self.cameras.filter(enabled=True).exists():
            raise ValidationError({"staff_area": "stop this location's cameras first: a staff area may not "
                                                 "have analysing cameras"})


class LocationClosure(models.Model):
    """Days a location is closed to analysis although its weekly hours say open (holidays, events)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="closures")
    first_day = models.DateField()
    last_day = models.DateField(help_text="Inclusive.")
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["location__name", "first_day"]
        constraints = [
            models.CheckConstraint(condition=models.Q(last_day__gte=models.F("first_day")),
                                   name="closure_days_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.location.name} closed {self.first_day}..{self.last_day}"


class Exhibit(models.Model):
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="exhibits")
    title = models.CharField(max_length=200, validators=[reject_control_characters])
    description = models.TextField(blank=True)
    on_show_from = models.DateField(null=True, blank=True)
    on_show_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["location__name", "title"]
        constraints = [
            models.UniqueConstraint(fields=["location", "title"], name="exhibit_unique_title_per_location"),
            models.CheckConstraint(
                condition=models.Q(on_show_until__isnull=True)
                | models.Q(on_show_from__isnull=True)
                | models.Q(on_show_until__gte=models.F("on_show_from")),
                name="exhibit_show_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.location.name})"


class Camera(models.Model):
    class SourceKind(models.TextChoices):
        RTSP = "rtsp", "RTSP stream"
        HTTP = "http", "HTTP(S) stream (MJPEG)"
        DEVICE = "device", "Local device (USB webcam)"
        FILE = "file", "Video file (replay)"

    class State(models.TextChoices):
        STOPPED = "stopped", "Stopped"
        STARTING = "starting", "Starting"
        RUNNING = "running", "Running"
        RECONNECTING = "reconnecting", "Reconnecting"
        ERROR = "error", "Error"
        IDLE = "idle", "Idle (outside analysis hours)"

    name = models.CharField(max_length=120, unique=True, validators=[reject_control_characters])
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="cameras")
    exhibit = models.ForeignKey(
        Exhibit, on_delete=models.SET_NULL, null=True, blank=True, related_name="cameras",
        help_text="The exhibit this camera faces, if any.",
    )
    source = models.CharField(
        max_length=500,
        help_text="rtsp://…, http(s)://… (MJPEG), a device index such as 0, or a video file path.",
    )
    analysis_source = models.CharField(
        max_length=500, blank=True,
        help_text="Optional: the camera's low-resolution substream, read for analysis instead of the source "
                  "(e.g. rtsp://…/Streaming/Channels/102). Face sizes are then in its pixels.",
    )
    enabled = models.BooleanField(default=False, help_text="Enabled cameras are processed by a worker.")

    # Detection settings.
    analysis_fps = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(0), MaxValueValidator(60)],
        help_text="Frames analysed per second (detection, tracking, classification), 0 = every frame. The "
                  "stream is still read at its own rate; frames in between are skipped before colour conversion.",
    )
    detection_width = models.PositiveIntegerField(
        default=480, validators=[MinValueValidator(160), MaxValueValidator(1920)],
        help_text="Frames are downscaled to this width before face detection.",
    )
    detect_every_n_frames = models.PositiveIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="Run the face detector on every n-th analysed frame (but at least events_per_second times a "
                  "second); the tracker follows faces in between.",
    )
    min_face_size = models.PositiveIntegerField(
        default=24, validators=[MinValueValidator(8)],
        help_text="Smallest face side, in pixels of the full frame.",
    )
    min_track_seconds = models.FloatField(
        default=1.0, validators=[MinValueValidator(0.0)],
        help_text="Tracks shorter than this are noise and are not recorded as visits.",
    )
    events_per_second = models.FloatField(
        default=4.0, validators=[MinValueValidator(0.1), MaxValueValidator(30.0)],
        help_text="Emotion events logged per second per tracked face (the prototype logged ~4/s).",
    )
    replay_realtime = models.BooleanField(
        default=False,
        help_text="Video files only: play the file at its own frame rate (realistic load) instead of as fast "
                  "as the worker can.",
    )

    privacy_zones = models.JSONField(
        default=list, blank=True, validators=[privacy_zones_validate],
        help_text='Polygons in 0..1 frame coordinates: [{"kind": "exclude"|"include", "points": [[x, y], ...]}]. '
        "Faces centred in an exclude zone, or outside every include zone when there are some, are ignored.",
    )

    # Health, written by the camera's worker.
    state = models.CharField(max_length=16, choices=State.choices, default=State.STOPPED)
    last_frame_at = models.DateTimeField(null=True, blank=True)
    fps = models.FloatField(default=0.0, help_text="Frames analysed per second, last segment.")
    input_fps = models.FloatField(default=0.0, help_text="Frames the stream delivered per second, last segment.")
    frames_dropped = models.BigIntegerField(default=0)
    faces_per_minute = models.FloatField(default=0.0)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    status_updated_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last time the camera's worker showed progress (frames or a healthy wait).",
    )
    restarts = models.PositiveIntegerField(
        default=0, help_text="Times the camera's worker died or its segment chain was started again.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.enabled and self.location_id and self.location.staff_area:
            raise ValidationError({"enabled": f"{self.location.name} is a staff area: its cameras may not analyse"})

    @property
    def source_kind(self) -> str:
        src = self.source.strip()
        lowered = src.lower()
        if lowered.startswith("rtsp://") or lowered.startswith("rtsps://"):
            return self.SourceKind.RTSP
        if lowered.startswith("http://") or lowered.startswith("https://"):
            return self.SourceKind.HTTP
        if src.isdigit():
            return self.SourceKind.DEVICE
        return self.SourceKind.FILE

    @property
    def queue_name(self) -> str:
        """The Celery queue this camera's worker consumes."""
        return f"camera.{self.pk}"
