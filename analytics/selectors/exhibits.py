"""Per-exhibit engagement: how many visitors stopped, for how long, and how they felt."""
from __future__ import annotations

from itertools import chain

from django.db.models import Count, Sum

from analytics.rollup_counts import rollup_event_rows, rollup_visit_rows
from analytics.selectors._counts import dominant_of, empty_emotion_counts
from analytics.selectors.suppression import rows_suppressed
from analytics.selectors.event_counts import counted_events
from cameras.models import Exhibit
from emotions.filters import EventFilter
from emotions.labels import legacy_name


def exhibit_engagement(*, event_filter: EventFilter, threshold: float) -> list[dict]:
    """One row per exhibit with visits or events in the filter, most visited first.

    - visits, mean/total dwell: from the visits the camera pipeline recorded;
    - dominant_emotion: the most frequent dominant emotion among those visits
      (ties go to model order); `visit_emotion_counts` shows the split;
    - events: emotion events at or above the threshold seen at the exhibit.
    """
    visit_counts: dict[int, dict[str, int]] = {}
    dwell_totals: dict[int, float] = {}
    # GROUP BY exhibit_id, dominant_emotion: index visit_exhibit_started.
    live_visits = (
        event_filter.visits()
        .filter(exhibit__isnull=False)
        .order_by()
        .values("exhibit_id", "dominant_emotion")
        .annotate(n=Count("*"), dwell=Sum("dwell_seconds"))
    )
    rolled_up = rollup_visit_rows(event_filter=event_filter, fields=("exhibit_id", "dominant_emotion"), with_exhibit=True)
    for row in chain(live_visits, rolled_up):
        counts = visit_counts.setdefault(row["exhibit_id"], empty_emotion_counts())
        counts[legacy_name(row["dominant_emotion"])] += row["n"]
        dwell_totals[row["exhibit_id"]] = dwell_totals.get(row["exhibit_id"], 0.0) + row["dwell"]
    # GROUP BY exhibit over the hourly counts, or over the events.
    source = counted_events(event_filter=event_filter, threshold=threshold)
    event_totals = dict(
        source.with_exhibit().values(source.exhibit_field).annotate(n=source.count).values_list(source.exhibit_field, "n")
    )
    for row in rollup_event_rows(event_filter=event_filter, threshold=threshold, fields=("exhibit_id",),
                                 with_exhibit=True):
        event_totals[row["exhibit_id"]] = event_totals.get(row["exhibit_id"], 0) + row["n"]
    exhibit_ids = set(visit_counts) | set(event_totals)
    rows = []
    for exhibit in Exhibit.objects.filter(pk__in=exhibit_ids).select_related("location"):
        counts = visit_counts.get(exhibit.pk) or empty_emotion_counts()
        visits = sum(counts.values())
        total_dwell = dwell_totals.get(exhibit.pk, 0.0)
        rows.append(
            {
                "exhibit_id": exhibit.pk,
                "exhibit": exhibit.title,
                "location_id": exhibit.location_id,
                "location": exhibit.location.name,
                "visits": visits,
                "mean_dwell_seconds": round(total_dwell / visits, 2) if visits else None,
                "total_dwell_seconds": round(total_dwell, 2),
                "dominant_emotion": dominant_of(counts),
                "visit_emotion_counts": counts,
                "events": event_totals.get(exhibit.pk, 0),
            }
        )
    rows.sort(key=lambda row: (-row["visits"], -row["events"], row["location"], row["exhibit"]))
    return rows_suppressed(
        rows, event_filter=event_filter, by="exhibit", key="exhibit_id",
        numbers=("visits", "mean_dwell_seconds", "total_dwell_seconds", "dominant_emotion", "events"),
        count_dicts=("visit_emotion_counts",),
    )
