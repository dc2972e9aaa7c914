"""Reading the retention rollups (emotions.models.EventRollup / VisitRollup): the numbers of purged
events and visits, in the shapes the selectors and the legacy summary add to their live counts.

Live rows and rollups never overlap (a purge moves whole local hours from one to the
other in one transaction), so every reader adds the two. Time bounds apply to the
rollups' local clock hours: exact for the reports' local days and whole-hour ranges;
a bound inside an hour of a purged period takes that hour whole or not at all (by its start).
Thresholds are exact at multiples of 0.05 (the reports form's steps, the API's 0.6
default); another threshold counts purged events from the next multiple of 0.05 up.
Nothing here imports the legacy builder: it calls `rollup_summary_part`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Max, Min, QuerySet, Sum

from cameras.models import Location
from emotions.filters import EventFilter
from emotions.models import EventRollup, VisitRollup
from emotions.services.retention import threshold_step

# The selectors' field names -> the rollups' columns.
_FIELDS = {"exhibit_id": "exhibit_key", "camera_id": "camera_key"}


def hour_rows_filtered(rows: QuerySet, event_filter: EventFilter) -> QuerySet:
    """Rows of a per-hour count table (`hour`, `location_id`, `exhibit_key`, `camera_key`: the rollups
    and the PostgreSQL hourly counts) that the filter selects; since/until compare with the hour's start."""
    if event_filter.since is not None:
        rows = rows.filter(hour__gte=event_filter.since)
    if event_filter.until is not None:
        rows = rows.filter(hour__lt=event_filter.until)
    if event_filter.location is not None:
        rows = rows.filter(location_id__in=Location.objects.filter(name=event_filter.location).values("pk"))
    if event_filter.location_id is not None:
        rows = rows.filter(location_id=event_filter.location_id)
    if event_filter.exhibit_id is not None:
        rows = rows.filter(exhibit_key=event_filter.exhibit_id)
    if event_filter.camera_id is not None:
        rows = rows.filter(camera_key=event_filter.camera_id)
    return rows.order_by()


def event_rollups(event_filter: EventFilter, threshold: float | None = None) -> QuerySet[EventRollup]:
    rows = hour_rows_filtered(EventRollup.objects.all(), event_filter)
    return rows if threshold is None else rows.filter(confidence_step__gte=threshold_step(threshold))


def visit_rollups(event_filter: EventFilter) -> QuerySet[VisitRollup]:
    return hour_rows_filtered(VisitRollup.objects.all(), event_filter)


def _named(fields: tuple[str, ...]) -> dict:
    return {name: F(_FIELDS[name]) for name in fields if name in _FIELDS}


def rollup_event_rows(*, event_filter: EventFilter, threshold: float, fields: tuple[str, ...],
                      with_exhibit: bool = False) -> list[dict]:
    """[{field: value, ..., "n": events at or above threshold}] grouped by `fields` (selector names;
    "hour" is the local hour's start, "local_date" the local day)."""
    rows = event_rollups(event_filter, threshold)
    if with_exhibit:
        rows = rows.exclude(exhibit_key=0)
    aliases = _named(fields)
    columns = [name for name in fields if name not in aliases]
    return list(rows.annotate(**aliases).values(*columns, *aliases).annotate(n=Sum("events")))


def rollup_visit_rows(*, event_filter: EventFilter, fields: tuple[str, ...], with_exhibit: bool = False) -> list[dict]:
    """[{field: value, ..., "n": visits, "dwell": total dwell seconds}] grouped by `fields`."""
    rows = visit_rollups(event_filter)
    if with_exhibit:
        rows = rows.exclude(exhibit_key=0)
    aliases = _named(fields)
    columns = [name for name in fields if name not in aliases]
    return list(rows.annotate(**aliases).values(*columns, *aliases)
                .annotate(n=Sum("visits"), dwell=Sum("dwell_seconds_total")))


@dataclass(frozen=True)
class RollupSummaryPart:
    """The purged events' share of the legacy summary's aggregation step."""

    total_rows: int
    first_timestamp: datetime | None
    last_timestamp: datetime | None
    # (location name, local hour, label) -> rows at or above the threshold
    valid_counts: dict[tuple[str, int, str], int] = field(default_factory=dict)
    # (location name, local hour, label) -> (timestamp, event id) of the first such row
    first_seen: dict[tuple[str, int, str], tuple[datetime, int]] = field(default_factory=dict)


def rollup_summary_part(*, event_filter: EventFilter, threshold: float) -> RollupSummaryPart | None:
    """The legacy summary's counts for the purged events the filter selects; None when there are none."""
    rows = event_rollups(event_filter)
    overall = rows.aggregate(total=Sum("events"), first=Min("first_timestamp"), last=Max("last_timestamp"))
    if not overall["total"]:
        return None
    at_threshold = rows.filter(confidence_step__gte=threshold_step(threshold))
    keys = ("location__name", "local_hour", "emotion")
    groups = at_threshold.values_list(*keys).annotate(n=Sum("events"), first=Min("first_timestamp"))
    valid_counts = {(name, hour, label): n for name, hour, label, n, _ in groups}
    first_at = {(name, hour, label): first for name, hour, label, _, first in groups}
    # The tie-break id: among the few rows holding each group's first time, the lowest event id.
    first_seen: dict[tuple[str, int, str], tuple[datetime, int]] = {}
    candidates = at_threshold.filter(first_timestamp__in=set(first_at.values())).values_list(
        *keys, "first_timestamp", "first_event_id")
    for name, hour, label, first, first_id in candidates:
        key = (name, hour, label)
        if first == first_at[key]:
            first_seen[key] = min(first_seen.get(key, (first, first_id)), (first, first_id))
    return RollupSummaryPart(total_rows=overall["total"], first_timestamp=overall["first"],
                             last_timestamp=overall["last"], valid_counts=valid_counts, first_seen=first_seen)
