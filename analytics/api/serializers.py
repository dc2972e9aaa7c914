"""API shapes: model serializers for lists and staff CRUD, plain ones documenting the analytics JSON.

The analytics endpoints return the selectors' dicts as they are (the reports
page embeds the same dicts); the *Doc serializers below only describe them in
the OpenAPI schema.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from cameras.models import Camera, Exhibit, Location
from cameras.privacy_rules import opening_hours_validate, privacy_zones_validate
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


class IngestItemDoc(serializers.Serializer):
    id = serializers.CharField(max_length=60, help_text="Client-chosen unique id (a UUID); re-sending it adds nothing.")
    timestamp = serializers.DateTimeField(help_text="ISO 8601; without an offset it is local time (TIME_ZONE).")
    location = serializers.CharField(required=False, help_text="Location name; required unless camera is given.")
    camera = serializers.IntegerField(required=False, help_text="Camera id; its location and exhibit are used.")
    exhibit = serializers.IntegerField(required=False, help_text="Exhibit id (must be in the location).")
    emotion = serializers.ChoiceField(choices=[legacy_name(e) for e in EMOTIONS], help_text="Any case.")
    confidence = serializers.FloatField(min_value=0.0, max_value=1.0)
    scores = serializers.DictField(child=serializers.FloatField(), required=False)
    track_id = serializers.CharField(max_length=64, required=False)


class IngestRequestDoc(serializers.Serializer):
    events = IngestItemDoc(many=True, help_text="At most 5000 per request. A bare JSON list is accepted too.")


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
    errors = IngestProblemDoc(many=True)


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
    date = serializers.DateField(help_text="Local calendar day.")
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
    "enabled", "state", "last_frame_at", "fps", "frames_dropped", "faces_per_minute",
    "last_error", "last_error_at", "status_updated_at",
]


class PrivacyZoneSerializer(serializers.Serializer):
    """One polygon, coordinates as fractions (0..1) of the frame's width and height."""

    kind = serializers.ChoiceField(choices=["exclude", "include"])
    points = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(min_value=0.0, max_value=1.0), min_length=2,
                                    max_length=2),
        min_length=3, max_length=64, help_text="[[x, y], ...], at least 3 points",
    )


class CameraSerializer(serializers.ModelSerializer):
    source_kind = serializers.CharField(read_only=True)
    privacy_zones = serializers.ListField(
        child=PrivacyZoneSerializer(), required=False, max_length=32,
        help_text="Faces centred in an exclude zone, or outside every include zone when there are any, "
        "are never classified, tracked or recorded.",
    )

    class Meta:
        model = Camera
        fields = [
            "id", "name", "location", "exhibit", "source", "source_kind",
            "detection_width", "detect_every_n_frames", "min_face_size", "min_track_seconds",
            "events_per_second", "privacy_zones", *CAMERA_HEALTH_FIELDS,
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


class CameraStatusSerializer(serializers.ModelSerializer):
    location = serializers.CharField(source="location.name")
    exhibit = serializers.CharField(source="exhibit.title", allow_null=True, default=None)

    class Meta:
        model = Camera
        fields = ["id", "name", "location", "exhibit", *CAMERA_HEALTH_FIELDS]
        read_only_fields = fields
