"""Emotion counts over time, bucketed by local (settings.TIME_ZONE) hour, day, week or month.

Buckets are computed by the database (AT TIME ZONE on PostgreSQL, Django's
registered functions on SQLite), so a day starts at local midnight on both.

Both series stay small for any stored range. The "daily" series counts per
local day while its events span at most DAY_BUCKETS_MAX_SPAN_DAYS, per week
(Monday to Sunday) up to WEEK_BUCKETS_MAX_SPAN_DAYS, per calendar month up to
MONTH_BUCKETS_MAX_SPAN_DAYS and per calendar year beyond: at most 366 days,
~262 weeks, ~480 months, or one point a year (only events stored before the
time bounds existed can span more than 40 years). Each point says its `bucket`. The hourly series lists the
hours that have events and refuses (SeriesSpanTooLong) to cover more than
HOURLY_MAX_SPAN_DAYS.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Max, Min
from django.db.models.functions import TruncDate, TruncHour, TruncMonth, TruncWeek, TruncYear
from django.utils import timezone

from analytics.rollup_counts import rollup_event_rows
from analytics.selectors._counts import empty_emotion_counts, sentiment_counts_of
from analytics.selectors.event_counts import CountedEvents, counted_events
from analytics.selectors.suppression import points_suppressed
from emotions.filters import EventFilter
from emotions.labels import legacy_name

DAY_BUCKETS_MAX_SPAN_DAYS = 366
WEEK_BUCKETS_MAX_SPAN_DAYS = 5 * 366
MONTH_BUCKETS_MAX_SPAN_DAYS = 40 * 366
HOURLY_MAX_SPAN_DAYS = 93


class SeriesSpanTooLong(ValueError):
    """The hourly series was asked for more than HOURLY_MAX_SPAN_DAYS of events."""


def _local_span(source: CountedEvents, *, event_filter: EventFilter, threshold: float) -> tuple[date, date] | None:
    """First and last local day with counted events, live (one indexed MIN/MAX) or rolled up, or None."""
    edges = source.rows.aggregate(first=Min(source.time_field), last=Max(source.time_field))
    tz = timezone.get_default_timezone()
    days = [edges[k].astimezone(tz).date() for k in ("first", "last") if edges[k] is not None]
    days += [row["local_date"] for row in rollup_event_rows(
        event_filter=event_filter, threshold=threshold, fields=("local_date",))]
    return (min(days), max(days)) if days else None


def _bucketed_counts(source: CountedEvents, truncate, *, event_filter: EventFilter, threshold: float,
                     bucket_of_day=None) -> dict:
    """{bucket value: legacy emotion counts} of the counted events and of the purged ones' rollups.

    The rollups hold local hours and days: `bucket_of_day` maps a rolled-up day to its
    bucket (week, month, year) where the series uses a larger bucket than a day."""
    # GROUP BY local bucket, emotion: over the hourly counts, or over the events'
    # covering index event_ts_loc_emo_conf (timestamp range, confidence >= t).
    rows = (
        source.rows.annotate(bucket=truncate(source.time_field, tzinfo=timezone.get_default_timezone()))
        .values("bucket", "emotion")
        .annotate(n=source.count)
    )
    tz = timezone.get_default_timezone()
    buckets: dict = {}
    for row in rows:
        key = row["bucket"]
        if truncate is not TruncHour and isinstance(key, datetime):  # TruncWeek/Month/Year: the local first day
            key = key.astimezone(tz).date()
        counts = buckets.setdefault(key, empty_emotion_counts())
        counts[legacy_name(row["emotion"])] += row["n"]
    # Purged periods: the retention rollups hold the same local hours and days.
    rollup_field = "hour" if truncate is TruncHour else "local_date"
    for row in rollup_event_rows(event_filter=event_filter, threshold=threshold, fields=(rollup_field, "emotion")):
        key = row[rollup_field] if bucket_of_day is None else bucket_of_day(row[rollup_field])
        counts = buckets.setdefault(key, empty_emotion_counts())
        counts[legacy_name(row["emotion"])] += row["n"]
    return buckets


def _point(key: str, value: str, counts: dict[str, int], **extra) -> dict:
    return {
        key: value,
        **extra,
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
    source = counted_events(event_filter=event_filter, threshold=threshold, local_time=True)
    span = _local_span(source, event_filter=event_filter, threshold=threshold)
    if span and (span[1] - span[0]).days >= HOURLY_MAX_SPAN_DAYS:
        raise SeriesSpanTooLong(
            f"the events span {span[0].isoformat()} to {span[1].isoformat()}; the hourly series covers at "
            f"most {HOURLY_MAX_SPAN_DAYS} days: narrow since/until, or use the daily series"
        )
    tz = timezone.get_default_timezone()
    buckets = _bucketed_counts(source, TruncHour, event_filter=event_filter, threshold=threshold)
    points = [_point("hour", start.astimezone(tz).isoformat(), buckets[start]) for start in sorted(buckets)]
    return points_suppressed(points, event_filter=event_filter, by="hour", key="hour", parse=datetime.fromisoformat)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


# bucket name -> (database truncation, the next bucket's first day)
_BUCKETS = {
    "day": (TruncDate, lambda day: day + timedelta(days=1)),
    "week": (TruncWeek, lambda day: day + timedelta(days=7)),
    "month": (TruncMonth, _next_month),
    "year": (TruncYear, lambda day: date(day.year + 1, 1, 1)),
}


# bucket name -> the bucket a local day falls in (as TruncWeek/TruncMonth/TruncYear give it)
_bucket_start = {
    "week": lambda day: day - timedelta(days=day.weekday()),
    "month": lambda day: day.replace(day=1),
    "year": lambda day: date(day.year, 1, 1),
}


def daily_series_bucket(first: date, last: date) -> str:
    """The bucket the "daily" series uses for events from `first` to `last` (local days)."""
    days = (last - first).days + 1
    for bucket, max_days in (
        ("day", DAY_BUCKETS_MAX_SPAN_DAYS), ("week", WEEK_BUCKETS_MAX_SPAN_DAYS), ("month", MONTH_BUCKETS_MAX_SPAN_DAYS)
    ):
        if days <= max_days:
            return bucket
    return "year"


def emotion_daily_series(*, event_filter: EventFilter, threshold: float) -> list[dict]:
    """One point per local day (or week, month, year: see the module) from the first bucket with events to the last.

    `date` is the bucket's first local day, `bucket` its size. Buckets in
    between without events are included at zero, so a trend line shows the gap.
    """
    source = counted_events(event_filter=event_filter, threshold=threshold, local_time=True)
    span = _local_span(source, event_filter=event_filter, threshold=threshold)
    if span is None:
        return []
    bucket = daily_series_bucket(*span)
    truncate, following = _BUCKETS[bucket]
    buckets = _bucketed_counts(source, truncate, event_filter=event_filter, threshold=threshold,
                               bucket_of_day=None if bucket == "day" else _bucket_start[bucket])
    if not buckets:
        return []
    day, last = min(buckets), max(buckets)
    points = []
    while day <= last:
        points.append(_point("date", day.isoformat(), buckets.get(day) or empty_emotion_counts(), bucket=bucket))
        day = following(day)
    return points_suppressed(points, event_filter=event_filter, by="day", key="date", parse=date.fromisoformat,
                             group_of=None if bucket == "day" else _bucket_start[bucket])
