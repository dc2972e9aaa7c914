"""API and reports speed with 1,000,000 events in PostgreSQL, through gunicorn on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dev_web \\
        .venv/bin/python benchmarks/bench_api.py [--events 1000000] [--requests 60] [--keep-data]

What it does, in one run:
1. fills the database it is given (a dev database: it deletes and re-creates
   the events whose event_key starts with "bench:" and the bench museum) with
   N events and N/20 visits, generated inside PostgreSQL (INSERT .. SELECT
   generate_series), then VACUUM ANALYZE;
2. starts gunicorn (DEBUG off, 2 workers) on 127.0.0.1 and a staff user with a token;
3. times, sequentially after a warm-up, GET /api/analytics/summary/ (all time,
   and one location over 7 days), the daily series, per-exhibit engagement and
   the reports page (server time: the HTML response, static files excluded);
4. baselines side by side: the same summary JSON in-process from the hourly
   counts (the API's path), from the events (analyze_emotions' path), and from
   the events with PostgreSQL's index scans off (the unindexed query); and with
   pandas over the same events as a CSV (the prototype's way: read, group, count).
With `--model-versions K`, the events are spread over K registered model versions (copies of
the shipped artifact under MODEL_ARTIFACTS_DIR/bench-model-*), as after K retrains: the
corrected mix then corrects each version's detections (from the hourly counts, which keep them
per version) with its own matrix. Compare a run with K=0. The corrected mix's baseline, in
process: the same answer with the hourly counts switched off (counted from the events).
Targets: summary p95 <= 200 ms, reports page p95 <= 500 ms. Figures, not asserts.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "museum_site.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")

import shutil  # noqa: E402

import django  # noqa: E402

django.setup()

import pandas as pd  # noqa: E402
import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from analytics.legacy_summary import emotion_summary  # noqa: E402
from analytics.selectors.corrected_mix import corrected_emotion_mix  # noqa: E402
from analytics.selectors.summary import legacy_summary  # noqa: E402
from cameras.models import Camera, Exhibit, Location  # noqa: E402
from emotions.filters import EventFilter  # noqa: E402
from emotions.legacy_export import legacy_csv_export  # noqa: E402
from emotions.models import EmotionEvent, ModelVersion, Visit  # noqa: E402

BENCH_USER = "bench-staff"
BENCH_PASSWORD = "bench-only-password-123"
PLACES = [  # (location, exhibits)
    ("Museum Entrance", ["Welcome Wall"]),
    ("Exhibit Hall A", ["Mona Lisa (copy)", "Roman Coins", "Etruscan Vase"]),
    ("Exhibit Hall B", ["Dinosaur Skeleton", "Meteorite"]),
    ("Sculpture Garden", ["Venus", "The Thinker (cast)"]),
    ("Gift Shop", []),
]
DAYS = 90
FIRST_DAY = "2026-08-01"


def bench_model_versions(count: int) -> list[int]:
    """`count` registered, inactive model versions, each a copy of the shipped artifact (as K retrains leave)."""
    ids = []
    for i in range(1, count + 1):
        folder = Path(settings.MODEL_ARTIFACTS_DIR) / f"bench-model-{i}"
        if not folder.is_dir():
            shutil.copytree(settings.SHIPPED_MODEL_DIR, folder)
        version, _ = ModelVersion.objects.get_or_create(name=f"bench-model-{i}", defaults={"artifact_dir": str(folder)})
        ids.append(version.pk)
    return ids


def fill(events: int, model_versions: int = 0) -> tuple[list[int], int]:
    """The bench museum and its events/visits; returns (camera ids, visit count)."""
    versions = bench_model_versions(model_versions)
    EmotionEvent.objects.filter(event_key__startswith="bench:").delete()
    Visit.objects.filter(visit_key__startswith="bench:").delete()
    cameras = []
    for name, titles in PLACES:
        location, _ = Location.objects.get_or_create(name=name)
        exhibits = [Exhibit.objects.get_or_create(location=location, title=t)[0] for t in titles] or [None]
        for n, exhibit in enumerate(exhibits):
            camera, _ = Camera.objects.update_or_create(
                name=f"bench-{location.pk}-{n}", defaults={"location": location, "exhibit": exhibit, "source": "0"}
            )
            cameras.append(camera.pk)
    visits = events // 20
    table, vtable = EmotionEvent._meta.db_table, Visit._meta.db_table
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        # Local museum hours 09:00-19:00 over DAYS days, busier around midday;
        # emotions weighted like a real floor (neutral and happy most common).
        cursor.execute(
            f"""
            INSERT INTO {table} (timestamp, location_id, camera_id, exhibit_id, emotion, confidence,
                                 scores, track_id, visit_id, model_version_id, source, event_key)
            SELECT ((%(first)s::date + (g %% %(days)s))::timestamp
                     + make_interval(secs => 32400 + 36000 * (random() + random()) / 2)) AT TIME ZONE %(tz)s,
                   c.location_id, c.id, c.exhibit_id,
                   CASE WHEN r < 0.06 THEN 'angry' WHEN r < 0.08 THEN 'disgust' WHEN r < 0.13 THEN 'fear'
                        WHEN r < 0.48 THEN 'happy' WHEN r < 0.78 THEN 'neutral' WHEN r < 0.88 THEN 'sad'
                        ELSE 'surprise' END,
                   0.25 + 0.75 * random(), NULL, 't' || (g / 20), NULL,
                   (%(versions)s::bigint[])[1 + g %% greatest(%(nversions)s, 1)], 'camera', 'bench:' || g
            FROM (SELECT g, random() AS r, (%(cams)s::bigint[])[1 + floor(random() * %(ncams)s)::int] AS cam
                  FROM generate_series(1, %(n)s) AS g) AS s
            JOIN {Camera._meta.db_table} AS c ON c.id = s.cam
            """,
            {"first": FIRST_DAY, "days": DAYS, "tz": "Europe/Rome", "cams": cameras, "ncams": len(cameras), "n": events,
             "versions": versions, "nversions": len(versions)},
        )
        cursor.execute(
            f"""
            INSERT INTO {vtable} (camera_id, location_id, exhibit_id, track_id, started_at, ended_at,
                                  dwell_seconds, frames_classified, mean_scores, dominant_emotion,
                                  model_version_id, visit_key)
            SELECT c.id, c.location_id, c.exhibit_id, 't' || g, st, st + make_interval(secs => d), d,
                   (d * 4)::int, '{{}}'::jsonb,
                   CASE WHEN r < 0.05 THEN 'angry' WHEN r < 0.07 THEN 'disgust' WHEN r < 0.11 THEN 'fear'
                        WHEN r < 0.50 THEN 'happy' WHEN r < 0.80 THEN 'neutral' WHEN r < 0.89 THEN 'sad'
                        ELSE 'surprise' END,
                   NULL, 'bench:' || g
            FROM (SELECT g, random() AS r, 2 + 60 * random() * random() AS d,
                         ((%(first)s::date + (g %% %(days)s))::timestamp
                           + make_interval(secs => 32400 + 36000 * random())) AT TIME ZONE %(tz)s AS st,
                         (%(cams)s::bigint[])[1 + floor(random() * %(ncams)s)::int] AS cam
                  FROM generate_series(1, %(n)s) AS g) AS s
            JOIN {Camera._meta.db_table} AS c ON c.id = s.cam
            """,
            {"first": FIRST_DAY, "days": DAYS, "tz": "Europe/Rome", "cams": cameras, "ncams": len(cameras), "n": visits},
        )
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute(f"VACUUM ANALYZE {vtable}")
    print(f"generated {events:,} events and {visits:,} visits in {time.perf_counter() - started:.1f} s"
          f" ({len(versions) or 'no'} model versions)")
    return cameras, visits


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": os.environ["SECRET_KEY"], "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "museum_site.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    for _ in range(150):
        try:
            requests.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=5).raise_for_status()
            return process
        except requests.RequestException:
            time.sleep(0.2)
    process.terminate()
    process.wait(timeout=30)
    raise SystemExit("gunicorn did not start")


def timed(session: requests.Session, url: str, n: int, **kwargs) -> list[float]:
    for _ in range(3):  # warm-up: connections, worker imports, PostgreSQL buffers
        session.get(url, **kwargs).raise_for_status()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = session.get(url, **kwargs)
        times.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def row(label: str, times: list[float], target: float | None = None) -> str:
    verdict = "" if target is None else ("  OK" if p95(times) <= target else f"  OVER {target:.0f} ms")
    return (f"  {label:<86} p50 {statistics.median(times):8.1f} ms   p95 {p95(times):8.1f} ms"
            f"   max {max(times):8.1f} ms{verdict}")


def pandas_baseline(csv_path: Path, n: int) -> list[float]:
    """The prototype's way: read the whole emotion_log.csv, filter, group, count."""
    sentiment = {"Happy": "Positive", "Angry": "Negative", "Disgust": "Negative", "Fear": "Negative",
                 "Sad": "Negative", "Neutral": "Neutral", "Surprise": "Neutral"}
    times = []
    for _ in range(n):
        start = time.perf_counter()
        frame = pd.read_csv(csv_path)
        frame["Timestamp"] = pd.to_datetime(frame["Timestamp"])
        valid = frame[frame["Confidence"] >= 0.6]
        valid["Emotion"].map(sentiment).value_counts()
        valid["Emotion"].value_counts()
        valid.groupby(["CameraLocation", "Emotion"]).size()
        valid.groupby([valid["Timestamp"].dt.hour, "Emotion"]).size()
        times.append((time.perf_counter() - start) * 1000)
    return times


def in_process_baselines(event_filter: EventFilter, n: int) -> dict[str, list[float]]:
    """The same summary JSON in-process: from the hourly counts (what the API does), from the
    events (legacy_summary.emotion_summary, the analyze_emotions path), and from the events
    with PostgreSQL's index scans switched off (the unindexed query)."""
    def run(fn) -> list[float]:
        fn(event_filter=event_filter, threshold=0.6)  # warm-up
        times = []
        for _ in range(n):
            start = time.perf_counter()
            fn(event_filter=event_filter, threshold=0.6)
            times.append((time.perf_counter() - start) * 1000)
        return times

    results = {"from the hourly counts (the API's path)": run(legacy_summary),
               "from the events, indexed (analyze_emotions' path)": run(emotion_summary)}
    knobs = ("enable_indexscan", "enable_indexonlyscan", "enable_bitmapscan")
    with connection.cursor() as cursor:
        for knob in knobs:
            cursor.execute(f"SET {knob} = off")
    try:
        results["from the events, index scans OFF"] = run(emotion_summary)
    finally:
        with connection.cursor() as cursor:
            for knob in knobs:
                cursor.execute(f"RESET {knob}")
    return results


def corrected_mix_baselines(event_filter: EventFilter, n: int) -> dict[str, list[float]]:
    """The corrected mix in-process, from the hourly counts (the API's path) and from the events."""
    def run() -> list[float]:
        corrected_emotion_mix(event_filter=event_filter)  # warm-up
        times = []
        for _ in range(n):
            start = time.perf_counter()
            corrected_emotion_mix(event_filter=event_filter)
            times.append((time.perf_counter() - start) * 1000)
        return times

    results = {"from the hourly counts (the API's path)": run()}
    with override_settings(ANALYTICS_HOURLY_COUNTS=False):
        results["from the events"] = run()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per endpoint")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--reuse-data", action="store_true", help="keep the bench events already there")
    parser.add_argument("--fill-only", action="store_true", help="generate the data and stop (for a demo)")
    parser.add_argument("--model-versions", type=int, default=0,
                        help="spread the events over this many registered model versions (0: none recorded)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench_api.py needs PostgreSQL: set DATABASE_URL=postgres://... (a dev database)")

    call_command("migrate", verbosity=0)
    have = EmotionEvent.objects.filter(event_key__startswith="bench:").count()
    if args.reuse_data and have:
        print(f"reusing {have:,} bench events")
    else:
        fill(args.events, args.model_versions)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE analytics_eventhourlycount")
    if args.fill_only:
        return
    total = EmotionEvent.objects.count()
    recorded = EmotionEvent.objects.filter(event_key__startswith="bench:", model_version__isnull=False)
    print(f"events in the database: {total:,}; visits: {Visit.objects.count():,}; bench events spread over "
          f"{recorded.values('model_version').distinct().count()} model versions")

    user, _ = get_user_model().objects.get_or_create(username=BENCH_USER, defaults={"is_staff": True})
    user.is_staff = True
    user.set_password(BENCH_PASSWORD)
    user.save()
    token, _ = Token.objects.get_or_create(user=user)
    hall = Location.objects.get(name="Exhibit Hall A")
    last_day = EmotionEvent.objects.order_by("-timestamp").values_list("timestamp", flat=True).first()
    week_until = last_day.date().isoformat()
    week_since = (last_day.date() - timedelta(days=7)).isoformat()

    load_before = os.getloadavg()[0]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = start_gunicorn(port, args.workers)
    try:
        api = requests.Session()
        api.headers["Authorization"] = f"Token {token.key}"
        week = {"location_id": hall.pk, "since": week_since, "until": week_until}
        n = args.requests
        results = {
            "summary, all time": timed(api, f"{base}/api/analytics/summary/", n),
            "summary, one location, 7 days": timed(api, f"{base}/api/analytics/summary/", n, params=week),
            "daily series, all time": timed(api, f"{base}/api/analytics/series/daily/", n),
            "exhibit engagement, all time": timed(api, f"{base}/api/analytics/exhibits/", n),
            "corrected mix, all time": timed(api, f"{base}/api/analytics/corrected-mix/", n),
            "corrected mix, one location, 7 days": timed(api, f"{base}/api/analytics/corrected-mix/", n, params=week),
        }
        browser = requests.Session()
        login_url = f"{base}/accounts/login/"
        browser.get(login_url)
        browser.post(login_url, data={"username": BENCH_USER, "password": BENCH_PASSWORD,
                                      "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                     headers={"Referer": login_url}).raise_for_status()
        results["reports page, all time (HTML, server time)"] = timed(browser, f"{base}/reports/", n)
        results["reports page, one location, 7 days"] = timed(
            browser, f"{base}/reports/", n,
            params={"location_id": hall.pk, "from": week["since"], "to": week_until},
        )
    finally:
        gunicorn.terminate()  # the master stops its workers
        gunicorn.wait(timeout=30)

    in_process = {
        "all time": in_process_baselines(EventFilter(), max(5, n // 6)),
        "one location, all time": in_process_baselines(EventFilter(location_id=hall.pk), max(5, n // 6)),
    }
    mix_in_process = corrected_mix_baselines(EventFilter(), max(5, n // 6))
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "emotion_log.csv"
        start = time.perf_counter()
        with csv_path.open("w") as out:
            legacy_csv_export(out=out, event_filter=EventFilter())
        export_s = time.perf_counter() - start
        pandas_times = pandas_baseline(csv_path, 3)

    print()
    print(f"API and reports, {total:,} events, gunicorn {args.workers} workers on 127.0.0.1, "
          f"{n} sequential requests each after 3 warm-ups; {os.cpu_count()} CPUs, load average "
          f"{load_before:.2f} before / {os.getloadavg()[0]:.2f} after")
    targets = {"summary, all time": 200, "summary, one location, 7 days": 200,
               "reports page, all time (HTML, server time)": 500, "reports page, one location, 7 days": 500}
    for label, times in results.items():
        print(row(label, times, targets.get(label)))
    print()
    print("Baselines, side by side (same data, same run):")
    for scope, runs in in_process.items():
        for label, times in runs.items():
            print(row(f"summary in-process, {scope}, {label}", times))
    for label, times in mix_in_process.items():
        print(row(f"corrected mix in-process, all time, {label}", times))
    print(row(f"pandas over the CSV (read + group), {total:,} rows", pandas_times))
    print(f"  (CSV written by legacy_csv_export in {export_s:.1f} s, not counted)")
    speedup = statistics.median(pandas_times) / statistics.median(results["summary, all time"])
    print(f"  summary endpoint vs pandas over CSV: {speedup:.0f}x faster (median)")


if __name__ == "__main__":
    main()
