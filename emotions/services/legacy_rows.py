"""Reading and validating emotion_log.csv rows in batches, vectorised with pandas.

The one place that decides what a good legacy row is; the importer
(legacy_csv.legacy_csv_import) and the `analyze_emotions --csv` path
(analytics/legacy_pandas.py) both read through here, so they accept and skip
exactly the same rows. A row is good when, after trimming spaces:
- Timestamp is `YYYY-MM-DD HH:MM:SS` with an optional 1-6 digit fraction, a real
  date, and a time that exists in TIME_ZONE (a time in the hour skipped when
  clocks go forward is bad; one in the hour repeated when they go back is read
  as its first, summer-time, occurrence), within emotions.time_bounds (not
  before EARLIEST_EVENT_DATE, not past the server's clock plus MAX_CLOCK_SKEW_SECONDS);
- CameraLocation is non-empty, at most 120 characters, valid UTF-8, without
  control characters (cameras.validators);
- Emotion is one of the 7 labels, any capitalisation;
- Confidence is a number (Python float syntax) between 0 and 1 inclusive.
Lines that are empty (or all fields empty) are skipped silently; fields beyond
the header's are ignored. Bad rows are reported with their physical line number.
Spreadsheet exports (`;`-separated, decimal commas) are read too: see legacy_dialect.py.

Kept apart from legacy_csv.py so web processes that only export never import pandas.
"""
from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone as dt_timezone
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from cameras.validators import control_character_problem
from emotions.labels import parse_label
from emotions.time_bounds import earliest_event_time, event_time_problem, latest_event_time
from emotions.legacy_format import (
    LEGACY_COLUMNS,
    LOCATION_NAME_MAX,
    TIMESTAMP_PATTERN,
    BadRow,
    LegacyCsvError,
    legacy_column_positions,
    open_legacy_csv_text,
)
from emotions.services.legacy_dialect import LegacyDialect, LegacyDialectError, legacy_dialect

_FIELDS = ("ts", "location", "emotion", "confidence")  # LEGACY_COLUMNS, in this order
_TIMESTAMP_RE = re.compile(TIMESTAMP_PATTERN)


@dataclass(frozen=True)
class LegacyBatch:
    """The good rows of one batch, column-wise, and the batch's bad rows."""

    lines: np.ndarray  # int64: physical line numbers (the header is line 1)
    local: np.ndarray  # datetime64[ns], naive local time as written in the file
    utc: np.ndarray  # datetime64[us], the same instants in UTC
    location: np.ndarray  # object: names
    label: np.ndarray  # object: lowercase labels
    confidence: np.ndarray  # float64
    bad_rows: list[BadRow]
    rows_seen: int  # good + bad (blank lines not counted)

    def __len__(self) -> int:
        return len(self.lines)


@dataclass(frozen=True)
class LegacyFileScan:
    line_count: int
    has_quotes: bool


def scan_legacy_file(path: Path) -> LegacyFileScan:
    """One fast binary pass: the line count (for a progress bar) and whether any field is quoted."""
    lines, quotes = 0, False
    with path.open("rb") as raw:
        for chunk in iter(lambda: raw.read(1 << 20), b""):
            lines += chunk.count(b"\n")
            quotes = quotes or b'"' in chunk
    return LegacyFileScan(line_count=lines, has_quotes=quotes)


def _header_positions(reader) -> tuple[int, ...]:
    try:
        header = next(reader)
    except StopIteration:
        raise LegacyCsvError("the file is empty (no header row)") from None
    return legacy_column_positions(header)


def _dialect_reader(stream: IO[str], delimiter: str | None, decimal: str | None):
    """(csv reader over the whole stream, its dialect), the dialect found from the header line."""
    header_line = stream.readline()
    try:
        dialect = legacy_dialect(header_line, columns=LEGACY_COLUMNS, delimiter=delimiter, decimal=decimal)
    except LegacyDialectError as exc:
        raise LegacyCsvError(str(exc)) from None
    return csv.reader(itertools.chain([header_line] if header_line else [], stream), delimiter=dialect.delimiter), dialect


def _pandas_frames(
    path: Path, positions: tuple[int, ...], batch_size: int, delimiter: str
) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """pandas' C reader, for files without quotes: no field spans lines, so row i is line i + 2."""
    ordered = sorted(positions)
    reader = pd.read_csv(
        path, sep=delimiter, dtype=str, keep_default_na=False, skip_blank_lines=False, usecols=ordered,
        chunksize=batch_size, encoding="utf-8-sig", encoding_errors="surrogateescape", header=0,
    )
    next_line = 2
    try:
        for chunk in reader:
            frame = pd.DataFrame(
                {name: chunk.iloc[:, ordered.index(at)].to_numpy() for name, at in zip(_FIELDS, positions)}
            )
            yield frame, np.arange(next_line, next_line + len(frame), dtype=np.int64)
            next_line += len(frame)
    except pd.errors.ParserError as exc:
        raise LegacyCsvError(f"unreadable CSV near line {next_line}: {exc}") from exc


def _csv_module_frames(reader, positions: tuple[int, ...], batch_size: int) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """Python's csv reader, for quoted files or open streams: exact line numbers for multi-line fields."""
    columns: list[list[str]] = [[] for _ in _FIELDS]
    lines: list[int] = []

    def flush():
        frame = pd.DataFrame(dict(zip(_FIELDS, columns)), dtype=object)
        return frame, np.array(lines, dtype=np.int64)

    try:
        for row in reader:
            width = len(row)
            for column, at in zip(columns, positions):
                column.append(row[at] if at < width else "")
            lines.append(reader.line_num)
            if len(lines) >= batch_size:
                yield flush()
                columns = [[] for _ in _FIELDS]
                lines = []
    except csv.Error as exc:
        raise LegacyCsvError(f"unreadable CSV near line {reader.line_num}: {exc}") from exc
    if lines:
        yield flush()


def _label_or_none(value: str) -> str | None:
    try:
        return parse_label(value)
    except ValueError:
        return None


def _location_problem(name: str) -> str | None:
    if len(name) > LOCATION_NAME_MAX:
        return f"CameraLocation is longer than {LOCATION_NAME_MAX} characters"
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # surrogate-escaped bytes that were not UTF-8
        return "CameraLocation is not valid UTF-8 text"
    if problem := control_character_problem(name):
        return f"CameraLocation {problem}"
    return None


def _float_or_nan(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return float("nan")


def _confidences(texts: pd.Series) -> np.ndarray:
    # astype(float64) parses with Python's float(); pandas' own fast parser
    # (to_numeric, read_csv's default) can differ in the last bit, which matters at the threshold.
    try:
        return texts.astype("float64").to_numpy()
    except ValueError:
        return texts.map(_float_or_nan).astype("float64").to_numpy()


def _exists_locally(naive: datetime, tz: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(dt_timezone.utc).astimezone(tz).replace(tzinfo=None) == naive


def explain_bad_row(
    ts: str, location: str, emotion: str, confidence: str, tz: ZoneInfo, dialect: LegacyDialect = LegacyDialect()
) -> str:
    """Why a row is bad, in words (the vectorised check decided that it is)."""
    empty = [column for column, value in zip(LEGACY_COLUMNS, (ts, location, emotion, confidence)) if not value]
    if empty:
        return f"missing value for {', '.join(empty)}"
    if _TIMESTAMP_RE.fullmatch(ts) is None:
        return f"bad timestamp {ts!r} (expected YYYY-MM-DD HH:MM:SS.fff)"
    try:
        naive = datetime.fromisoformat(ts)
    except ValueError:
        return f"bad timestamp {ts!r} (no such date)"
    # Before _exists_locally: converting year 1 or 9999 to UTC overflows.
    if problem := event_time_problem(naive.replace(tzinfo=tz)):
        return f"timestamp {ts!r} {problem}"
    if not _exists_locally(naive, tz):
        return f"timestamp {ts!r} does not exist in {tz.key} (clocks went forward)"
    if _label_or_none(emotion) is None:
        return f"unknown emotion {emotion!r} (expected one of Angry, Disgust, Fear, Happy, Neutral, Sad, Surprise)"
    value = _float_or_nan(dialect.number_text(confidence))
    if value != value:
        hint = "; for decimal commas use --decimal ','" if "," in confidence and dialect.decimal == "." else ""
        return f"bad confidence {confidence!r} (expected a number between 0 and 1{hint})"
    if not 0.0 <= value <= 1.0:
        return f"confidence {confidence!r} is outside 0..1"
    return _location_problem(location) or "invalid row"


def validate_frame(
    raw: pd.DataFrame, lines: np.ndarray, tz: ZoneInfo, dialect: LegacyDialect = LegacyDialect()
) -> LegacyBatch:
    """Decide, column-wise, which rows of a raw batch are good."""
    ts = raw["ts"].str.strip()
    location = raw["location"].str.strip()
    emotion = raw["emotion"].str.strip()
    confidence_text = raw["confidence"].str.strip()
    empty = [ts == "", location == "", emotion == "", confidence_text == ""]
    blank = (empty[0] & empty[1] & empty[2] & empty[3]).to_numpy()
    present = ~(empty[0] | empty[1] | empty[2] | empty[3]).to_numpy()

    well_formed = ts.str.fullmatch(TIMESTAMP_PATTERN).to_numpy(dtype=bool)
    local = pd.to_datetime(ts.where(well_formed), format="ISO8601", errors="coerce")
    # The zone by name: pandas converts a named zone in C, a ZoneInfo object row by row (50x slower).
    aware = local.dt.tz_localize(tz.key, ambiguous=np.ones(len(local), dtype=bool), nonexistent="NaT")
    # NaT (out of pandas' range too) compares False: such rows are bad.
    in_bounds = ((aware >= pd.Timestamp(earliest_event_time())) & (aware <= pd.Timestamp(latest_event_time()))).to_numpy()
    label = emotion.map({value: _label_or_none(value) for value in emotion.unique()})
    location_ok = location.map({name: _location_problem(name) is None for name in location.unique()})
    if dialect.decimal == ",":
        confidence_text = confidence_text.str.replace(",", ".", regex=False)
    confidence = _confidences(confidence_text)
    with np.errstate(invalid="ignore"):
        confidence_ok = (confidence >= 0.0) & (confidence <= 1.0)
    good = (
        present & in_bounds & label.notna().to_numpy()
        & location_ok.to_numpy(dtype=bool) & confidence_ok
    )
    bad = ~good & ~blank
    bad_rows = [
        BadRow(line=int(line), message=explain_bad_row(*values, tz, dialect))
        for line, values in zip(
            lines[bad], raw.loc[bad, list(_FIELDS)].apply(lambda c: c.str.strip()).itertuples(index=False)
        )
    ] if bad.any() else []
    good_aware = aware[good]
    return LegacyBatch(
        lines=lines[good],
        local=local[good].to_numpy(dtype="datetime64[ns]"),
        utc=good_aware.dt.tz_convert(None).to_numpy(dtype="datetime64[us]"),
        location=location[good].to_numpy(dtype=object),
        label=label[good].to_numpy(dtype=object),
        confidence=confidence[good],
        bad_rows=bad_rows,
        rows_seen=int(good.sum()) + len(bad_rows),
    )


def read_legacy_batches(
    source: str | Path | IO[str],
    *,
    batch_size: int,
    time_zone: str,
    has_quotes: bool | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
) -> Iterator[LegacyBatch]:
    """Validated batches of a legacy CSV (a path, or an open text stream).

    `delimiter` (',' or ';') and `decimal` ('.' or ','): None detects them (legacy_dialect.py).
    Raises LegacyCsvError for file-level problems (no header, missing column,
    a delimiter or decimal that contradicts the file) before yielding anything.
    """
    tz = ZoneInfo(time_zone)
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise LegacyCsvError(f"no such file: {path}")
        if has_quotes is None:
            has_quotes = scan_legacy_file(path).has_quotes
        with open_legacy_csv_text(path) as stream:
            reader, dialect = _dialect_reader(stream, delimiter, decimal)
            positions = _header_positions(reader)
            if has_quotes:
                for raw, lines in _csv_module_frames(reader, positions, batch_size):
                    yield validate_frame(raw, lines, tz, dialect)
                return
        for raw, lines in _pandas_frames(path, positions, batch_size, dialect.delimiter):
            yield validate_frame(raw, lines, tz, dialect)
        return
    reader, dialect = _dialect_reader(source, delimiter, decimal)
    positions = _header_positions(reader)
    for raw, lines in _csv_module_frames(reader, positions, batch_size):
        yield validate_frame(raw, lines, tz, dialect)
