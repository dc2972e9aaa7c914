"""The legacy `analyze_emotions.py` JSON: the one builder behind the command, the API and the reports.

Two steps, so the SQL path and the pandas `--csv` path give byte-identical JSON:
1. aggregate: the database (here, GROUP BY in SQL) or pandas (analytics/legacy_pandas.py)
   reduces the events to `SummaryCounts`: counts per (location, local hour, emotion)
   of the rows at or above the threshold, plus the total and the first/last time;
2. `summary_from_counts` turns those few hundred numbers into the JSON dict.

The JSON shape is documented in docs/legacy.md.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import ExtractHour

from analytics.filters import EventFilter
from cameras.models import Location
from emotions.labels import EMOTIONS, SENTIMENT_OF, SENTIMENTS, legacy_name
from emotions.services.legacy_csv import format_legacy_timestamp

DEFAULT_THRESHOLD = 0.6


@dataclass(frozen=True)
class SummaryCounts:
    """What either aggregation path hands to the JSON builder."""

    total_rows: int
    first_timestamp: datetime | None
    last_timestamp: datetime | None
    # (location name, local hour 0..23, lowercase label) -> rows with confidence >= threshold
    valid_counts: dict[tuple[str, int, str], int]


def validate_threshold(threshold: float) -> float:
    threshold = float(threshold)
    if not 0.0 <= threshold <= 1.0:  # also rejects NaN
        raise ValueError(f"threshold must be between 0 and 1, got {threshold!r}")
    return threshold


def emotion_summary(*, event_filter: EventFilter, threshold: float = DEFAULT_THRESHOLD) -> dict:
    """The legacy JSON for the events `event_filter` selects, aggregated in SQL.

    One GROUP BY query over (location, local hour, emotion): at most
    locations x 24 x 7 rows come back, whatever the number of events.
    """
    threshold = validate_threshold(threshold)
    tz = ZoneInfo(settings.TIME_ZONE)
    # Served by the covering index event_ts_loc_emo_conf (timestamp, location, emotion, confidence).
    groups = (
        event_filter.events()
        .order_by()
        .annotate(local_hour=ExtractHour("timestamp", tzinfo=tz))
        .values("location_id", "local_hour", "emotion")
        .annotate(
            valid=Count("timestamp", filter=Q(confidence__gte=threshold)),
            total=Count("*"),
            first=Min("timestamp"),
            last=Max("timestamp"),
        )
    )
    total_rows = 0
    first: datetime | None = None
    last: datetime | None = None
    by_location_id: dict[tuple[int, int, str], int] = {}
    for group in groups:
        total_rows += group["total"]
        first = group["first"] if first is None else min(first, group["first"])
        last = group["last"] if last is None else max(last, group["last"])
        if group["valid"]:
            key = (group["location_id"], group["local_hour"], group["emotion"])
            by_location_id[key] = by_location_id.get(key, 0) + group["valid"]
    names = dict(
        Location.objects.filter(pk__in={key[0] for key in by_location_id}).values_list("pk", "name")
    )
    counts = SummaryCounts(
        total_rows=total_rows,
        first_timestamp=first,
        last_timestamp=last,
        valid_counts={(names[loc], hour, label): n for (loc, hour, label), n in by_location_id.items()},
    )
    return summary_from_counts(counts=counts, threshold=threshold, event_filter=event_filter)


def hour_label(hour: int) -> str:
    """14 -> "14:00 - 14:59", the legacy script's hour keys."""
    return f"{hour:02d}:00 - {hour:02d}:59"


def _percentages(counts: dict[str, int], total: int) -> dict[str, float]:
    return {name: (round(100.0 * n / total, 2) if total else 0.0) for name, n in counts.items()}


def _sentiment_summary(emotion_counts: dict[str, int]) -> dict:
    sentiment_counts = dict.fromkeys(SENTIMENTS, 0)
    for label, n in emotion_counts.items():
        sentiment_counts[SENTIMENT_OF[label]] += n
    total = sum(sentiment_counts.values())
    return {
        "total_valid_detections": total,
        "sentiment_counts": sentiment_counts,
        "sentiment_percentages": _percentages(sentiment_counts, total),
    }


def _legacy_emotion_counts(emotion_counts: dict[str, int]) -> dict[str, int]:
    return {legacy_name(label): emotion_counts[label] for label in EMOTIONS}


def _filter_metadata(event_filter: EventFilter) -> dict:
    tz = ZoneInfo(settings.TIME_ZONE)
    described = {}
    for field in dataclasses.fields(event_filter):
        value = getattr(event_filter, field.name)
        if isinstance(value, datetime):
            value = value.astimezone(tz).isoformat()
        described[field.name] = value
    return described


def summary_from_counts(*, counts: SummaryCounts, threshold: float, event_filter: EventFilter) -> dict:
    """Build the legacy JSON dict. Pure Python, deterministic key order."""
    overall = dict.fromkeys(EMOTIONS, 0)
    by_location: dict[str, dict[str, int]] = {}
    by_hour: dict[int, dict[str, int]] = {}
    for (location, hour, label), n in counts.valid_counts.items():
        overall[label] += n
        by_location.setdefault(location, dict.fromkeys(EMOTIONS, 0))[label] += n
        by_hour.setdefault(hour, dict.fromkeys(EMOTIONS, 0))[label] += n
    summary = _sentiment_summary(overall)

    def group(emotion_counts: dict[str, int]) -> dict:
        return {
            "overall_sentiment": _sentiment_summary(emotion_counts),
            "emotion_counts": _legacy_emotion_counts(emotion_counts),
        }

    return {
        "metadata": {
            "confidence_threshold": threshold,
            "time_zone": settings.TIME_ZONE,
            "total_rows": counts.total_rows,
            "valid_rows": summary["total_valid_detections"],
            "first_timestamp": (
                format_legacy_timestamp(counts.first_timestamp) if counts.first_timestamp else None
            ),
            "last_timestamp": (
                format_legacy_timestamp(counts.last_timestamp) if counts.last_timestamp else None
            ),
            "filters": _filter_metadata(event_filter),
        },
        "overall_sentiment_summary": summary,
        "overall_emotion_counts": _legacy_emotion_counts(overall),
        "analysis_by_location": {name: group(by_location[name]) for name in sorted(by_location)},
        "analysis_by_hour": {hour_label(hour): group(by_hour[hour]) for hour in sorted(by_hour)},
    }
