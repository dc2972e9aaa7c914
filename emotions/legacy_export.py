"""Export of events as the prototype's `emotion_log.csv` (command, API, admin).

Kept apart from the import (emotions/services/legacy_csv.py) so web processes
that export never load the import's pandas validation.
"""
from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone as dt_timezone
from typing import IO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet

from emotions.filters import EventFilter
from emotions.labels import EMOTIONS, legacy_name
from emotions.legacy_format import LEGACY_COLUMNS
from emotions.models import EmotionEvent

_UTC = dt_timezone.utc


class _OffsetCache:
    """UTC datetime -> local naive datetime, with the offset cached per UTC hour."""

    def __init__(self, tz: ZoneInfo):
        self.tz = tz
        self._hours: dict[tuple[int, int, int, int], timedelta | None] = {}

    def local(self, value: datetime) -> datetime:
        key = (value.year, value.month, value.day, value.hour)
        offset = self._hours.get(key, False)
        if offset is False:
            start = value.replace(minute=0, second=0, microsecond=0)
            end = start + timedelta(minutes=59, seconds=59, microseconds=999_999)
            first, last = start.astimezone(self.tz).utcoffset(), end.astimezone(self.tz).utcoffset()
            offset = self._hours[key] = first if first == last else None
        if offset is None:  # the clocks change inside this hour
            return value.astimezone(self.tz).replace(tzinfo=None)
        return value.replace(tzinfo=None) + offset


def legacy_csv_rows(
    *, event_filter: EventFilter, queryset: QuerySet[EmotionEvent] | None = None
) -> Iterator[tuple[str, str, str, str]]:
    """The events as legacy CSV fields, in time order, streamed from the database.

    `queryset` narrows the events further (the admin's selection).
    """
    tz = ZoneInfo(settings.TIME_ZONE)
    offsets = _OffsetCache(tz)
    names = {label: legacy_name(label) for label in EMOTIONS}
    events = (
        event_filter.events(queryset)
        .order_by("timestamp", "id")
        .values_list("timestamp", "location__name", "emotion", "confidence")
    )
    for timestamp, location, emotion, confidence in events.iterator(chunk_size=20_000):
        local = offsets.local(timestamp.astimezone(_UTC))
        yield local.isoformat(sep=" ", timespec="milliseconds"), location, names[emotion], repr(confidence)


def legacy_csv_export(*, out: IO[str], event_filter: EventFilter) -> int:
    """Write the events as emotion_log.csv text to `out`; return the number of rows.

    Confidence is written with repr(), the shortest text that reads back as the
    same float, so importing then exporting gives back the original rows.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LEGACY_COLUMNS)
    count = 0
    for count, row in enumerate(legacy_csv_rows(event_filter=event_filter), start=1):
        writer.writerow(row)
    return count
