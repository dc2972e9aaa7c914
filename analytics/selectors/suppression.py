"""Small-group suppression (GDPR Art. 5(1)(c), minimisation): a report cell or breakdown value
built from fewer than MIN_GROUP_SIZE visitors could point at a person, so it is shown as suppressed.

A group's size is the number of visits that started in it plus the events in it that
have no visit (imported logs, edge devices): live rows and retention rollups alike. It
does not depend on the threshold. A group with detections but size 0 (a visit that began
in the previous hour) is suppressed too; a group with nothing in it (a zero-filled day)
is not. The legacy summary JSON (/api/analytics/summary/, analyze_emotions) stays exact:
existing dashboards read it, and its numbers are the prototype's; the reports page
suppresses its own copy (`summary_suppressed`).
"""
from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractHour, TruncDate, TruncHour
from django.utils import timezone

from analytics.models import NONE_KEY, ROLLUP_THRESHOLD
from analytics.rollup_counts import event_rollups, visit_rollups
from analytics.selectors.event_counts import hourly_count_rows, hourly_counts_answer
from cameras.models import Location
from emotions.filters import EventFilter

# group -> (live expression over a time field or a column, the rollups' column)
_GROUPS = {
    "hour_of_day": (lambda f, tz: ExtractHour(f, tzinfo=tz), "local_hour"),
    "hour": (lambda f, tz: TruncHour(f, tzinfo=tz), "hour"),
    "day": (lambda f, tz: TruncDate(f, tzinfo=tz), "local_date"),
    "exhibit": (lambda f, tz: F("exhibit_id"), "exhibit_key"),
    "location": (lambda f, tz: F("location_id"), "location_id"),
}
# The same groups over the hourly counts: the field each expression reads there.
_HOURLY_FIELDS = {"hour_of_day": "hour", "hour": "hour", "day": "hour", "exhibit": "exhibit_key",
                  "location": "location_id"}


def min_group_size() -> int:
    return int(getattr(settings, "MIN_GROUP_SIZE", 5))


def group_sizes(*, event_filter: EventFilter, by: str) -> Counter:
    """{group key: visits + events without a visit} for the filter, grouped `by` one of _GROUPS."""
    live, rolled_up = _GROUPS[by]
    tz = timezone.get_default_timezone()
    sizes: Counter = Counter()
    visits = event_filter.visits().order_by().annotate(group=live("started_at", tz))
    for key, n in visits.values_list("group").annotate(n=Count("*")):
        sizes[key] += n
    for key, n in _unlinked_event_counts(event_filter=event_filter, by=by):
        sizes[key] += n
    for rows, column in ((visit_rollups(event_filter), "visits"), (event_rollups(event_filter), "unlinked_events")):
        for key, n in rows.values_list(rolled_up).annotate(n=Sum(column)):
            sizes[key] += n or 0
    return sizes


def _unlinked_event_counts(*, event_filter: EventFilter, by: str):
    """(group key, events without a visit) rows for the filter.

    Where none of the filter's events has a visit (imported logs, edge devices), every event
    is unlinked, and on PostgreSQL the hourly counts (their `events` column counts every
    confidence) give the same numbers from thousands of rows instead of a GROUP BY over
    millions of events: 1,000,000 imported events made the reports page take 3.3 s, most of
    it here. The check reads the visit_id index and stops at the first linked event.
    """
    live, _ = _GROUPS[by]
    tz = timezone.get_default_timezone()
    local_time = by in ("hour_of_day", "hour", "day")
    events = event_filter.events().order_by()
    # ROLLUP_THRESHOLD only passes the threshold check: sizes read the `events` column (every confidence).
    if (hourly_counts_answer(event_filter=event_filter, threshold=ROLLUP_THRESHOLD, local_time=local_time)
            and not events.filter(visit__isnull=False).exists()):
        field = _HOURLY_FIELDS[by]
        rows = hourly_count_rows(event_filter).order_by().annotate(group=live(field, tz) if local_time else F(field))
        for key, n in rows.values_list("group").annotate(n=Sum("events")):
            # The hourly counts key "no exhibit" as 0 where the events have NULL.
            yield (None if by == "exhibit" and key == NONE_KEY else key), n or 0
        return
    yield from events.filter(visit__isnull=True).annotate(group=live("timestamp", tz)).values_list(
        "group").annotate(n=Count("*"))


def is_suppressed(size: int, *, has_data: bool = True) -> bool:
    return has_data and size < min_group_size()


def blanked(counts: dict) -> dict:
    return dict.fromkeys(counts, None)


def points_suppressed(points: list[dict], *, event_filter: EventFilter, by: str, key: str, parse,
                      group_of=None) -> list[dict]:
    """Series points with `suppressed`, and their numbers blanked where the group is too small.

    `group_of` maps a `by` group to the point's (a day to its week, month or year) where the
    points are larger buckets than the groups."""
    sizes = group_sizes(event_filter=event_filter, by=by) if points else Counter()
    if group_of is not None:
        merged: Counter = Counter()
        for group, n in sizes.items():
            merged[group_of(group)] += n
        sizes = merged
    for point in points:
        point["suppressed"] = is_suppressed(sizes.get(parse(point[key]), 0), has_data=point["total"] > 0)
        if point["suppressed"]:
            point.update(total=None, emotion_counts=blanked(point["emotion_counts"]),
                         sentiment_counts=blanked(point["sentiment_counts"]))
    return points


def rows_suppressed(rows: list[dict], *, event_filter: EventFilter, by: str, key: str, numbers: tuple[str, ...],
                    count_dicts: tuple[str, ...]) -> list[dict]:
    """Breakdown rows (per location, per exhibit) with `suppressed`, their numbers blanked when too small."""
    sizes = group_sizes(event_filter=event_filter, by=by) if rows else {}
    for row in rows:
        row["suppressed"] = is_suppressed(sizes.get(row[key], 0))
        if row["suppressed"]:
            row.update(dict.fromkeys(numbers, None))
            row.update({name: blanked(row[name]) for name in count_dicts})
    return rows


def summary_suppressed(summary: dict, *, event_filter: EventFilter) -> dict:
    """The reports page's copy of the legacy summary, without its small hour and location groups
    (listed under "suppressed"); the overall counts stay. Nothing suppressed: the summary as it is."""
    hours = group_sizes(event_filter=event_filter, by="hour_of_day")
    locations = group_sizes(event_filter=event_filter, by="location")
    names = dict(Location.objects.filter(name__in=list(summary["analysis_by_location"])).values_list("name", "pk"))
    small_hours = [label for label in summary["analysis_by_hour"]
                   if is_suppressed(hours.get(int(label[:2]), 0))]
    small_locations = [name for name in summary["analysis_by_location"]
                       if is_suppressed(locations.get(names.get(name), 0))]
    if not small_hours and not small_locations:
        return summary
    copy = {**summary,
            "analysis_by_hour": {k: v for k, v in summary["analysis_by_hour"].items() if k not in small_hours},
            "analysis_by_location": {k: v for k, v in summary["analysis_by_location"].items()
                                     if k not in small_locations},
            "suppressed": {"hours": small_hours, "locations": small_locations, "min_group_size": min_group_size()}}
    return copy
