"""API shapes: model serializers for lists and staff CRUD, plain ones documenting the analytics JSON.

The analytics endpoints return the selectors' dicts as they are (the reports
page embeds the same dicts); the *Doc serializers below only describe them in
the OpenAPI schema.
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cameras.models import Camera, Exhibit, Location
from cameras.privacy_rules import opening_hours_parse, opening_hours_validate, privacy_zones_validate
from cameras.selectors import broker_reachable, camera_health_state, camera_is_stalled, camera_rate_problem
from cameras.validators import control_character_problem
from devices.models import HEARTBEAT_STATES, Device
from emotions.labels import EMOTIONS, SENTIMENTS, legacy_name
from emotions.models import EmotionEvent, Visit


class LegacyEmotionField(serializers.CharField):
    """'happy' -> 'Happy': the spelling of the legacy CSV and JSON."""

    def to_representation(self, value):
        return legacy_name(value) if value else value


# --- events and visits (read) -------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    location = serializers.CharField(source="location.name")
    emotion = LegacyEmotionField()

    class Meta:
        model = EmotionEvent
        fields = [
            "id", "event_key", "timestamp", "location", "location_id", "camera_id", "exhibit_id",
            "emotion", "confidence", "scores", "track_id", "visit_id", "source",
        ]
        read_only_fields = fields


class VisitSerializer(serializers.ModelSerializer):
    location = serializers.CharField(source="location.name")
    exhibit = serializers.CharField(source="exhibit.title", allow_null=True, default=None)
    camera = serializers.CharField(source="camera.name", allow_null=True, default=None)
    dominant_emotion = LegacyEmotionField()

    class Meta:
        model = Visit
        fields = [
            "id", "track_id", "location", "location_id", "exhibit", "exhibit_id", "camera", "camera_id",
            "started_at", "ended_at", "dwell_seconds", "frames_classified", "dominant_emotion", "mean_scores",
        ]
        read_only_fields = fields


# --- bulk ingest (documentation of the request; emotions.services.ingest validates) ---


# One enum in the schema for every field that takes an emotion (settings' ENUM_NAME_OVERRIDES).
LEGACY_EMOTION_CHOICES = [legacy_name(e) for e in EMOTIONS]


class IngestItemDoc(serializers.Serializer):
    id = serializers.CharField(max_length=60, help_text="Client-chosen unique id (a UUID); re-sending it adds nothing.")
    timestamp = serializers.DateTimeField(help_text="ISO 8601; without an offset it is local time (TIME_ZONE).")
    location = serializers.CharField(required=False, help_text="Location name; required unless camera is given.")
    camera = serializers.IntegerField(required=False, help_text="Camera id; its location and exhibit are used.")
    exhibit = serializers.IntegerField(required=False, help_text="Exhibit id (must be in the location).")
    emotion = serializers.ChoiceField(choices=LEGACY_EMOTION_CHOICES, help_text="Any case.")
    confidence = serializers.FloatField(min_value=0.0, max_value=1.0)
    scores = serializers.DictField(child=serializers.FloatField(), required=False)
    track_id = serializers.CharField(max_length=64, required=False)
    visit = serializers.CharField(max_length=60, required=False,
                                  help_text="The id of this event's visit, sent to POST /api/visits/ before.")
    model_version = serializers.IntegerField(required=False, help_text="The ModelVersion id that classified it.")


class IngestRequestDoc(serializers.Serializer):
    events = IngestItemDoc(
        many=True,
        help_text="At most INGEST_MAX_ITEMS (default 10000) per request and INGEST_MAX_BYTES (default 8 MiB) "
        "in all. A bare JSON list is accepted too.",
    )


class IngestResultDoc(serializers.Serializer):
    received = serializers.IntegerField()
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField(help_text="Items whose id was already stored (nothing changed).")


class IngestProblemDoc(serializers.Serializer):
    index = serializers.IntegerField(allow_null=True, help_text="Position in the request's list, from 0.")
    id = serializers.CharField(allow_null=True)
    errors = serializers.DictField(child=serializers.CharField(), help_text="field -> reason")


class IngestRejectedDoc(serializers.Serializer):
    detail = serializers.CharField()
    errors = IngestProblemDoc(many=True, help_text="One entry per bad item; index null: the body as a whole.")


class IngestTooLargeDoc(serializers.Serializer):
    detail = serializers.CharField()
    max_items = serializers.IntegerField(help_text="INGEST_MAX_ITEMS")
    max_bytes = serializers.IntegerField(help_text="INGEST_MAX_BYTES")
    received_items = serializers.IntegerField(required=False)
    received_bytes = serializers.IntegerField(required=False, help_text="As declared by Content-Length.")


# --- error bodies (documentation; analytics.api.schema adds them to every route) -------


class ErrorDetailDoc(serializers.Serializer):
    """401, 403, 404, 409 and a body that doesn't parse: DRF's {"detail": reason}."""

    detail = serializers.CharField()


class FieldErrorsDoc(serializers.Serializer):
    """A write's invalid fields, or a query's invalid parameters: {name: [reason, ...]}.

    Its schema (an object of string lists) comes from analytics.api.schema.
    """


class ParameterErrorsDoc(FieldErrorsDoc):
    """{parameter: [reason]} for a query parameter that is unknown or invalid."""


# --- paginated lists ---------------------------------------------------------------


def _paginated_doc(name: str, item_serializer) -> type[serializers.Serializer]:
    return type(name, (serializers.Serializer,), {
        "next": serializers.URLField(allow_null=True, help_text="The next page, or null on the last."),
        "previous": serializers.URLField(allow_null=True, help_text="The previous page, or null on the first."),
        "results": item_serializer(many=True),
    })


PaginatedEventsDoc = _paginated_doc("PaginatedEvents", EventSerializer)
PaginatedVisitsDoc = _paginated_doc("PaginatedVisits", VisitSerializer)


# --- analytics JSON (documentation) -----------------------------------------------


def _counts_doc(name: str, keys) -> type[serializers.Serializer]:
    # null: the group is suppressed (fewer than MIN_GROUP_SIZE visits, see `suppressed`).
    return type(name, (serializers.Serializer,), {key: serializers.IntegerField(allow_null=True) for key in keys})


SUPPRESSED_HELP = ("True when the value is backed by fewer than MIN_GROUP_SIZE visits (or events without a visit): "
                   "its numbers are then null, so that no value can point at one visitor.")


EmotionCountsDoc = _counts_doc("EmotionCounts", [legacy_name(e) for e in EMOTIONS])
SentimentCountsDoc = _counts_doc("SentimentCounts", SENTIMENTS)


class HourlyPointDoc(serializers.Serializer):
    hour = serializers.DateTimeField(help_text="Start of the local clock hour.")
    total = serializers.IntegerField(allow_null=True)
    suppressed = serializers.BooleanField(help_text=SUPPRESSED_HELP)
    emotion_counts = EmotionCountsDoc()
    sentiment_counts = SentimentCountsDoc()


class DailyPointDoc(serializers.Serializer):
    date = serializers.DateField(help_text="The bucket's first local day.")
    bucket = serializers.ChoiceField(
        choices=["day", "week", "month", "year"], help_text="The bucket's size, chosen by the span of the events."
    )
    total = serializers.IntegerField(allow_null=True)
    suppressed = serializers.BooleanField(help_text=SUPPRESSED_HELP)
    emotion_counts = EmotionCountsDoc()
    sentiment_counts = SentimentCountsDoc()


class LocationStatsDoc(serializers.Serializer):
    location_id = serializers.IntegerField()
    location = serializers.CharField()
    total = serializers.IntegerField(allow_null=True, help_text="Events at or above the threshold.")
    emotion_counts = EmotionCountsDoc()
    sentiment_counts = SentimentCountsDoc()
    dominant_emotion = serializers.CharField(allow_null=True)
    visits = serializers.IntegerField(allow_null=True)
    suppressed = serializers.BooleanField(help_text=SUPPRESSED_HELP)
    mean_dwell_seconds = serializers.FloatField(allow_null=True)
    total_dwell_seconds = serializers.FloatField(allow_null=True)


class ExhibitEngagementDoc(serializers.Serializer):
    exhibit_id = serializers.IntegerField()
    exhibit = serializers.CharField()
    location_id = serializers.IntegerField()
    location = serializers.CharField()
    visits = serializers.IntegerField(allow_null=True)
    mean_dwell_seconds = serializers.FloatField(allow_null=True)
    total_dwell_seconds = serializers.FloatField(allow_null=True)
    dominant_emotion = serializers.CharField(allow_null=True, help_text="Most frequent dominant emotion of the visits.")
    visit_emotion_counts = EmotionCountsDoc()
    events = serializers.IntegerField(allow_null=True, help_text="Events at or above the threshold seen at the exhibit.")
    suppressed = serializers.BooleanField(help_text=SUPPRESSED_HELP)


class LegacyFiltersDoc(serializers.Serializer):
    since = serializers.CharField(allow_null=True, help_text="ISO 8601, local time.")
    until = serializers.CharField(allow_null=True, help_text="ISO 8601, local time; exclusive.")
    location = serializers.CharField(allow_null=True)
    location_id = serializers.IntegerField(allow_null=True)
    exhibit_id = serializers.IntegerField(allow_null=True)
    camera_id = serializers.IntegerField(allow_null=True)


class LegacyMetadataDoc(serializers.Serializer):
    log_file = serializers.CharField(help_text="The CSV's file name with --csv; 'emotion_log.csv' for the database.")
    confidence_threshold = serializers.FloatField()
    total_rows_read = serializers.IntegerField(help_text="Rows in scope (any confidence).")
    rows_analyzed = serializers.IntegerField(help_text="Of those, rows with confidence >= the threshold.")
    time_zone = serializers.CharField()
    first_timestamp = serializers.CharField(allow_null=True, help_text="Local, 'YYYY-MM-DD HH:MM:SS.fff'.")
    last_timestamp = serializers.CharField(allow_null=True)
    filters = LegacyFiltersDoc()


class LegacySentimentDoc(serializers.Serializer):
    total_valid_detections = serializers.IntegerField()
    sentiment_counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Positive / Negative / Neutral. Default: only those that occur, largest count first "
        "(pandas value_counts order); fill_zeros: all three, in that order.",
    )
    sentiment_percentages = serializers.DictField(
        child=serializers.FloatField(), help_text="Percent of total_valid_detections, 2 decimals; same keys and order."
    )


class LegacyGroupDoc(serializers.Serializer):
    overall_sentiment = LegacySentimentDoc()
    emotion_counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Angry ... Surprise. Default: only those that occur, largest count first; fill_zeros: all 7.",
    )


class LegacySummaryDoc(serializers.Serializer):
    """analyze_emotions' JSON (docs/legacy.md)."""

    metadata = LegacyMetadataDoc()
    overall_sentiment_summary = LegacySentimentDoc()
    overall_emotion_counts = serializers.DictField(child=serializers.IntegerField())
    analysis_by_location = serializers.DictField(child=LegacyGroupDoc(), help_text="By location name, sorted.")
    analysis_by_hour = serializers.DictField(
        child=LegacyGroupDoc(), help_text='By local hour, "HH:00 - HH:59", sorted.'
    )


class LegacyNoDataDoc(serializers.Serializer):
    """The prototype's answer when no row reaches the threshold (not with fill_zeros)."""

    error = serializers.ChoiceField(choices=["No data meets threshold"])


class CorrectedMixEmotionDoc(serializers.Serializer):
    emotion = serializers.ChoiceField(choices=LEGACY_EMOTION_CHOICES)
    detections = serializers.IntegerField(allow_null=True, help_text="Detections with this label, every confidence.")
    detected_percent = serializers.FloatField(allow_null=True, help_text="Their share of the detections, 1 decimal.")
    estimated_percent = serializers.FloatField(
        allow_null=True, help_text="Estimated true share, corrected by the confusion matrix (sums to ~100)."
    )
    low_percent = serializers.FloatField(allow_null=True, help_text="The interval's low end (see `level`).")
    high_percent = serializers.FloatField(allow_null=True, help_text="The interval's high end.")
    recall = serializers.FloatField(allow_null=True, help_text="Validation faces of this emotion read as it.")
    precision = serializers.FloatField(allow_null=True, help_text="Validation faces read as it that were it.")
    validation_faces = serializers.IntegerField(allow_null=True)
    reliability = serializers.ChoiceField(choices=["reliable", "fair", "caution"], allow_null=True)
    note = serializers.CharField(allow_blank=True, help_text="One plain sentence, from the figures.")


class CorrectedMixModelDoc(serializers.Serializer):
    name = serializers.CharField()
    confusion_matrix = serializers.CharField(allow_null=True, help_text="What it was measured on; null: none.")


class CorrectedMixPartDoc(serializers.Serializer):
    name = serializers.CharField(help_text="A model version whose matrix corrected some of the detections.")
    active = serializers.BooleanField()
    detections = serializers.IntegerField()
    confusion_matrix = serializers.CharField()


class CorrectedMixDoc(serializers.Serializer):
    """The estimated true emotion mix of the selection (analytics.selectors.corrected_mix)."""

    status = serializers.ChoiceField(
        choices=["estimated", "no_data", "suppressed", "unavailable"],
        help_text="estimated: numbers below; no_data: no detections; suppressed: fewer than MIN_GROUP_SIZE visits "
        "(no numbers); unavailable: the active model has no usable confusion matrix (`message` says why).",
    )
    message = serializers.CharField()
    detections = serializers.IntegerField(allow_null=True, help_text="Every detection of the selection, any confidence.")
    level = serializers.FloatField(help_text="The intervals' coverage, e.g. 0.9.")
    emotions = CorrectedMixEmotionDoc(many=True, help_text="All 7, in a fixed order.")
    model = CorrectedMixModelDoc(help_text="The active model, whose reliability figures are shown.")
    models = CorrectedMixPartDoc(many=True, help_text="Which matrix corrected which detections (estimated only).")
    notes = serializers.ListField(child=serializers.CharField(), help_text="Caveats about this selection.")
    method = serializers.CharField()


# --- places and cameras (staff CRUD) --------------------------------------------------


class LocationSerializer(serializers.ModelSerializer):
    opening_hours = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(max_length=11)), required=False,
        help_text='Weekly analysis hours, local time: {"mon": ["09:00-13:00", "14:00-18:00"], ...}; keys mon..sun; '
        "a weekday left out is closed; {} means not limited by the clock.",
    )

    class Meta:
        model = Location
        fields = ["id", "name", "floor", "description", "staff_area", "opening_hours", "created_at"]
        read_only_fields = ["created_at"]

    def validate_opening_hours(self, value):
        try:
            opening_hours_validate(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return value

    def validate(self, attrs):
        # Mirrors Location.clean: a staff area may not have analysing cameras.
        if attrs.get("staff_area") and self.instance is not None and self.instance.cameras.filter(enabled=True).exists():
            raise serializers.ValidationError({"staff_area": "stop this location's cameras first"})
        return attrs


class ExhibitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exhibit
        fields = ["id", "location", "title", "description", "on_show_from", "on_show_until"]

    def validate(self, attrs):
        # Mirrors the exhibit_show_dates_ordered check constraint: a clear 400, not an IntegrityError.
        start = attrs.get("on_show_from", getattr(self.instance, "on_show_from", None))
        end = attrs.get("on_show_until", getattr(self.instance, "on_show_until", None))
        if start and end and end < start:
            raise serializers.ValidationError({"on_show_until": "must not be before on_show_from"})
        return attrs


CAMERA_HEALTH_FIELDS = [
    "enabled", "state", "health", "stalled", "heartbeat_at", "last_frame_at", "fps", "input_fps",
    "analysis_rate_problem", "frames_dropped",
    "faces_per_minute", "restarts", "last_error", "last_error_at", "status_updated_at",
]


class PrivacyZoneSerializer(serializers.Serializer):
    """One polygon, coordinates as fractions (0..1) of the frame's width and height."""

    kind = serializers.ChoiceField(choices=["exclude", "include"])
    points = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(min_value=0.0, max_value=1.0), min_length=2,
                                    max_length=2),
        min_length=3, max_length=64, help_text="[[x, y], ...], at least 3 points",
    )


class CameraHealthMixin(serializers.Serializer):
    health = serializers.SerializerMethodField(
        help_text="The state as the operator should see it: the stored state, or `stalled` when a running "
                  "camera's worker showed no progress for CAMERA_STALL_SECONDS.")
    stalled = serializers.SerializerMethodField()
    analysis_rate_problem = serializers.SerializerMethodField(
        help_text="Empty while the camera keeps its analysis rate; else why not: `stream: ...` (the stream "
                  "sends fewer frames than analysis_fps) or `CPU: ...` (analysis takes longer than the interval).")

    def get_analysis_rate_problem(self, obj) -> str:
        return camera_rate_problem(obj)

    def get_health(self, obj) -> str:
        return camera_health_state(obj)

    def get_stalled(self, obj) -> bool:
        return camera_is_stalled(obj)


class CameraSerializer(CameraHealthMixin, serializers.ModelSerializer):
    source_kind = serializers.CharField(read_only=True)
    privacy_zones = serializers.ListField(
        child=PrivacyZoneSerializer(), required=False, max_length=32,
        help_text="Faces centred in an exclude zone, or outside every include zone when there are any, "
        "are never classified, tracked or recorded.",
    )

    class Meta:
        model = Camera
        fields = [
            "id", "name", "location", "exhibit", "source", "source_kind", "analysis_source", "analysis_fps",
            "detection_width", "detect_every_n_frames", "min_face_size", "min_track_seconds",
            "events_per_second", "replay_realtime", "privacy_zones", *CAMERA_HEALTH_FIELDS,
        ]
        # Health is the worker's to write; start/stop go through the actions (cameras.services).
        read_only_fields = CAMERA_HEALTH_FIELDS

    def validate_privacy_zones(self, value):
        try:
            return privacy_zones_validate([dict(zone) for zone in value])
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def validate(self, attrs):
        location = attrs.get("location", getattr(self.instance, "location", None))
        exhibit = attrs.get("exhibit", getattr(self.instance, "exhibit", None))
        if exhibit is not None and location is not None and exhibit.location_id != location.pk:
            raise serializers.ValidationError({"exhibit": f"exhibit {exhibit.pk} is not in {location.name!r}"})
        return attrs


class CameraStatusSerializer(CameraHealthMixin, serializers.ModelSerializer):
    location = serializers.CharField(source="location.name")
    exhibit = serializers.CharField(source="exhibit.title", allow_null=True, default=None)
    broker_reachable = serializers.SerializerMethodField(
        help_text="Whether the site reaches the broker the camera workers need (checked once per request).")

    class Meta:
        model = Camera
        fields = ["id", "name", "location", "exhibit", *CAMERA_HEALTH_FIELDS, "broker_reachable"]
        read_only_fields = fields

    def get_broker_reachable(self, obj) -> bool:
        if "broker_reachable" not in self.context:
            self.context["broker_reachable"] = broker_reachable()
        return self.context["broker_reachable"]


# --- edge devices (Authorization: Device <token>; see docs/edge.md) -------------------

# What an edge device needs to run its camera's pipeline as the server would. Fields added
# to Camera for detection (privacy zones, analysis settings) belong in this list too.
CAMERA_SETTINGS_FIELDS = [
    "id", "name", "location", "location_name", "exhibit", "source", "analysis_source", "analysis_fps",
    "detection_width", "detect_every_n_frames", "min_face_size", "min_track_seconds", "events_per_second",
    "replay_realtime", "privacy_zones", "analysis_hours",
]


class DeviceAnalysisHoursSerializer(serializers.Serializer):
    """When the camera may analyse (its location's hours, closures, staff flag), as the pipeline's
    AnalysisHours takes it: the device applies it to every frame, as the server's workers do."""

    time_zone = serializers.CharField(help_text="The museum's TIME_ZONE: hours and closures are local.")
    weekly = serializers.DictField(
        child=serializers.ListField(child=serializers.ListField(child=serializers.IntegerField(), min_length=2,
                                                                max_length=2)),
        allow_null=True,
        help_text='Weekday (0 = Monday) -> [[start, end], ...] in minutes after midnight, end exclusive; '
                  'null: no hours set, open at any time.',
    )
    closures = serializers.ListField(child=serializers.ListField(child=serializers.DateField(), min_length=2,
                                                                 max_length=2),
                                     help_text="[[first day, last day], ...]: closed, whatever the hours.")
    staff_area = serializers.BooleanField(help_text="A staff area: never analysed.")


class DeviceCameraSettingsSerializer(serializers.ModelSerializer):
    """The device's camera: where it is, its detection settings, privacy zones and analysis hours."""

    location_name = serializers.CharField(source="location.name", read_only=True)
    privacy_zones = serializers.ListField(child=PrivacyZoneSerializer(), read_only=True)
    analysis_hours = serializers.SerializerMethodField()

    @extend_schema_field(DeviceAnalysisHoursSerializer)
    def get_analysis_hours(self, camera: Camera) -> dict:
        location = camera.location
        weekly = opening_hours_parse(location.opening_hours)
        return DeviceAnalysisHoursSerializer({
            "time_zone": settings.TIME_ZONE,
            "weekly": {str(day): [list(span) for span in spans] for day, spans in weekly.items()} or None,
            "closures": [list(days) for days in location.closures.values_list("first_day", "last_day")],
            "staff_area": location.staff_area,
        }).data

    class Meta:
        model = Camera
        fields = CAMERA_SETTINGS_FIELDS
        read_only_fields = fields


class DeviceModelSerializer(serializers.Serializer):
    name = serializers.CharField(source="version.name", help_text="The active ModelVersion's name.")
    model_version = serializers.IntegerField(source="version.pk", help_text="The active ModelVersion's id.")
    variant = serializers.CharField(help_text="The .tflite served: int8 where the artifact has it, else float.")
    size = serializers.IntegerField(help_text="Bytes of the .tflite.")
    sha256 = serializers.CharField(help_text="SHA-256 of the .tflite, hex: check it after the download.")
    spec = serializers.DictField(help_text="The artifact's spec.json (labels, input size, TTA...), its "
                                           "default_variant set to the variant served.")
    file_url = serializers.CharField(help_text="Where to download the .tflite (GET, same token).")


class DeviceHeartbeatSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=HEARTBEAT_STATES)
    agent_version = serializers.CharField(max_length=40, required=False, default="")
    queued = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, default=0,
                                      help_text="Batches waiting in the device's local queue.")
    dropped = serializers.IntegerField(min_value=0, max_value=2**62, required=False, default=0,
                                       help_text="Batches dropped since the device's queue was created.")
    fps = serializers.FloatField(min_value=0.0, max_value=10000.0, required=False, default=0.0)
    frames = serializers.IntegerField(min_value=0, max_value=2**62, required=False, default=0)
    model_sha256 = serializers.RegexField(r"^([0-9a-f]{64})?$", required=False, default="")
    last_error = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)

    def validate(self, attrs):
        if (problem := control_character_problem(attrs.get("agent_version", ""))) is not None:
            raise serializers.ValidationError({"agent_version": [problem]})
        if "\x00" in attrs.get("last_error", ""):  # PostgreSQL text can't hold NUL
            raise serializers.ValidationError({"last_error": ["must not contain NUL characters"]})
        return attrs


class DeviceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Device
        fields = ["id", "name", "camera", "state", "agent_version", "last_contact_at", "queued", "dropped", "fps",
                  "frames", "model_sha256", "last_error"]
        read_only_fields = fields


class VisitIngestItemDoc(serializers.Serializer):
    id = serializers.RegexField(r"^[A-Za-z0-9._:\-]{1,60}$",
                                help_text="Client-chosen unique id; re-sending it updates the visit.")
    started_at = serializers.DateTimeField(help_text="ISO 8601; without an offset it is local time (TIME_ZONE).")
    ended_at = serializers.DateTimeField(help_text="Not before started_at, at most 24 h after it.")
    dominant_emotion = serializers.ChoiceField(choices=LEGACY_EMOTION_CHOICES, help_text="Any case.")
    location = serializers.CharField(required=False, help_text="Location name; required unless camera is given.")
    camera = serializers.IntegerField(required=False, help_text="Camera id; a device's own camera by default.")
    exhibit = serializers.IntegerField(required=False, help_text="Exhibit id (must be in the location).")
    dwell_seconds = serializers.FloatField(min_value=0.0, required=False,
                                           help_text="Default: ended_at - started_at.")
    frames_classified = serializers.IntegerField(min_value=0, required=False)
    mean_scores = serializers.DictField(child=serializers.FloatField(), required=False)
    track_id = serializers.CharField(max_length=64, required=False)
    model_version = serializers.IntegerField(required=False, help_text="The ModelVersion id that classified it.")


class VisitIngestRequestDoc(serializers.Serializer):
    visits = VisitIngestItemDoc(
        many=True,
        help_text="At most INGEST_MAX_ITEMS (default 10000) per request and INGEST_MAX_BYTES (default 8 MiB) "
        "in all. A bare JSON list is accepted too.",
    )


class VisitIngestResultDoc(serializers.Serializer):
    received = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField(help_text="Items whose id was already stored: set to what was sent.")
