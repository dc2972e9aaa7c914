"""The legacy `analyze_emotions.py` JSON: the one builder behind the command, the API and the reports.

Two steps, so the SQL path and the pandas `--csv` path give byte-identical JSON:
1. aggregate: the database (here, GROUP BY in SQL) or pandas (analytics/legacy_pandas.py)
   reduces the events to `SummaryCounts`: counts per (location, local hour, emotion)
   of the rows at or above the threshold, plus the total and the first/last time,
   and a way to find where each label first occurs (pandas orders ties by it);
2. `summary_from_counts` turns those few hundred numbers into the JSON dict: by
   default exactly what the prototype printed (only the labels that occur, in
   pandas `value_counts()` order), or with `fill_zeros` a fixed shape.

Both shapes are documented in docs/legacy.md.
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db.models import Count, Func, IntegerField, Min, Q

from analytics.rollup_counts import rollup_summary_part
from cameras.models import Location
from emotions.filters import EventFilter
from emotions.labels import EMOTIONS, SENTIMENT_OF, SENTIMENTS, legacy_name
from emotions.legacy_format import format_legacy_timestamp

DEFAULT_THRESHOLD = 0.6
# metadata.log_file for the database: the prototype always printed its log's name, and
# the database holds that log's rows (export_emotion_log writes them back as this file).
DATABASE_LOG_FILE = "emotion_log.csv"
NO_DATA = {"error": "No data meets threshold"}

# (location name or None, local hour or None, lowercase labels) -> {label: sort key of the
# first counted row with that label in that scope, in the log's row order}. Keys from one
# call are comparable with each other (line numbers, or (timestamp, id) from the database).
FirstSeen = Callable[..., dict[str, object]]


@dataclass(frozen=True)
class SummaryCounts:
    """What either aggregation path hands to the JSON builder."""

    total_rows: int
    first_timestamp: datetime | None
    last_timestamp: datetime | None
    # (location name, local hour 0..23, lowercase label) -> rows with confidence >= threshold
    valid_counts: dict[tuple[str, int, str], int]
    # Asked only for groups whose counts tie (see value_counts_order).
    first_seen: FirstSeen | None = None


def validate_threshold(threshold: float) -> float:
    threshold = float(threshold)
    if not 0.0 <= threshold <= 1.0:  # also rejects NaN
        raise ValueError(f"threshold must be between 0 and 1, got {threshold!r}")
    return threshold


def emotion_summary(
    *, event_filter: EventFilter, threshold: float = DEFAULT_THRESHOLD, fill_zeros: bool = False
) -> dict:
    """The legacy JSON for the events `event_filter` selects, aggregated in SQL.

    One scan, whatever the number of events: counts per (location, local hour,
    emotion), all rows and rows at or above the threshold (at most locations x
    24 x 7 groups come back); the first and last times come from the timestamp index.
    """
    threshold = validate_threshold(threshold)
    events = event_filter.events().order_by()
    first = events.order_by("timestamp").values_list("timestamp", flat=True).first()
    last = events.order_by("-timestamp").values_list("timestamp", flat=True).first()
    total_rows = 0
    valid_counts: dict[tuple[str, int, str], int] = {}
    first_seen = None
    if first is not None:
        offsets = utc_offset_segments(first, last)
        local_hour = LocalHour("timestamp", offsets=offsets)
        counted = Q(confidence__gte=threshold)
        # A scan of the table, or of an index range when since/until/location are given
        # (event_ts_loc_emo_conf covers every column this reads).
        groups = (
            events.annotate(local_hour=local_hour)
            .values_list("location_id", "local_hour", "emotion")
            .annotate(
                total=Count("timestamp"), valid=Count("timestamp", filter=counted),
                first_valid=Min("timestamp", filter=counted),
            )
        )
        by_location_id: dict[tuple[int, int, str], tuple[int, datetime]] = {}
        for location_id, hour, label, total, valid, first_valid in groups:
            total_rows += total
            if valid:
                by_location_id[(location_id, int(hour), label)] = (valid, first_valid)
        names = dict(Location.objects.filter(pk__in={k[0] for k in by_location_id}).values_list("pk", "name"))
        cells = {(names[loc], hour, label): value for (loc, hour, label), value in by_location_id.items()}
        valid_counts = {cell: n for cell, (n, _) in cells.items()}
        first_seen = events_first_seen(
            event_filter=event_filter, threshold=threshold, offsets=offsets,
            first_times={cell: at for cell, (_, at) in cells.items()}, resolution=timedelta(microseconds=1),
        )
    counts = SummaryCounts(
        total_rows=total_rows, first_timestamp=first, last_timestamp=last, valid_counts=valid_counts,
        first_seen=first_seen,
    )
    counts = summary_counts_with_rollups(counts, event_filter=event_filter, threshold=threshold)
    return summary_from_counts(counts=counts, threshold=threshold, event_filter=event_filter, fill_zeros=fill_zeros)


def events_first_seen(
    *,
    event_filter: EventFilter,
    threshold: float,
    offsets: list[tuple[datetime | None, int]],
    first_times: dict[tuple[str, int, str], datetime],
    resolution: timedelta,
) -> FirstSeen:
    """FirstSeen for the database, in export order: (timestamp, id), which is file order for
    imported rows. `first_times`: per (location, local hour, label) cell, when its first counted
    row lies (to within `resolution`: the exact timestamp from the events, the UTC hour from the
    hourly counts). So each label costs one probe of a tiny timestamp range, run only for
    groups whose counts tie."""
    counted = event_filter.events().filter(confidence__gte=threshold)

    def first_seen(*, location: str | None, hour: int | None, labels: Collection[str]) -> dict[str, object]:
        found: dict[str, object] = {}
        for label in labels:
            starts = [
                at for (cell_location, cell_hour, cell_label), at in first_times.items()
                if cell_label == label and location in (None, cell_location) and hour in (None, cell_hour)
            ]
            if not starts:  # only in purged periods: the rollups know where it first occurs
                continue
            start = min(starts)
            rows = counted.filter(emotion=label, timestamp__gte=start, timestamp__lt=start + resolution)
            if location is not None:
                rows = rows.filter(location__name=location)
            if hour is not None:
                rows = rows.annotate(local_hour=LocalHour("timestamp", offsets=offsets)).filter(local_hour=hour)
            found[label] = rows.order_by("timestamp", "id").values_list("timestamp", "id").first()
        return found

    return first_seen


def summary_counts_with_rollups(counts: SummaryCounts, *, event_filter: EventFilter, threshold: float) -> SummaryCounts:
    """Add the purged events' counts (retention rollups, analytics/rollup_counts.py) to the live ones.

    Live events and rollups never overlap, so the sum is what the events gave before the purge;
    a label's first appearance is the earlier (timestamp, id) of the rollups' and the events'.
    """
    part = rollup_summary_part(event_filter=event_filter, threshold=threshold)
    if part is None:
        return counts
    valid_counts = dict(counts.valid_counts)
    for key, n in part.valid_counts.items():
        valid_counts[key] = valid_counts.get(key, 0) + n
    firsts = [t for t in (counts.first_timestamp, part.first_timestamp) if t is not None]
    lasts = [t for t in (counts.last_timestamp, part.last_timestamp) if t is not None]
    live_first_seen = counts.first_seen

    def first_seen(*, location: str | None, hour: int | None, labels: Collection[str]) -> dict[str, object]:
        found = dict(live_first_seen(location=location, hour=hour, labels=labels)) if live_first_seen else {}
        for (cell_location, cell_hour, label), key in part.first_seen.items():
            if label in labels and location in (None, cell_location) and hour in (None, cell_hour):
                if label not in found or key < found[label]:
                    found[label] = key
        return found

    return SummaryCounts(
        total_rows=counts.total_rows + part.total_rows, first_timestamp=min(firsts), last_timestamp=max(lasts),
        valid_counts=valid_counts, first_seen=first_seen,
    )


def utc_offset_segments(first: datetime, last: datetime) -> list[tuple[datetime | None, int]]:
    """TIME_ZONE's UTC offsets over [first, last]: [(until, offset seconds), ..., (None, offset)].

    Each offset holds before its `until` instant (and from the previous one on).
    Clocks change at most once a day, so the days are walked and each change is
    bisected to the second.
    """
    tz = ZoneInfo(settings.TIME_ZONE)

    def offset_at(moment: datetime) -> int:
        return int(moment.astimezone(tz).utcoffset().total_seconds())

    segments: list[tuple[datetime | None, int]] = []
    current = offset_at(first)
    day = first
    while day < last:
        following = min(day + timedelta(days=1), last)
        offset = offset_at(following)
        if offset != current:
            # Clock changes happen on whole seconds: bisect epoch seconds.
            low, high = math.floor(day.timestamp()), math.ceil(following.timestamp())
            while high - low > 1:
                middle = (low + high) // 2
                if offset_at(datetime.fromtimestamp(middle, dt_timezone.utc)) == current:
                    low = middle
                else:
                    high = middle
            segments.append((datetime.fromtimestamp(high, dt_timezone.utc), current))
            current = offset
        day = following
    segments.append((None, current))
    return segments


class LocalHour(Func):
    """The hour of the day in TIME_ZONE, from UTC timestamps, the same way on every database.

    (epoch seconds + the UTC offset of the segment the row falls in) // 3600 % 24,
    the offsets coming from utc_offset_segments(): cheaper per row on PostgreSQL
    than AT TIME ZONE, and on SQLite it needs no per-row Python function.
    """

    output_field = IntegerField()

    def __init__(self, expression, *, offsets: list[tuple[datetime | None, int]]):
        super().__init__(expression)
        self.offsets = offsets

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        assert not params, "LocalHour takes a plain column"
        if connection.vendor == "postgresql":
            epoch = f"date_part('epoch', {column})"

            def instant(moment: datetime) -> str:
                return f"TIMESTAMPTZ '{moment.astimezone(dt_timezone.utc).isoformat()}'"
        elif connection.vendor == "sqlite":
            epoch = f"CAST(strftime('%%s', {column}) AS INTEGER)"

            def instant(moment: datetime) -> str:
                return f"'{connection.ops.adapt_datetimefield_value(moment)}'"
        else:
            raise NotImplementedError(f"LocalHour has no SQL for {connection.vendor}")
        # Literals, not parameters: the GROUP BY repeats this expression and must match it textually.
        if len(self.offsets) == 1:
            offset_sql = str(self.offsets[0][1])
        else:
            branches = " ".join(
                f"WHEN {column} < {instant(until)} THEN {offset}" for until, offset in self.offsets[:-1]
            )
            offset_sql = f"CASE {branches} ELSE {self.offsets[-1][1]} END"
        total = f"({epoch} + {offset_sql})"
        if connection.vendor == "postgresql":
            return f"(CAST(floor({total} / 3600) AS bigint) %% 24)", []
        return f"(({total} / 3600) %% 24)", []


def hour_label(hour: int) -> str:
    """14 -> "14:00 - 14:59", the legacy script's hour keys."""
    return f"{hour:02d}:00 - {hour:02d}:59"


def value_counts_order(counts: dict[str, int], first_seen: dict[str, object] | None) -> list[str]:
    """The keys of `counts` in the order pandas' `Series.value_counts()` lists them.

    pandas counts in order of first appearance, then sorts descending with
    nargsort: reverse, numpy argsort(kind="quicksort"), reverse. Ties keep their
    first-appearance order only where numpy's sort is stable for the input: with
    numpy >= 2 on CPUs with AVX2/AVX-512, 4 or more labels with tied counts come out
    in another, still deterministic, order. Calling the same numpy routine gives
    what pandas gives on this machine (the prototype itself differed between machines).
    `first_seen` is needed only when two counts are equal.
    """
    if len(set(counts.values())) == len(counts):
        return sorted(counts, key=counts.__getitem__, reverse=True)
    labels = sorted(counts, key=first_seen.__getitem__)
    values = np.array([counts[label] for label in labels], dtype=np.int64)
    positions = np.arange(len(labels))[::-1]
    order = positions[values[::-1].argsort(kind="quicksort")][::-1]
    return [labels[i] for i in order.tolist()]


def legacy_percentage(count: int, total: int) -> float:
    """(value_counts(normalize=True) * 100).round(2), as pandas computes it (numpy rounds
    x * 100 half to even, then divides by 100: not always Python's round(x, 2))."""
    return round(count / total * 100 * 100) / 100 if total else 0.0


def _sentiments_of(emotion_counts: dict[str, int]) -> dict[str, int]:
    sentiment_counts = dict.fromkeys(SENTIMENTS, 0)
    for label, n in emotion_counts.items():
        sentiment_counts[SENTIMENT_OF[label]] += n
    return sentiment_counts


def _sentiment_summary(sentiment_counts: dict[str, int]) -> dict:
    total = sum(sentiment_counts.values())
    return {
        "total_valid_detections": total,
        "sentiment_counts": sentiment_counts,
        "sentiment_percentages": {name: legacy_percentage(n, total) for name, n in sentiment_counts.items()},
    }


def _fixed_group(emotion_counts: dict[str, int]) -> tuple[dict, dict[str, int]]:
    """fill_zeros: every sentiment and emotion, zeros included, in a fixed order."""
    full = {label: emotion_counts.get(label, 0) for label in EMOTIONS}
    return _sentiment_summary(_sentiments_of(full)), {legacy_name(label): full[label] for label in EMOTIONS}


def _prototype_group(
    emotion_counts: dict[str, int], first_seen: Callable[[], dict[str, object]]
) -> tuple[dict, dict[str, int]]:
    """The prototype's shape: only labels that occur, in value_counts() order."""
    occurring = {label: n for label, n in emotion_counts.items() if n}
    sentiments = {name: n for name, n in _sentiments_of(occurring).items() if n}
    positions = None
    if len(set(occurring.values())) < len(occurring) or len(set(sentiments.values())) < len(sentiments):
        positions = first_seen()
    sentiment_positions = None
    if positions is not None:
        sentiment_positions = {
            name: min(positions[label] for label in occurring if SENTIMENT_OF[label] == name) for name in sentiments
        }
    emotion_order = value_counts_order(occurring, positions)
    sentiment_order = value_counts_order(sentiments, sentiment_positions)
    return (
        _sentiment_summary({name: sentiments[name] for name in sentiment_order}),
        {legacy_name(label): occurring[label] for label in emotion_order},
    )


def _filter_metadata(event_filter: EventFilter) -> dict:
    tz = ZoneInfo(settings.TIME_ZONE)
    described = {}
    for field in dataclasses.fields(event_filter):
        value = getattr(event_filter, field.name)
        if isinstance(value, datetime):
            value = value.astimezone(tz).isoformat()
        described[field.name] = value
    return described


def _metadata(*, counts: SummaryCounts, threshold: float, event_filter: EventFilter, log_file: str, analyzed: int) -> dict:
    """The prototype's four keys first, then ours."""
    return {
        "log_file": log_file,
        "confidence_threshold": threshold,
        "total_rows_read": counts.total_rows,
        "rows_analyzed": analyzed,
        "time_zone": settings.TIME_ZONE,
        "first_timestamp": format_legacy_timestamp(counts.first_timestamp) if counts.first_timestamp else None,
        "last_timestamp": format_legacy_timestamp(counts.last_timestamp) if counts.last_timestamp else None,
        "filters": _filter_metadata(event_filter),
    }


def summary_from_counts(
    *,
    counts: SummaryCounts,
    threshold: float,
    event_filter: EventFilter,
    log_file: str = DATABASE_LOG_FILE,
    fill_zeros: bool = False,
) -> dict:
    """Build the legacy JSON dict. Pure Python apart from `counts.first_seen`; deterministic key order.

    Default: the prototype's output, NO_DATA when no row reaches the threshold.
    `fill_zeros`: every label in every group, zeros included, in a fixed order.
    """
    overall: dict[str, int] = {}
    by_location: dict[str, dict[str, int]] = {}
    by_hour: dict[int, dict[str, int]] = {}
    for (location, hour, label), n in counts.valid_counts.items():
        overall[label] = overall.get(label, 0) + n
        group_counts = by_location.setdefault(location, {})
        group_counts[label] = group_counts.get(label, 0) + n
        group_counts = by_hour.setdefault(hour, {})
        group_counts[label] = group_counts.get(label, 0) + n
    analyzed = sum(overall.values())
    if not analyzed and not fill_zeros:
        return dict(NO_DATA)

    def shaped(emotion_counts: dict[str, int], *, location: str | None = None, hour: int | None = None):
        if fill_zeros:
            return _fixed_group(emotion_counts)
        return _prototype_group(
            emotion_counts,
            lambda: counts.first_seen(location=location, hour=hour, labels=sorted(emotion_counts)),
        )

    def group(emotion_counts: dict[str, int], **scope) -> dict:
        sentiment, emotions = shaped(emotion_counts, **scope)
        return {"overall_sentiment": sentiment, "emotion_counts": emotions}

    overall_sentiment, overall_emotions = shaped(overall)
    return {
        "metadata": _metadata(
            counts=counts, threshold=threshold, event_filter=event_filter, log_file=log_file, analyzed=analyzed
        ),
        "overall_sentiment_summary": overall_sentiment,
        "overall_emotion_counts": overall_emotions,
        # pandas groupby sorts its keys: names as Python sorts strings, hours as numbers.
        "analysis_by_location": {name: group(by_location[name], location=name) for name in sorted(by_location)},
        "analysis_by_hour": {hour_label(hour): group(by_hour[hour], hour=hour) for hour in sorted(by_hour)},
    }
