"""The legacy summary JSON, from the hourly counts when they can answer, else from the events.

Either way the JSON is built by analytics.legacy_summary.summary_from_counts,
the one builder behind `analyze_emotions`: only the counting differs, and the
hourly counts hold the same numbers as the events (see event_counts.py; a test
compares this with legacy_summary.emotion_summary on PostgreSQL for many filters).
"""
from __future__ import annotations

from datetime import timedelta

from django.db.models import Min, Sum

from analytics.legacy_summary import (
    LocalHour,
    SummaryCounts,
    emotion_summary,
    events_first_seen,
    summary_counts_with_rollups,
    summary_from_counts,
    utc_offset_segments,
    validate_threshold,
)
from analytics.selectors.event_counts import hourly_count_rows, hourly_counts_answer
from cameras.models import Location
from emotions.filters import EventFilter


def legacy_summary(*, event_filter: EventFilter, threshold: float, fill_zeros: bool = False) -> dict:
    """What GET /api/analytics/summary/ and the reports page (fill_zeros) show: analyze_emotions' JSON."""
    threshold = validate_threshold(threshold)
    if not hourly_counts_answer(event_filter=event_filter, threshold=threshold, local_time=False):
        return emotion_summary(event_filter=event_filter, threshold=threshold, fill_zeros=fill_zeros)
    rows = hourly_count_rows(event_filter)
    total = rows.aggregate(n=Sum("events"))["n"] or 0
    if not total:
        counts = summary_counts_with_rollups(SummaryCounts(0, None, None, {}), event_filter=event_filter,
                                             threshold=threshold)
        return summary_from_counts(counts=counts, threshold=threshold, event_filter=event_filter,
                                   fill_zeros=fill_zeros)
    # First and last event: one index probe each (event_ts_loc_emo_conf, or a filter's (x, timestamp) index).
    events = event_filter.events().order_by("timestamp").values_list("timestamp", flat=True)
    first, last = events.first(), events.reverse().first()
    offsets = utc_offset_segments(first, last)
    if any(offset % 3600 for _, offset in offsets):
        # Half-hour zones: an UTC hour spans two local hours, only the events can tell them apart.
        return emotion_summary(event_filter=event_filter, threshold=threshold, fill_zeros=fill_zeros)
    groups = (
        rows.filter(events_at_threshold__gt=0)
        .annotate(local_hour=LocalHour("hour", offsets=offsets))
        .values_list("location_id", "local_hour", "emotion")
        .annotate(n=Sum("events_at_threshold"), first_hour=Min("hour"))
    )
    by_location_id = {(loc, int(hour), label): (n, first_hour) for loc, hour, label, n, first_hour in groups}
    names = dict(Location.objects.filter(pk__in={key[0] for key in by_location_id}).values_list("pk", "name"))
    cells = {(names[loc], hour, label): value for (loc, hour, label), value in by_location_id.items()}
    counts = SummaryCounts(
        total_rows=total,
        first_timestamp=first,
        last_timestamp=last,
        valid_counts={cell: n for cell, (n, _) in cells.items()},
        # Tie order needs the events' row order: the hour each cell's first counted event
        # lies in narrows the probe of the events to that hour.
        first_seen=events_first_seen(
            event_filter=event_filter, threshold=threshold, offsets=offsets,
            first_times={cell: first_hour for cell, (_, first_hour) in cells.items()},
            resolution=timedelta(hours=1),
        ),
    )
    counts = summary_counts_with_rollups(counts, event_filter=event_filter, threshold=threshold)
    return summary_from_counts(counts=counts, threshold=threshold, event_filter=event_filter, fill_zeros=fill_zeros)
