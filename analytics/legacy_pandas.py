"""`analyze_emotions --csv PATH`: the legacy JSON straight from an emotion_log.csv, with pandas.

A drop-in for the prototype's pandas script, for files that were never imported.
It reads and validates rows through the importer's own reader
(emotions/services/legacy_rows.py), aggregates each batch with pandas, and hands
the counts to the same JSON builder as the SQL path, so the same rows give
byte-identical JSON either way. Memory stays bounded by the batch size.
Where the prototype's value_counts() ordered tied counts by first appearance,
the first line of each (location, hour, emotion) cell answers it.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timezone as dt_timezone
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings

from analytics.legacy_summary import FirstSeen, SummaryCounts, summary_from_counts, validate_threshold
from emotions.filters import EventFilter
from emotions.legacy_format import BadRow
from emotions.services.legacy_rows import read_legacy_batches

CSV_BATCH_SIZE = 250_000
_KEPT_BAD_ROWS = 5


@dataclass(frozen=True)
class CsvSummary:
    summary: dict
    bad_row_count: int
    bad_row_samples: list[BadRow]  # the first few, for the message on stderr


def _utc64(value: datetime) -> np.datetime64:
    return np.datetime64(value.astimezone(dt_timezone.utc).replace(tzinfo=None), "us")


def _aware(value: np.datetime64) -> datetime:
    return value.astype("datetime64[us]").item().replace(tzinfo=dt_timezone.utc)


def _first_seen_in_file(first_lines: dict[tuple[str, int, str], int]) -> FirstSeen:
    def first_seen(*, location: str | None, hour: int | None, labels: Collection[str]) -> dict[str, object]:
        found: dict[str, object] = {}
        for (cell_location, cell_hour, label), line in first_lines.items():
            if label in labels and location in (None, cell_location) and hour in (None, cell_hour):
                found[label] = min(line, found.get(label, line))
        return found

    return first_seen


def csv_emotion_summary(
    *,
    path: str | Path,
    threshold: float = 0.6,
    event_filter: EventFilter | None = None,
    fill_zeros: bool = False,
    delimiter: str | None = None,
    decimal: str | None = None,
) -> CsvSummary:
    """The legacy JSON for a CSV file; `event_filter` may use since, until and location.
    `delimiter`/`decimal`: None detects them, as the import does."""
    threshold = validate_threshold(threshold)
    event_filter = event_filter or EventFilter()
    if any(v is not None for v in (event_filter.location_id, event_filter.exhibit_id, event_filter.camera_id)):
        raise ValueError("a CSV file has only location names: filter by since, until and location")
    since = _utc64(event_filter.since) if event_filter.since is not None else None
    until = _utc64(event_filter.until) if event_filter.until is not None else None

    total_rows = 0
    first: np.datetime64 | None = None
    last: np.datetime64 | None = None
    valid_counts: Counter[tuple[str, int, str]] = Counter()
    first_lines: dict[tuple[str, int, str], int] = {}
    bad_row_count = 0
    bad_samples: list[BadRow] = []
    batches = read_legacy_batches(
        path, batch_size=CSV_BATCH_SIZE, time_zone=settings.TIME_ZONE, delimiter=delimiter, decimal=decimal
    )
    for batch in batches:
        bad_row_count += len(batch.bad_rows)
        bad_samples.extend(batch.bad_rows[: _KEPT_BAD_ROWS - len(bad_samples)])
        in_scope = np.ones(len(batch), dtype=bool)
        if since is not None:
            in_scope &= batch.utc >= since
        if until is not None:
            in_scope &= batch.utc < until
        if event_filter.location is not None:
            in_scope &= batch.location == event_filter.location
        scope_count = int(in_scope.sum())
        if not scope_count:
            continue
        total_rows += scope_count
        times = batch.utc[in_scope]
        first = times.min() if first is None else min(first, times.min())
        last = times.max() if last is None else max(last, times.max())
        valid = in_scope & (batch.confidence >= threshold)
        groups = (
            pd.DataFrame({
                "location": batch.location[valid],
                "hour": pd.DatetimeIndex(batch.local[valid]).hour,
                "label": batch.label[valid],
                "line": batch.lines[valid],
            })
            .groupby(["location", "hour", "label"], sort=False)["line"]
            .agg(["size", "min"])
        )
        for (location, hour, label), count, line in zip(groups.index, groups["size"], groups["min"]):
            cell = (location, int(hour), label)
            valid_counts[cell] += int(count)
            first_lines.setdefault(cell, int(line))  # batches come in file order

    counts = SummaryCounts(
        total_rows=total_rows,
        first_timestamp=_aware(first) if first is not None else None,
        last_timestamp=_aware(last) if last is not None else None,
        valid_counts=dict(valid_counts),
        first_seen=_first_seen_in_file(first_lines),
    )
    summary = summary_from_counts(
        counts=counts, threshold=threshold, event_filter=event_filter, log_file=Path(path).name, fill_zeros=fill_zeros
    )
    return CsvSummary(summary=summary, bad_row_count=bad_row_count, bad_row_samples=bad_samples)
