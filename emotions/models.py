"""What the cameras learned: emotion events, visits, and the models that produced them.

No image data lives here: events and visits hold labels, scores, times and places.
"""
from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cameras.models import Camera, Exhibit, Location
from emotions.labels import EMOTIONS, legacy_name


class Emotion(models.TextChoices):
    ANGRY = "angry", "Angry"
    DISGUST = "disgust", "Disgust"
    FEAR = "fear", "Fear"
    HAPPY = "happy", "Happy"
    NEUTRAL = "neutral", "Neutral"
    SAD = "sad", "Sad"
    SURPRISE = "surprise", "Surprise"


assert tuple(Emotion.values) == EMOTIONS
assert all(legacy_name(v) == lbl for v, lbl in Emotion.choices)


class ModelVersion(models.Model):
    """One trained emotion model: an artifact folder written by `manage.py retrain`."""

    name = models.CharField(max_length=100, unique=True, help_text="e.g. fer-cnn-20261125-1412")
    artifact_dir = models.CharField(max_length=500, help_text="Folder with model.keras, *.tflite, spec and metrics.")
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=False, help_text="The model the classifier loads.")
    accuracy = models.FloatField(null=True, blank=True, help_text="Validation accuracy of the float model.")
    macro_f1 = models.FloatField(null=True, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    training_seconds = models.FloatField(null=True, blank=True)
    data_source = models.CharField(max_length=500, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # At most one active model at a time.
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="one_active_model_version"
            ),
        ]

    def __str__(self) -> str:
        return self.name + (" (active)" if self.is_active else "")


class Visit(models.Model):
    """One tracked face in front of one camera, from first to last sighting."""

    camera = models.ForeignKey(Camera, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="visits")
    exhibit = models.ForeignKey(Exhibit, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits")
    track_id = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    dwell_seconds = models.FloatField(validators=[MinValueValidator(0.0)])
    frames_classified = models.PositiveIntegerField(default=0)
    mean_scores = models.JSONField(default=dict, help_text="Mean score per emotion over the visit.")
    dominant_emotion = models.CharField(max_length=16, choices=Emotion.choices)
    model_version = models.ForeignKey(ModelVersion, on_delete=models.SET_NULL, null=True, blank=True)
    # Idempotency: a retried segment writes the same key and adds nothing.
    visit_key = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            # Per-exhibit engagement: WHERE started_at BETWEEN .. GROUP BY exhibit_id
            models.Index(fields=["exhibit", "started_at"], name="visit_exhibit_started"),
            # Visits list and daily series: WHERE started_at BETWEEN .. [AND location_id = ..]
            models.Index(fields=["location", "started_at"], name="visit_location_started"),
            models.Index(fields=["started_at"], name="visit_started"),
        ]

    def __str__(self) -> str:
        return f"visit {self.track_id} at {self.location} ({self.dwell_seconds:.1f}s, {self.dominant_emotion})"


class EmotionEvent(models.Model):
    """One classified face at one moment: a row of the legacy emotion_log.csv, and more."""

    class Source(models.TextChoices):
        CAMERA = "camera", "Camera pipeline"
        IMPORT = "import", "Legacy CSV import"
        API = "api", "Ingest API (edge device)"

    timestamp = models.DateTimeField(help_text="When the face was seen (millisecond precision).")
    # db_index=False on location, camera and exhibit: the composite indexes below
    # start with these columns and serve the same lookups (and the FK checks on
    # delete); one index fewer each keeps bulk imports fast.
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="events", db_index=False)
    camera = models.ForeignKey(
        Camera, on_delete=models.SET_NULL, null=True, blank=True, related_name="events", db_index=False
    )
    # Copied from the camera when the event is written: a camera may be re-pointed
    # at another exhibit later, and history must keep the exhibit it faced then.
    exhibit = models.ForeignKey(
        Exhibit, on_delete=models.SET_NULL, null=True, blank=True, related_name="events", db_index=False
    )
    emotion = models.CharField(max_length=16, choices=Emotion.choices)
    confidence = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    scores = models.JSONField(null=True, blank=True, help_text="All 7 emotion scores, when known.")
    track_id = models.CharField(max_length=64, blank=True)
    # Indexed by the partial indexes in Meta (imported rows have neither).
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="events", db_index=False
    )
    model_version = models.ForeignKey(
        ModelVersion, on_delete=models.SET_NULL, null=True, blank=True, db_index=False
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.CAMERA)
    # Idempotency key: imports, retried pipeline segments and API clients that
    # send the same event twice add nothing.
    event_key = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["timestamp", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confidence__gte=0.0) & models.Q(confidence__lte=1.0),
                name="event_confidence_0_1",
            ),
            models.CheckConstraint(condition=models.Q(emotion__in=EMOTIONS), name="event_emotion_known"),
        ]
        indexes = [
            # Summary / series over a date range:
            #   WHERE timestamp >= .. AND timestamp < .. AND confidence >= t
            #   GROUP BY location_id, emotion, hour(timestamp)
            # covering, so PostgreSQL answers from the index alone.
            models.Index(
                fields=["timestamp", "location", "emotion", "confidence"], name="event_ts_loc_emo_conf"
            ),
            # Filter by location first (reports, export --location):
            #   WHERE location_id = .. AND timestamp BETWEEN ..
            models.Index(fields=["location", "timestamp"], name="event_location_ts"),
            # The next four are partial (WHERE .. IS NOT NULL): rows from the legacy import
            # and from edge devices have no camera, exhibit, visit or model version, and
            # skipping these indexes halves the cost of writing them. "col = x" and
            # "col IN (..)" imply "col IS NOT NULL", so PostgreSQL and SQLite still use them.
            # Per-camera views and camera filters: WHERE camera_id = .. AND timestamp BETWEEN ..
            models.Index(
                fields=["camera", "timestamp"], name="event_camera_ts", condition=models.Q(camera__isnull=False)
            ),
            # Per-exhibit reports: WHERE exhibit_id = .. AND timestamp BETWEEN ..
            models.Index(
                fields=["exhibit", "timestamp"], name="event_exhibit_ts", condition=models.Q(exhibit__isnull=False)
            ),
            # Events of a visit, and ON DELETE SET NULL: WHERE visit_id IN (..)
            models.Index(fields=["visit"], name="event_visit", condition=models.Q(visit__isnull=False)),
            # Events of a model version, and ON DELETE SET NULL: WHERE model_version_id IN (..)
            models.Index(
                fields=["model_version"], name="event_model_version", condition=models.Q(model_version__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {self.location} {self.emotion} {self.confidence:.2f}"


# ---- retention: rollups that outlive the raw rows, and the audit log -------------------------

CONFIDENCE_STEPS = 20  # rollups keep counts per 0.05 of confidence: exact at every threshold k/20


class EventRollup(models.Model):
    """Counts of purged emotion events (emotions/services/retention.py), so reports over purged
    periods keep their numbers. One row per local clock hour, location, camera, exhibit, emotion
    and confidence step (confidence in [step/20, (step+1)/20); step 20 is exactly 1.0).

    Besides the count: events without a visit (small-group suppression), and the first and last
    event of the group, so the legacy summary's first appearance ((timestamp, id) order) and its
    first/last timestamps stay what they were before the purge.
    """

    hour = models.DateTimeField(help_text="Start of the local (TIME_ZONE) clock hour, stored in UTC.")
    local_date = models.DateField()
    local_hour = models.PositiveSmallIntegerField()
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    camera_key = models.BigIntegerField(help_text="Camera id, or 0 for events without a camera.")
    exhibit_key = models.BigIntegerField(help_text="Exhibit id, or 0 for events without an exhibit.")
    emotion = models.CharField(max_length=16, choices=Emotion.choices)
    confidence_step = models.PositiveSmallIntegerField(help_text="floor(confidence * 20), 0..20.")
    events = models.BigIntegerField()
    unlinked_events = models.BigIntegerField(help_text="Events without a visit (imports, edge devices).")
    first_timestamp = models.DateTimeField()
    first_event_id = models.BigIntegerField(help_text="Id of the first event ((timestamp, id) order).")
    last_timestamp = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hour", "location", "camera_key", "exhibit_key", "emotion", "confidence_step"],
                name="event_rollup_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H:%M}Z loc {self.location_id} {self.emotion} step {self.confidence_step}: {self.events}"


class VisitRollup(models.Model):
    """Counts of purged visits per local clock hour they started in, location, camera, exhibit, emotion."""

    hour = models.DateTimeField(help_text="Start of the local (TIME_ZONE) clock hour, stored in UTC.")
    local_date = models.DateField()
    local_hour = models.PositiveSmallIntegerField()
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    camera_key = models.BigIntegerField()
    exhibit_key = models.BigIntegerField()
    dominant_emotion = models.CharField(max_length=16, choices=Emotion.choices)
    visits = models.BigIntegerField()
    dwell_seconds_total = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hour", "location", "camera_key", "exhibit_key", "dominant_emotion"], name="visit_rollup_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H:%M}Z loc {self.location_id} {self.dominant_emotion}: {self.visits} visits"


class AuditEntry(models.Model):
    """Who did what with the data, for the records a regulator asks for (AI Act Art. 12, GDPR Art. 30):
    exports and downloads with their filters, privacy-setting changes, and every purge."""

    class Action(models.TextChoices):
        EXPORT = "export", "Export / download"
        PRIVACY_CHANGE = "privacy", "Privacy setting changed"
        PURGE = "purge", "Retention purge"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.CharField(max_length=150, help_text="User name, or the command / job that acted.")
    what = models.CharField(max_length=200, help_text="e.g. events.csv, camera 'cam-1' privacy_zones")
    details = models.JSONField(default=dict, blank=True, help_text="Filters, rows and ranges, old and new values.")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.what} ({self.actor})"
