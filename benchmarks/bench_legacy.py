"""Legacy compatibility speed: import, and analyze_emotions from SQL vs the old pandas way.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dev_legacy \
        .venv/bin/python benchmarks/bench_legacy.py [--rows 1000000]

Generates an emotion_log.csv of N rows (30 days of October 2025, museum hours,
6 locations), imports it into a throwaway database (<your db>_bench, created and
dropped here), then prints side by side, in one run:
- import rows/s (target >= 50,000 rows/s at 1M rows);
- `analyze_emotions` from the database (target <= 1 s at 1M rows on PostgreSQL);
- the same analysis with pandas over the same rows as a CSV (the old way), both as
  our `--csv` drop-in (which also validates rows like the importer) and as a bare
  read_csv + groupby script with no validation (the most generous baseline);
- the speed-ups (target >= 5x) and whether the SQL and --csv JSON are identical.
Timings: the analysis runs are repeated and the median is shown (the first,
colder run too). Figures, not asserts: see docs/legacy.md for recorded ones.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "museum_site.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from emotions.labels import EMOTIONS, legacy_name  # noqa: E402
from emotions.services.legacy_csv import legacy_csv_import  # noqa: E402

LOCATIONS = ["Museum Entrance", "Exhibit Hall A", "Exhibit Hall B", "Sculpture Garden", "Gift Shop", "Cafe"]
EMOTION_WEIGHTS = [0.06, 0.02, 0.05, 0.35, 0.30, 0.10, 0.12]  # EMOTIONS order


def generate_csv(path: Path, rows: int, seed: int = 7) -> None:
    """Sorted local times 09:00-19:00 over October 2025 (its DST change included)."""
    rng = np.random.default_rng(seed)
    day = rng.integers(0, 31, rows)
    ms_in_day = rng.integers(9 * 3_600_000, 19 * 3_600_000, rows)
    local = np.sort(np.datetime64("2025-10-01T00:00:00.000") + (day * 86_400_000 + ms_in_day).astype("timedelta64[ms]"))
    times = np.char.replace(np.datetime_as_string(local, unit="ms"), "T", " ")
    locations = np.array(LOCATIONS)[rng.integers(0, len(LOCATIONS), rows)]
    emotions = np.array([legacy_name(e) for e in EMOTIONS])[rng.choice(len(EMOTIONS), rows, p=EMOTION_WEIGHTS)]
    confidences = rng.beta(5, 2, rows)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Timestamp,CameraLocation,Emotion,Confidence\n")
        step = 100_000
        for start in range(0, rows, step):
            end = min(start + step, rows)
            out.write(
                "".join(
                    f"{t},{loc},{emo},{conf!r}\n"
                    for t, loc, emo, conf in zip(
                        times[start:end], locations[start:end], emotions[start:end], confidences[start:end].tolist()
                    )
                )
            )


def bare_pandas(path: Path, threshold: float) -> dict:
    """What a minimal pandas script does: no row validation, no DST care. A lower bound for pandas."""
    df = pd.read_csv(path)
    df["Timestamp"] = pd.to_datetime(df["Timestamp"], format="%Y-%m-%d %H:%M:%S.%f")
    valid = df[df["Confidence"] >= threshold]
    return {
        "by_location": valid.groupby(["CameraLocation", "Emotion"]).size().to_dict(),
        "by_hour": valid.groupby([valid["Timestamp"].dt.hour, "Emotion"]).size().to_dict(),
        "overall": valid["Emotion"].value_counts().to_dict(),
    }


class BackendCpu:
    """CPU seconds used by PostgreSQL backends serving `database` while it runs (sampled from /proc).

    The machine this runs on is shared, so wall-clock rates depend on the load;
    CPU seconds say what the work itself costs.
    """

    def __init__(self, database: str, interval: float = 0.1):
        # Backend titles look like "postgres: 15/main: <user> <database> 127.0.0.1(5432) COPY".
        self.marker = f" {settings.DATABASES['default'].get('USER') or 'postgres'} {database} "
        self.interval = interval
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _cpu(pid: int) -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _sample(self) -> None:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                title = (entry / "cmdline").read_bytes().decode(errors="replace")
                if not (title.startswith("postgres:") and self.marker in title):
                    continue
                pid = int(entry.name)
                cpu = self._cpu(pid)
            except OSError:
                continue
            self.first.setdefault(pid, cpu)
            self.last[pid] = cpu

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self):
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def seconds(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def timed(fn, repeat: int, backend: BackendCpu | None = None) -> tuple[list[float], list[float], object]:
    """Wall seconds and CPU seconds (this process, plus `backend`'s PostgreSQL work) of each run."""
    times, cpu_times, result = [], [], None
    for _ in range(repeat):
        if backend is not None:
            backend._sample()
        start, cpu_start = time.perf_counter(), time.process_time()
        backend_start = backend.seconds if backend is not None else 0.0
        result = fn()
        times.append(time.perf_counter() - start)
        if backend is not None:
            backend._sample()
        cpu_times.append(time.process_time() - cpu_start + ((backend.seconds - backend_start) if backend else 0.0))
    return times, cpu_times, result


def analyze(*extra: str) -> str:
    out = io.StringIO()
    call_command("analyze_emotions", *extra, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each analysis (median shown).")
    parser.add_argument("--keep", action="store_true", help="Keep the bench database and CSV.")
    args = parser.parse_args()

    vendor = connection.vendor
    if vendor != "postgresql":
        print(f"note: DATABASE_URL is {vendor}; the targets are for PostgreSQL.", file=sys.stderr)
    workdir = Path(tempfile.mkdtemp(prefix="bench-legacy-"))
    csv_path = workdir / "emotion_log.csv"

    start = time.perf_counter()
    generate_csv(csv_path, args.rows)
    print(f"generated {args.rows:,} rows ({csv_path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s",
          file=sys.stderr)

    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = (
        f"{db['NAME']}_bench" if vendor == "postgresql" else str(workdir / "bench.sqlite3")
    )
    original_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        load_before = os.getloadavg()[0]
        start, cpu_start = time.perf_counter(), time.process_time()
        sampler = BackendCpu(connection.settings_dict["NAME"]) if vendor == "postgresql" and Path("/proc").is_dir() else None
        if sampler is not None:
            with sampler:
                result = legacy_csv_import(source=csv_path, progress=True)
        else:
            result = legacy_csv_import(source=csv_path, progress=True)
        import_s = time.perf_counter() - start
        python_cpu_s = time.process_time() - cpu_start
        postgres_cpu_s = sampler.seconds if sampler is not None else 0.0
        assert result.rows_inserted == args.rows, result

        vacuum_s = 0.0
        if vendor == "postgresql":
            # Autovacuum's job in production; it sets the visibility map that index-only scans need.
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE emotions_emotionevent")
            vacuum_s = time.perf_counter() - start

        # This connection's backend only: the import's writer connection is closed by now.
        backend = BackendCpu(connection.settings_dict["NAME"]) if sampler is not None else None
        sql_times, sql_cpu, sql_json = timed(analyze, args.repeat + 1, backend)
        csv_times, csv_cpu, csv_json = timed(lambda: analyze("--csv", str(csv_path)), args.repeat)
        bare_times, bare_cpu, _ = timed(lambda: bare_pandas(csv_path, 0.6), args.repeat)
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0, keepdb=args.keep)

    sql_s, sql_cpu_s = statistics.median(sql_times[1:]), statistics.median(sql_cpu[1:])
    csv_s, csv_cpu_s = statistics.median(csv_times), statistics.median(csv_cpu)
    bare_s, bare_cpu_s = statistics.median(bare_times), statistics.median(bare_cpu)
    identical = sql_json == csv_json
    summary = json.loads(sql_json)
    rate = args.rows / import_s

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    print()
    print(f"legacy benchmark: {args.rows:,} events, {vendor}, {os.cpu_count()} CPUs, TIME_ZONE={settings.TIME_ZONE}")
    print(f"  load average (1 min) before import {load_before:.1f}, at the end {os.getloadavg()[0]:.1f}"
          " (other work on this machine slows every figure below)")
    print(f"  valid detections (>= 0.6): {summary['metadata']['rows_analyzed']:,}")
    print(f"  {'step':<52}{'seconds':>10}{'rows/s':>14}")
    print(f"  {'import_emotion_log (COPY + INSERT .. ON CONFLICT)':<52}{import_s:>10.2f}{rate:>14,.0f}"
          f"   target >= 50,000: {verdict(rate >= 50_000)}")
    print(f"    import CPU: Python {python_cpu_s:.2f} s (parser + writer threads)"
          + (f", PostgreSQL backends {postgres_cpu_s:.2f} s; they overlap, so on two free cores"
             f" ~{args.rows / max(python_cpu_s, postgres_cpu_s):,.0f} rows/s" if postgres_cpu_s else ""))
    if vendor == "postgresql":
        print(f"  {'VACUUM ANALYZE after import (autovacuum in prod)':<52}{vacuum_s:>10.2f}")
    print(f"  {'analyze_emotions from SQL (median; first run)':<52}{sql_s:>10.3f}   ({sql_times[0]:.3f} first)"
          f"   target <= 1 s: {verdict(sql_s <= 1.0)}")
    print(f"  {'analyze_emotions --csv (pandas drop-in, validated)':<52}{csv_s:>10.3f}")
    print(f"  {'bare pandas script (no validation, lower bound)':<52}{bare_s:>10.3f}")
    print(f"  speed-up SQL vs pandas drop-in: {csv_s / sql_s:.1f}x   target >= 5x: {verdict(csv_s / sql_s >= 5)}")
    print(f"  speed-up SQL vs bare pandas:    {bare_s / sql_s:.1f}x")
    print(f"  CPU seconds per analysis (median): SQL {sql_cpu_s:.3f} (Python + PostgreSQL backend),"
          f" pandas drop-in {csv_cpu_s:.3f} ({csv_cpu_s / sql_cpu_s:.1f}x), bare pandas {bare_cpu_s:.3f}"
          f" ({bare_cpu_s / sql_cpu_s:.1f}x)")
    print(f"  SQL JSON identical to --csv JSON: {'yes' if identical else 'NO'}")
    if args.keep:
        print(f"  kept: {csv_path} and database {db['TEST']['NAME']}")
    else:
        csv_path.unlink()
        workdir.rmdir()
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
