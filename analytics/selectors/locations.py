"""Per-location statistics: emotions seen there (events) and how long visitors stayed (visits)."""
from __future__ import annotations

from itertools import chain

from django.db.models import Count, Sum

from analytics.rollup_counts import rollup_event_rows, rollup_visit_rows
from analytics.selectors._counts import dominant_of, empty_emotion_counts, sentiment_counts_of
from analytics.selectors.suppression import rows_suppressed
from analytics.selectors.event_counts import counted_events
from cameras.models import Location
from emotions.filters import EventFilter
from emotions.labels import legacy_name


def location_stats(*, event_filter: EventFilter, threshold: float) -> list[dict]:
    """One row per location with events or visits in the filter, by location name."""
    emotion_counts: dict[int, dict[str, int]] = {}
    # GROUP BY location_id, emotion: over the hourly counts, or the events' index
    # event_ts_loc_emo_conf (event_location_ts when a location is chosen).
    source = counted_events(event_filter=event_filter, threshold=threshold)
    rolled_up = rollup_event_rows(event_filter=event_filter, threshold=threshold, fields=("location_id", "emotion"))
    for row in chain(source.rows.values("location_id", "emotion").annotate(n=source.count), rolled_up):
        counts = emotion_counts.setdefault(row["location_id"], empty_emotion_counts())
        counts[legacy_name(row["emotion"])] += row["n"]
    # GROUP BY location_id over visits in the range: index visit_location_started.
    # (+ the purged visits' rollups; the mean is total / visits over both)
    visit_rows: dict[int, dict] = {}
    live = event_filter.visits().order_by().values("location_id").annotate(n=Count("*"), dwell=Sum("dwell_seconds"))
    for row in chain(live, rollup_visit_rows(event_filter=event_filter, fields=("location_id",))):
        merged = visit_rows.setdefault(row["location_id"], {"visits": 0, "total_dwell": 0.0})
        merged["visits"] += row["n"]
        merged["total_dwell"] += row["dwell"] or 0.0
    for merged in visit_rows.values():
        merged["mean_dwell"] = merged["total_dwell"] / merged["visits"] if merged["visits"] else None
    location_ids = set(emotion_counts) | set(visit_rows)
    stats = []
    for location in Location.objects.filter(pk__in=location_ids).order_by("name"):
        counts = emotion_counts.get(location.pk) or empty_emotion_counts()
        visits = visit_rows.get(location.pk) or {}
        stats.append(
            {
                "location_id": location.pk,
                "location": location.name,
                "total": sum(counts.values()),
                "emotion_counts": counts,
                "sentiment_counts": sentiment_counts_of(counts),
                "dominant_emotion": dominant_of(counts),
                "visits": visits.get("visits", 0),
                "mean_dwell_seconds": _rounded(visits.get("mean_dwell")),
                "total_dwell_seconds": _rounded(visits.get("total_dwell")),
            }
        )
    return rows_suppressed(
        stats, event_filter=event_filter, by="location", key="location_id",
        numbers=("total", "dominant_emotion", "visits", "mean_dwell_seconds", "total_dwell_seconds"),
        count_dicts=("emotion_counts", "sentiment_counts"),
    )


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 2)
