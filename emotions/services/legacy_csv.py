"""Import of the prototype's `emotion_log.csv` (the format: emotions/legacy_format.py;
the export: emotions/legacy_export.py).

What makes a row bad is decided in one place, emotions/services/legacy_rows.py,
shared with the `analyze_emotions --csv` path.

The import streams in batches: rows are validated column-wise (pandas), get a
deterministic `event_key` from their content (EventKeys), and are written:
PostgreSQL: COPY straight into the events table, or, when some keys already
exist, COPY into a staging table and INSERT .. ON CONFLICT (event_key) DO
NOTHING; SQLite: executemany INSERT .. ON CONFLICT DO NOTHING. Re-importing a
file, a longer version of it, or a file this module exported adds nothing twice.
"""
from __future__ import annotations

import hashlib
import queue
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

import numpy as np
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from tqdm import tqdm

from cameras.models import Location
from emotions.legacy_format import BadRow, LegacyCsvError
from emotions.models import EmotionEvent

DEFAULT_BATCH_SIZE = 50_000
# The import result keeps this many bad rows for callers; `on_bad_row` sees them all.
KEPT_BAD_ROWS = 100


@dataclass
class ImportResult:
    rows_read: int = 0
    rows_inserted: int = 0
    rows_already_present: int = 0
    bad_row_count: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)  # the first KEPT_BAD_ROWS
    locations_created: list[str] = field(default_factory=list)


class EventKeys:
    """Deterministic event keys for legacy rows: re-importing a row gives the same key.

    Identical rows (same time, place, emotion and confidence: two faces in one
    frame) get an occurrence number so both are kept. The prototype wrote a
    frame's rows one after the other, so counting within a run of rows with the
    same timestamp is enough, and the count carries across batch boundaries, so
    the keys don't depend on the batch size.
    """

    def __init__(self) -> None:
        self._run_time: int | None = None
        self._run_counts: dict[tuple, int] = {}

    def keys(self, *, local_us: np.ndarray, location: list[str], label: list[str], confidence_text: list[str]) -> list[str]:
        """`local_us`: int64 microseconds of the naive local times, as written in the file."""
        count = len(local_us)
        occurrence = [0] * count
        times = local_us.tolist()
        in_run = np.zeros(count, dtype=bool)
        if count > 1:
            same = local_us[1:] == local_us[:-1]
            in_run[1:] |= same
            in_run[:-1] |= same
        if count and times[0] == self._run_time:
            in_run[0] = True
        for i in np.flatnonzero(in_run).tolist():
            if times[i] != self._run_time:
                self._run_time, self._run_counts = times[i], {}
            content = (location[i], label[i], confidence_text[i])
            occurrence[i] = self._run_counts.get(content, 0)
            self._run_counts[content] = occurrence[i] + 1
        if count and not in_run[-1]:
            self._run_time = times[-1]
            self._run_counts = {(location[-1], label[-1], confidence_text[-1]): 1}
        blake2b = hashlib.blake2b
        # Time first (13 hex digits of local microseconds): one import's keys sort
        # together, which keeps the unique index's inserts local; 33 characters in all.
        return [
            f"csv:{t:013x}"
            + blake2b(f"{loc}\x1f{lbl}\x1f{conf}\x1f{n}".encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
            for t, loc, lbl, conf, n in zip(times, location, label, confidence_text, occurrence)
        ]


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


@dataclass(frozen=True)
class _BatchText:
    """One batch, as the text each backend wants."""

    keys: list[str]
    utc_text: list[str]  # 'YYYY-MM-DDTHH:MM:SS.ffffff', UTC
    location_ids: list[int]
    labels: list[str]
    confidence_text: list[str]  # repr(float): exact


def _write_postgresql(batch: _BatchText) -> int:
    """COPY the batch straight into the events table; if any key is already there
    (a re-import, an appended file), fall back to a staging table and
    INSERT .. ON CONFLICT (event_key) DO NOTHING. A first import never pays for
    the staging table; a re-import fails the COPY at its first row, cheaply."""
    columns = ", ".join(_COLUMN[name] for name in _INSERT_COLUMNS)
    # Keys, times, ids, labels and repr(float) never contain tab, newline or backslash.
    source = EmotionEvent.Source.IMPORT
    data = "".join(
        f"{key}\t{ts}Z\t{loc}\t{label}\t{conf}\t{source}\t\n"
        for key, ts, loc, label, conf in zip(
            batch.keys, batch.utc_text, batch.location_ids, batch.labels, batch.confidence_text
        )
    )
    with connection.cursor() as cursor:
        try:
            with transaction.atomic(), connection.wrap_database_errors:
                with cursor.cursor.copy(f"COPY {_EVENT_TABLE} ({columns}) FROM STDIN") as copy:
                    copy.write(data)
            return len(batch.keys)
        except IntegrityError:
            pass  # some keys exist already
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS legacy_import_staging ("
            " line bigserial, event_key varchar(64), ts timestamptz, location_id bigint,"
            " emotion varchar(16), confidence double precision, source varchar(8), track_id varchar(64))"
        )
        cursor.execute("TRUNCATE legacy_import_staging RESTART IDENTITY")
        with cursor.cursor.copy(
            "COPY legacy_import_staging (event_key, ts, location_id, emotion, confidence, source, track_id)"
            " FROM STDIN"
        ) as copy:
            copy.write(data)
        # Sorting one batch by line needs more than the default 4MB to stay in memory.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        # ORDER BY line: events with equal timestamps get ids in file order, so an export
        # (ordered by timestamp, id) gives the rows back in their original order.
        cursor.execute(
            f"INSERT INTO {_EVENT_TABLE} ({columns}) "
            f"SELECT event_key, ts, location_id, emotion, confidence, source, track_id "
            f"FROM legacy_import_staging ORDER BY line "
            f"ON CONFLICT ({_COLUMN['event_key']}) DO NOTHING"
        )
        return cursor.rowcount


def _write_generic(batch: _BatchText) -> int:
    """SQLite (and any other backend): executemany INSERT .. ON CONFLICT DO NOTHING."""
    columns = ", ".join(_COLUMN[name] for name in _INSERT_COLUMNS)
    placeholders = ", ".join(["%s"] * len(_INSERT_COLUMNS))
    adapt = connection.ops.adapt_datetimefield_value
    params = [
        (key, adapt(datetime.fromisoformat(ts + "+00:00")), loc, label, float(conf), EmotionEvent.Source.IMPORT, "")
        for key, ts, loc, label, conf in zip(
            batch.keys, batch.utc_text, batch.location_ids, batch.labels, batch.confidence_text
        )
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {_EVENT_TABLE} ({columns}) VALUES ({placeholders}) "
            f"ON CONFLICT ({_COLUMN['event_key']}) DO NOTHING",
            params,
        )
        return cursor.rowcount


def _write_batch(batch: _BatchText) -> int:
    write = _write_postgresql if connection.vendor == "postgresql" else _write_generic
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Safe: a batch lost in a crash is re-imported by running the import again.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        return write(batch)


class _BackgroundWriter:
    """Writes batches on a connection of its own while the caller validates the next batch.

    PostgreSQL works in its own process, so on two cores parsing and writing
    overlap. Only used outside a transaction (a caller's transaction can't span
    two connections).
    """

    def __init__(self) -> None:
        self.inserted = 0
        self.error: BaseException | None = None
        self._queue: queue.Queue[_BatchText | None] = queue.Queue(maxsize=2)
        self._thread = threading.Thread(target=self._run, name="legacy-import-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while (batch := self._queue.get()) is not None:
                if self.error is None:  # after an error, keep draining so the caller never blocks
                    try:
                        self.inserted += _write_batch(batch)
                    except BaseException as exc:  # handed to the caller's thread
                        self.error = exc
        finally:
            connection.close()  # this thread's connection

    def submit(self, batch: _BatchText) -> None:
        if self.error is not None:
            raise self.error
        self._queue.put(batch)

    def finish(self) -> int:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self.error is not None:
            raise self.error
        return self.inserted


def legacy_csv_import(
    *,
    source: str | Path | IO[str],
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
    on_bad_row: Callable[[BadRow], None] | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
) -> ImportResult:
    """Import an emotion_log.csv (a path, or an open text stream).

    `delimiter` (',' or ';') and `decimal` ('.' or ','): None detects them from the
    header, so a spreadsheet's `;`-separated, decimal-comma export imports as is.

    Bad rows are skipped and reported (`on_bad_row` sees each one, the result keeps
    the first KEPT_BAD_ROWS); a file-level problem raises LegacyCsvError before any
    row is written. Each batch commits on its own: memory stays bounded, and since
    the import is idempotent an interrupted one is finished by running it again.
    Called inside a transaction, everything happens in it instead.
    """
    # pandas is only needed here; web processes that export don't pay for importing it.
    from emotions.services.legacy_rows import read_legacy_batches, scan_legacy_file

    result = ImportResult()
    total_lines = has_quotes = None
    if isinstance(source, (str, Path)):
        if not Path(source).is_file():
            raise LegacyCsvError(f"no such file: {source}")
        scan = scan_legacy_file(Path(source))
        total_lines, has_quotes = max(scan.line_count - 1, 0), scan.has_quotes
    location_ids: dict[str, int] = {}
    event_keys = EventKeys()
    writer = _BackgroundWriter() if connection.vendor == "postgresql" and not connection.in_atomic_block else None
    bar = tqdm(
        total=total_lines, unit=" rows", file=sys.stderr, disable=not progress,
        desc="import", mininterval=0.5, dynamic_ncols=True,
    )
    try:
        batches = read_legacy_batches(
            source, batch_size=batch_size, time_zone=settings.TIME_ZONE, has_quotes=has_quotes,
            delimiter=delimiter, decimal=decimal,
        )
        for batch in batches:
            result.rows_read += batch.rows_seen
            for bad in batch.bad_rows:
                result.bad_row_count += 1
                if len(result.bad_rows) < KEPT_BAD_ROWS:
                    result.bad_rows.append(bad)
                if on_bad_row is not None:
                    on_bad_row(bad)
            if len(batch):
                locations = batch.location.tolist()
                labels = batch.label.tolist()
                confidence_text = list(map(repr, batch.confidence.tolist()))
                # Committed before the writer's connection refers to them.
                _location_ids(set(locations), location_ids, result.locations_created)
                text = _BatchText(
                    keys=event_keys.keys(
                        local_us=batch.local.astype("datetime64[us]").astype(np.int64),
                        location=locations, label=labels, confidence_text=confidence_text,
                    ),
                    utc_text=np.datetime_as_string(batch.utc, unit="us").tolist(),
                    location_ids=[location_ids[name] for name in locations],
                    labels=labels,
                    confidence_text=confidence_text,
                )
                if writer is not None:
                    writer.submit(text)
                else:
                    result.rows_inserted += _write_batch(text)
            bar.update(batch.rows_seen)
    finally:
        bar.close()
        if writer is not None:
            result.rows_inserted += writer.finish()
    result.rows_already_present = result.rows_read - result.bad_row_count - result.rows_inserted
    return result

