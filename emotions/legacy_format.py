"""The prototype's `emotion_log.csv` format, shared by the import, the export and
`analyze_emotions --csv`.

A header `Timestamp,CameraLocation,Emotion,Confidence` (columns found by name,
extra ones ignored), then one row per classified face, e.g.

    2025-11-25 14:03:07.412,Exhibit Hall A,Happy,0.8734512329101562

Timestamps are naive local times in settings.TIME_ZONE with milliseconds.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

from cameras.models import Location

LEGACY_COLUMNS: tuple[str, ...] = ("Timestamp", "CameraLocation", "Emotion", "Confidence")
# `YYYY-MM-DD HH:MM:SS` with an optional 1-6 digit fraction (the prototype wrote 3).
TIMESTAMP_PATTERN = r"\d{4}-\d\d-\d\d ([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?"
LOCATION_NAME_MAX = Location._meta.get_field("name").max_length


class LegacyCsvError(Exception):
    """The file as a whole can't be read (missing column, no header, not UTF-8...)."""


@dataclass(frozen=True)
class BadRow:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def format_legacy_timestamp(value: datetime) -> str:
    """Aware datetime -> '2025-11-25 14:03:07.412' in TIME_ZONE (milliseconds, truncated)."""
    local = value.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)
    return local.isoformat(sep=" ", timespec="milliseconds")


def legacy_column_positions(header: list[str]) -> tuple[int, ...]:
    """Where Timestamp, CameraLocation, Emotion, Confidence are; LegacyCsvError naming any missing."""
    names = [name.strip() for name in header]
    missing = [column for column in LEGACY_COLUMNS if column not in names]
    if missing:
        raise LegacyCsvError(
            f"missing required column(s): {', '.join(missing)} "
            f"(header is {','.join(names)!r}; expected {','.join(LEGACY_COLUMNS)})"
        )
    return tuple(names.index(column) for column in LEGACY_COLUMNS)


def open_legacy_csv_text(path: Path) -> io.TextIOWrapper:
    """How emotion_log.csv is opened: a BOM is tolerated; surrogateescape turns bytes
    that aren't UTF-8 into a bad row (a location that isn't valid text) instead of a crash."""
    return path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="")
