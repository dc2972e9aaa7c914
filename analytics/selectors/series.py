"""Emotion counts over time, bucketed by local (settings.TIME_ZONE) hour or day.

Buckets are computed by the database (AT TIME ZONE on PostgreSQL, Django's
registered functions on SQLite), so a day starts at local midnight on both.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone

from analytics.rollup_counts import rollup_event_rows
from analytics.selectors._counts import empty_emotion_counts, sentiment_counts_of
from analytics.selectors.suppression import points_suppressed
from analytics.selectors.event_counts import counted_events
from emotions.filters import EventFilter
from emotions.labels import legacy_name


def _bucketed_counts(*, event_filter: EventFilter, threshold: float, truncate) -> dict:
    """{bucket value: legacy emotion counts} of the events at or above the threshold."""
    # GROUP BY local bucket, emotion: over the hourly counts, or over the events'
    # covering index event_ts_loc_emo_conf (timestamp range, confidence >= t).
    source = counted_events(event_filter=event_filter, threshold=threshold, local_time=True)
    rows = (
        source.rows.annotate(bucket=truncate(source.time_field, tzinfo=timezone.get_default_timezone()))
        .values("bucket", "emotion")
        .annotate(n=source.count)
    )
    buckets: dict = {}
    for row in rows:
        counts = buckets.setdefault(row["bucket"], empty_emotion_counts())
        counts[legacy_name(row["emotion"])] += row["n"]
    # Purged periods: the retention rollups hold the same local hours and days.
    rollup_field = "hour" if truncate is TruncHour else "local_date"
    for row in rollup_event_rows(event_filter=event_filter, threshold=threshold, fields=(rollup_field, "emotion")):
        counts = buckets.setdefault(row[rollup_field], empty_emotion_counts())
        counts[legacy_name(row["emotion"])] += row["n"]
    return buckets


def _point(key: str, value: str, counts: dict[str, int]) -> dict:
    return {
        key: value,
        "total": sum(counts.values()),
        "emotion_counts": counts,
        "sentiment_counts": sentiment_counts_of(counts),
    }


def emotion_hourly_series(*, event_filter: EventFilter, threshold: float) -> list[dict]:
    """One point per local clock hour that has events, oldest first.

    `hour` is the bucket's local start as ISO 8601 with its UTC offset. Buckets
    are local clock hours, so on the autumn daylight-saving change the repeated
    hour is one bucket (as in the legacy script's hour keys).
    """
    tz = timezone.get_default_timezone()
    buckets = _bucketed_counts(event_filter=event_filter, threshold=threshold, truncate=TruncHour)
    points = [_point("hour", start.astimezone(tz).isoformat(), buckets[start]) for start in sorted(buckets)]
    return points_suppressed(points, event_filter=event_filter, by="hour", key="hour", parse=datetime.fromisoformat)


def emotion_daily_series(*, event_filter: EventFilter, threshold: float) -> list[dict]:
    """One point per local calendar day from the first day with events to the last.

    Days in between without events are included at zero, so a trend line shows the gap.
    """
    buckets: dict[date, dict[str, int]] = _bucketed_counts(
        event_filter=event_filter, threshold=threshold, truncate=TruncDate
    )
    if not buckets:
        return []
    day, last = min(buckets), max(buckets)
    points = []
    while day <= last:
        points.append(_point("date", day.isoformat(), buckets.get(day) or empty_emotion_counts()))
        day += timedelta(days=1)
    return points_suppressed(points, event_filter=event_filter, by="day", key="date", parse=date.fromisoformat)
