"""Import and export of the prototype's `emotion_log.csv`.

Format: a header `Timestamp,CameraLocation,Emotion,Confidence` (extra columns are
ignored), then one row per classified face, e.g.

    2025-11-25 14:03:07.412,Exhibit Hall A,Happy,0.8734512329101562

Timestamps are naive local times in settings.TIME_ZONE with milliseconds. The
row rules (what makes a row bad) live here and are mirrored, vectorised, by the
pandas path in analytics/legacy_pandas.py; tests hold the two together.

The import streams: rows are validated in Python, then written in batches
(PostgreSQL: COPY into a temporary staging table, then one INSERT .. SELECT ..
ON CONFLICT (event_key) DO NOTHING; SQLite: INSERT OR IGNORE). Each row gets a
deterministic `event_key` from its content, so re-importing a file, or a longer
version of it, or a file this module exported, adds nothing twice.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone as dt_timezone
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from tqdm import tqdm

from analytics.filters import EventFilter
from cameras.models import Location
from emotions.labels import EMOTIONS, legacy_name, parse_label
from emotions.models import EmotionEvent

LEGACY_COLUMNS: tuple[str, ...] = ("Timestamp", "CameraLocation", "Emotion", "Confidence")
# `YYYY-MM-DD HH:MM:SS` with an optional 1-6 digit fraction (the prototype wrote 3).
TIMESTAMP_PATTERN = r"\d{4}-\d\d-\d\d ([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?"
_TIMESTAMP_RE = re.compile(TIMESTAMP_PATTERN)
LOCATION_NAME_MAX = Location._meta.get_field("name").max_length
DEFAULT_BATCH_SIZE = 50_000
# The import result keeps this many bad rows for callers; `on_bad_row` sees them all.
KEPT_BAD_ROWS = 100

_UTC = dt_timezone.utc
_LABEL_OF_LEGACY = {legacy_name(label): label for label in EMOTIONS}


class LegacyCsvError(Exception):
    """The file as a whole can't be read (missing column, no header, not UTF-8...)."""


@dataclass(frozen=True)
class BadRow:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportResult:
    rows_read: int = 0
    rows_inserted: int = 0
    rows_already_present: int = 0
    bad_row_count: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)  # the first KEPT_BAD_ROWS
    locations_created: list[str] = field(default_factory=list)


def format_legacy_timestamp(value: datetime) -> str:
    """Aware datetime -> '2025-11-25 14:03:07.412' in TIME_ZONE (milliseconds, truncated)."""
    local = value.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)
    return local.isoformat(sep=" ", timespec="milliseconds")


class LocalTimeReader:
    """Legacy timestamp text -> (canonical local text, UTC offset), fast.

    The offset is computed once per local hour and cached; only an hour that
    contains a clock change is resolved row by row. Times in the hour repeated
    when clocks go back are read as the first (summer time) occurrence; times
    skipped when clocks go forward don't exist and are bad rows.
    """

    _MIXED = object()

    def __init__(self, tz: ZoneInfo):
        self.tz = tz
        self._hours: dict[str, object] = {}

    def read(self, text: str) -> tuple[str, timedelta]:
        """Raise ValueError with a row-level message when the text is not a valid time."""
        if _TIMESTAMP_RE.fullmatch(text) is None:
            raise ValueError(f"bad timestamp {text!r} (expected YYYY-MM-DD HH:MM:SS.fff)")
        canonical = text + "000" if len(text) == 23 else f"{text[:19]}.{text[20:]:0<6}"
        hour_key = text[:13]
        state = self._hours.get(hour_key)
        if state is None:
            state = self._hours[hour_key] = self._hour_state(hour_key)
        if isinstance(state, timedelta):
            return canonical, state
        if isinstance(state, str):
            raise ValueError(state.format(text=text))
        return canonical, self._offset_of(datetime.fromisoformat(canonical), text)

    def _hour_state(self, hour_key: str) -> object:
        try:
            start = datetime.fromisoformat(hour_key + ":00:00")
        except ValueError:
            return "bad timestamp {text!r} (no such date)"
        end = start + timedelta(minutes=59, seconds=59, microseconds=999_999)
        start_offset, end_offset = self._offset_or_none(start), self._offset_or_none(end)
        if start_offset is None and end_offset is None:
            # A clock-change gap is one interval: both ends in it means the whole hour is.
            return "timestamp {text!r} does not exist in " + f"{self.tz.key} (clocks went forward)"
        if start_offset is not None and start_offset == end_offset:
            return start_offset
        return self._MIXED

    def _offset_or_none(self, naive: datetime) -> timedelta | None:
        aware = naive.replace(tzinfo=self.tz)
        if aware.astimezone(_UTC).astimezone(self.tz).replace(tzinfo=None) != naive:
            return None
        return aware.utcoffset()

    def _offset_of(self, naive: datetime, text: str) -> timedelta:
        offset = self._offset_or_none(naive)
        if offset is None:
            raise ValueError(f"timestamp {text!r} does not exist in {self.tz.key} (clocks went forward)")
        return offset


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"bad confidence {text!r} (expected a number between 0 and 1)") from None
    if not 0.0 <= value <= 1.0:  # also catches nan
        raise ValueError(f"confidence {text!r} is outside 0..1")
    return value


def _location_name(text: str) -> str:
    if len(text) > LOCATION_NAME_MAX:
        raise ValueError(f"CameraLocation is longer than {LOCATION_NAME_MAX} characters")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # surrogate-escaped bytes that were not UTF-8
            raise ValueError("CameraLocation is not valid UTF-8 text") from None
    return text


@dataclass(frozen=True)
class _GoodRow:
    line: int
    event_key: str
    local_time: str  # canonical, 6-digit fraction
    offset: timedelta
    location: str
    label: str
    confidence: float


def _column_positions(header: list[str]) -> tuple[int, ...]:
    names = [name.strip() for name in header]
    missing = [column for column in LEGACY_COLUMNS if column not in names]
    if missing:
        raise LegacyCsvError(
            f"missing required column(s): {', '.join(missing)} "
            f"(header is {','.join(names)!r}; expected {','.join(LEGACY_COLUMNS)})"
        )
    return tuple(names.index(column) for column in LEGACY_COLUMNS)


def _read_rows(
    text_stream: IO[str], tz: ZoneInfo, on_bad_row: Callable[[BadRow], None]
) -> Iterator[_GoodRow]:
    """Validate rows one by one; bad rows go to `on_bad_row`, good ones are yielded."""
    reader = csv.reader(text_stream)
    try:
        header = next(reader)
    except StopIteration:
        raise LegacyCsvError("the file is empty (no header row)") from None
    positions = _column_positions(header)
    ts_at, loc_at, emo_at, conf_at = positions
    width = len(header)
    needed = max(positions) + 1
    times = LocalTimeReader(tz)
    # Identical rows (same time, place, emotion and confidence) get an occurrence
    # number so both are kept; they are written one after the other, so counting
    # within a run of rows with the same timestamp is enough and memory stays small.
    run_time = ""
    run_seen: dict[tuple[str, str, str], int] = {}
    for row in reader:
        if not row:
            continue  # blank line
        line = reader.line_num
        try:
            if len(row) > width:
                raise ValueError(f"has {len(row)} fields, the header has {width}")
            if len(row) < needed:
                absent = [c for c, at in zip(LEGACY_COLUMNS, positions) if at >= len(row)]
                raise ValueError(f"missing field(s): {', '.join(absent)}")
            ts_text = row[ts_at].strip()
            location = row[loc_at].strip()
            emotion = row[emo_at].strip()
            conf_text = row[conf_at].strip()
            if not (ts_text and location and emotion and conf_text):
                empty = [c for c, v in zip(LEGACY_COLUMNS, (ts_text, location, emotion, conf_text)) if not v]
                raise ValueError(f"missing value for {', '.join(empty)}")
            local_time, offset = times.read(ts_text)
            label = _LABEL_OF_LEGACY.get(emotion) or parse_label(emotion)
            confidence = _confidence(conf_text)
            location = _location_name(location)
        except ValueError as exc:
            on_bad_row(BadRow(line=line, message=str(exc)))
            continue
        if local_time != run_time:
            run_time = local_time
            run_seen = {}
        content = (location, label, repr(confidence))
        occurrence = run_seen.get(content, 0)
        run_seen[content] = occurrence + 1
        digest = hashlib.blake2b(
            f"{location}\x1f{label}\x1f{content[2]}\x1f{occurrence}".encode("utf-8", "surrogatepass"),
            digest_size=8,
        ).hexdigest()
        yield _GoodRow(
            line=line,
            # Time first: keys of one import sort together, which keeps the unique index's inserts local.
            event_key=f"csv:{local_time}:{digest}",
            local_time=local_time,
            offset=offset,
            location=location,
            label=label,
            confidence=confidence,
        )


def _batches(rows: Iterable[_GoodRow], size: int) -> Iterator[list[_GoodRow]]:
    batch: list[_GoodRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _location_ids(names: set[str], known: dict[str, int], created: list[str]) -> None:
    """Fill `known` with ids for `names`, creating the locations not seen before."""
    wanted = names - known.keys()
    if not wanted:
        return
    known.update(Location.objects.filter(name__in=wanted).values_list("name", "pk"))
    new = sorted(wanted - known.keys())
    if new:
        Location.objects.bulk_create([Location(name=name) for name in new], ignore_conflicts=True)
        known.update(Location.objects.filter(name__in=new).values_list("name", "pk"))
        created.extend(new)


_EVENT_TABLE = EmotionEvent._meta.db_table
_COLUMN = {f.name: f.column for f in EmotionEvent._meta.concrete_fields}
_INSERT_COLUMNS = ("event_key", "timestamp", "location", "emotion", "confidence", "source", "track_id")


def _write_postgresql(batch: list[_GoodRow], location_ids: dict[str, int]) -> int:
    def offset_text(offset: timedelta) -> str:
        minutes = int(offset.total_seconds()) // 60
        sign = "+" if minutes >= 0 else "-"
        return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"

    offsets: dict[timedelta, str] = {}
    lines = []
    for row in batch:
        off = offsets.get(row.offset)
        if off is None:
            off = offsets[row.offset] = offset_text(row.offset)
        # Keys, times, ids, labels and repr(float) never contain tab, newline or backslash.
        lines.append(
            f"{row.line}\t{row.event_key}\t{row.local_time}{off}\t{location_ids[row.location]}"
            f"\t{row.label}\t{row.confidence!r}\n"
        )
    columns = ", ".join(_COLUMN[name] for name in _INSERT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS legacy_import_staging ("
            " line bigint, event_key varchar(64), ts timestamptz, location_id bigint,"
            " emotion varchar(16), confidence double precision)"
        )
        cursor.execute("TRUNCATE legacy_import_staging")
        with cursor.cursor.copy(
            "COPY legacy_import_staging (line, event_key, ts, location_id, emotion, confidence) FROM STDIN"
        ) as copy:
            copy.write("".join(lines))
        # ORDER BY line: events with equal timestamps get ids in file order, so an export
        # (ordered by timestamp, id) gives the rows back in their original order.
        cursor.execute(
            f"INSERT INTO {_EVENT_TABLE} ({columns}) "
            f"SELECT event_key, ts, location_id, emotion, confidence, %s, '' "
            f"FROM legacy_import_staging ORDER BY line "
            f"ON CONFLICT ({_COLUMN['event_key']}) DO NOTHING",
            [EmotionEvent.Source.IMPORT],
        )
        return cursor.rowcount


def _write_generic(batch: list[_GoodRow], location_ids: dict[str, int]) -> int:
    """SQLite (and any other backend): executemany INSERT .. ON CONFLICT DO NOTHING."""
    columns = ", ".join(_COLUMN[name] for name in _INSERT_COLUMNS)
    placeholders = ", ".join(["%s"] * len(_INSERT_COLUMNS))
    adapt = connection.ops.adapt_datetimefield_value
    params = [
        (
            row.event_key,
            adapt((datetime.fromisoformat(row.local_time) - row.offset).replace(tzinfo=_UTC)),
            location_ids[row.location],
            row.label,
            row.confidence,
            EmotionEvent.Source.IMPORT,
            "",
        )
        for row in batch
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {_EVENT_TABLE} ({columns}) VALUES ({placeholders}) "
            f"ON CONFLICT ({_COLUMN['event_key']}) DO NOTHING",
            params,
        )
        return cursor.rowcount


def open_legacy_csv_text(path: Path) -> io.TextIOWrapper:
    """How emotion_log.csv is opened: a BOM is tolerated; surrogateescape turns
    bytes that aren't UTF-8 into a bad row (see _location_name) instead of a crash."""
    return path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="")


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as raw:
        for chunk in iter(lambda: raw.read(1 << 20), b""):
            count += chunk.count(b"\n")
    return count


def legacy_csv_import(
    *,
    source: str | Path | IO[str],
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
    on_bad_row: Callable[[BadRow], None] | None = None,
) -> ImportResult:
    """Import an emotion_log.csv (a path, or an open text stream).

    Bad rows are skipped and reported (`on_bad_row` sees each one, the result keeps
    the first KEPT_BAD_ROWS); a file-level problem raises LegacyCsvError before any
    row is written. Each batch commits on its own: memory stays bounded, and since
    the import is idempotent an interrupted one is finished by running it again.
    """
    result = ImportResult()

    def bad_row(row: BadRow) -> None:
        result.bad_row_count += 1
        if len(result.bad_rows) < KEPT_BAD_ROWS:
            result.bad_rows.append(row)
        if on_bad_row is not None:
            on_bad_row(row)

    total_lines = None
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise LegacyCsvError(f"no such file: {path}")
        total_lines = max(_count_lines(path) - 1, 0)
        stream: IO[str] = open_legacy_csv_text(path)
    else:
        stream = source
    write = _write_postgresql if connection.vendor == "postgresql" else _write_generic
    location_ids: dict[str, int] = {}
    good_rows = 0
    bar = tqdm(
        total=total_lines, unit=" rows", file=sys.stderr, disable=not progress,
        desc="import", mininterval=0.5, dynamic_ncols=True,
    )
    try:
        rows = _read_rows(stream, ZoneInfo(settings.TIME_ZONE), bad_row)
        for batch in _batches(rows, batch_size):
            with transaction.atomic():
                _location_ids({row.location for row in batch}, location_ids, result.locations_created)
                inserted = write(batch, location_ids)
            good_rows += len(batch)
            result.rows_inserted += inserted
            bar.update(good_rows + result.bad_row_count - bar.n)
    finally:
        bar.close()
        if stream is not source:
            stream.close()
    result.rows_read = good_rows + result.bad_row_count
    result.rows_already_present = good_rows - result.rows_inserted
    return result


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


def legacy_csv_rows(*, event_filter: EventFilter) -> Iterator[tuple[str, str, str, str]]:
    """The events as legacy CSV fields, in time order, streamed from the database."""
    tz = ZoneInfo(settings.TIME_ZONE)
    offsets = _OffsetCache(tz)
    names = {label: legacy_name(label) for label in EMOTIONS}
    events = (
        event_filter.events()
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


