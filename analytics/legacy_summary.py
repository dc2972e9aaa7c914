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
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Func, IntegerField, Q

from analytics.rollup_counts import rollup_summary_part
from cameras.models import Location
from emotions.filters import EventFilter
from emotions.labels import EMOTIONS, SENTIMENT_OF, SENTIMENTS, legacy_name
from emotions.legacy_format import format_legacy_timestamp

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
    if first is not None:
        local_hour = LocalHour("timestamp", offsets=utc_offset_segments(first, last))
        # A scan of the table, or of an index range when since/until/location are given
        # (event_ts_loc_emo_conf covers every column this reads).
        groups = (
            events.annotate(local_hour=local_hour)
            .values_list("location_id", "local_hour", "emotion")
            .annotate(total=Count("timestamp"), valid=Count("timestamp", filter=Q(confidence__gte=threshold)))
        )
        by_location_id: dict[tuple[int, int, str], int] = {}
        for location_id, hour, label, total, valid in groups:
            total_rows += total
            if valid:
                by_location_id[(location_id, int(hour), label)] = valid
        names = dict(Location.objects.filter(pk__in={k[0] for k in by_location_id}).values_list("pk", "name"))
        valid_counts = {(names[loc], hour, label): n for (loc, hour, label), n in by_location_id.items()}
    counts = SummaryCounts(
        total_rows=total_rows, first_timestamp=first, last_timestamp=last, valid_counts=valid_counts
    )
    counts = summary_counts_with_rollups(counts, event_filter=event_filter, threshold=threshold)
    return summary_from_counts(counts=counts, threshold=threshold, event_filter=event_filter)


def summary_counts_with_rollups(counts: SummaryCounts, *, event_filter: EventFilter, threshold: float) -> SummaryCounts:
    """Add the purged events' counts (retention rollups, analytics/rollup_counts.py) to the live ones.

    Live events and rollups never overlap, so the sum is what the events gave before the purge.
    """
    part = rollup_summary_part(event_filter=event_filter, threshold=threshold)
    if part is None:
        return counts
    valid_counts = dict(counts.valid_counts)
    for key, n in part.valid_counts.items():
        valid_counts[key] = valid_counts.get(key, 0) + n
    firsts = [t for t in (counts.first_timestamp, part.first_timestamp) if t is not None]
    lasts = [t for t in (counts.last_timestamp, part.last_timestamp) if t is not None]
    return SummaryCounts(
        total_rows=counts.total_rows + part.total_rows, first_timestamp=min(firsts), last_timestamp=max(lasts),
        valid_counts=valid_counts,
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
