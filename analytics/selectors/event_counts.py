"""Where the selectors count events from: the events themselves, or the hourly counts.

The hourly counts (analytics.models.EventHourlyCount, kept by PostgreSQL
triggers) hold the same numbers as the events, grouped per UTC hour, location,
camera, exhibit, emotion and model version: tens of thousands of rows where the events are
millions. They answer a query exactly when
- the database is PostgreSQL (the triggers exist there only),
- the threshold is the one they count (0.6, the legacy default),
- since/until fall on whole UTC hours (local days and hours do, in zones whose
  UTC offsets are whole hours: the reports page's date range, or no range),
- and, for local hour/day buckets, TIME_ZONE's offsets are whole hours.
Otherwise the events are counted; both ways give the same numbers (tested).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Count, QuerySet, Sum

from analytics.models import NONE_KEY, ROLLUP_THRESHOLD, EventHourlyCount
from analytics.rollup_counts import hour_rows_filtered
from emotions.filters import EventFilter


@dataclass(frozen=True)
class CountedEvents:
    """Events at or above a threshold, ready for .values(...).annotate(n=count)."""

    rows: QuerySet
    count: Aggregate  # Count("*") over events, Sum("events_at_threshold") over hourly counts
    time_field: str  # "timestamp" or "hour" (the UTC hour's start)
    exhibit_field: str  # "exhibit_id" or "exhibit_key"
    from_hourly_counts: bool

    def with_exhibit(self) -> QuerySet:
        if self.from_hourly_counts:
            return self.rows.exclude(exhibit_key=NONE_KEY)
        return self.rows.filter(exhibit__isnull=False)


def _on_whole_utc_hour(moment: datetime | None) -> bool:
    if moment is None:
        return True
    utc = moment.astimezone(dt_timezone.utc)
    return utc.minute == 0 and utc.second == 0 and utc.microsecond == 0


@lru_cache(maxsize=8)
def zone_has_whole_hour_offsets(zone_name: str) -> bool:
    """True if the zone's UTC offset is a whole number of hours, 1970-2100 (sampled twice a month)."""
    zone = ZoneInfo(zone_name)
    moment = datetime(1970, 1, 1, tzinfo=dt_timezone.utc)
    while moment.year < 2100:
        if moment.astimezone(zone).utcoffset() % timedelta(hours=1):
            return False
        moment += timedelta(days=15)
    return True


def hourly_counts_answer(*, event_filter: EventFilter, threshold: float, local_time: bool) -> bool:
    return (
        getattr(settings, "ANALYTICS_HOURLY_COUNTS", True)
        and connection.vendor == "postgresql"
        and threshold == ROLLUP_THRESHOLD
        and _on_whole_utc_hour(event_filter.since)
        and _on_whole_utc_hour(event_filter.until)
        and (not local_time or zone_has_whole_hour_offsets(settings.TIME_ZONE))
    )


def hourly_count_rows(event_filter: EventFilter) -> QuerySet[EventHourlyCount]:
    """The hourly counts covering exactly the events `event_filter` selects (whole-hour since/until)."""
    return hour_rows_filtered(EventHourlyCount.objects.all(), event_filter)


def counted_events(*, event_filter: EventFilter, threshold: float, local_time: bool = False) -> CountedEvents:
    """The cheapest exact source for counts of the filtered events at or above `threshold`.

    `local_time`: the caller buckets by local hour or day (see the module docstring).
    """
    if hourly_counts_answer(event_filter=event_filter, threshold=threshold, local_time=local_time):
        return CountedEvents(
            rows=hourly_count_rows(event_filter).filter(events_at_threshold__gt=0),
            count=Sum("events_at_threshold"),
            time_field="hour",
            exhibit_field="exhibit_key",
            from_hourly_counts=True,
        )
    return CountedEvents(
        rows=event_filter.events().filter(confidence__gte=threshold).order_by(),
        count=Count("*"),
        time_field="timestamp",
        exhibit_field="exhibit_id",
        from_hourly_counts=False,
    )
