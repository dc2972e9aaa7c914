"""Real `camera_workers` with two cameras (a video file paced in real time, and a loopback MJPEG
stream; both in one worker process, as CAMERAS_PER_WORKER places them) on a throw-away PostgreSQL and
Redis, through the faults a museum server sees: PostgreSQL restart, Redis restart, the worker
frozen (every thread stuck: SIGSTOP) and killed (kill -9), the stream gone and back. After each,
events flow again (the measured time is printed; the target is 10 s, a freeze is only noticed
after LEASE_STALE_SECONDS),
the camera went through error/stalled and is back to running, and nothing flushed is lost or
doubled; at the end the file camera's events and visits equal an uninterrupted run's.

The tests run in file order on one set-up (module scope): each starts from a healthy system.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import psycopg
import pytest

from tests.worker.celery.conftest import OutputProcess, manage_py_args
from tests.worker.faults.conftest import RECOVERY_TIMES
from tests.worker.faults.throwaway import ThrowawayPostgres, ThrowawayRedis
from tests.worker.videos import MjpegCamera, face_drift_frames, walkers_video

pytestmark = [pytest.mark.integration, pytest.mark.slow]

FILE_FPS = 10.0
FILE_FRAMES = 1200          # two minutes played in real time: it runs through every fault
OUTAGE_SECONDS = 3.0        # how long PostgreSQL and the stream are gone
REDIS_OUTAGE_SECONDS = 6.0  # longer than a segment: every chain meets the broker down at a segment end
GENEROUS_SECONDS = 60.0     # correctness deadline ("it does come back"); the speed is printed, not asserted
STALL_SECONDS = 3.0
TROUBLE = {"error", "reconnecting", "stalled"}


class Monitor:
    """Reads the throw-away database directly (psycopg), reconnecting through outages."""

    def __init__(self, url: str):
        self.url = url.replace("postgres://", "postgresql://", 1)
        self._conn = None
        self._lock = threading.Lock()

    def query(self, sql: str, *params):
        with self._lock:
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = psycopg.connect(self.url, autocommit=True, connect_timeout=1)
                return self._conn.execute(sql, params).fetchall()
            except psycopg.Error:
                if self._conn is not None:
                    self._conn.close()
                self._conn = None
                return None

    def one(self, sql: str, *params):
        rows = self.query(sql, *params)
        return rows[0] if rows else None

    def events(self, camera_id: int) -> int | None:
        row = self.one("SELECT count(*) FROM emotions_emotionevent WHERE camera_id = %s", camera_id)
        return row[0] if row else None

    def camera(self, camera_id: int) -> dict | None:
        row = self.one("SELECT state, heartbeat_at, last_error, last_error_at, restarts, now() "
                       "FROM cameras_camera WHERE id = %s", camera_id)
        if row is None:
            return None
        state, heartbeat_at, last_error, last_error_at, restarts, now = row
        if state == "running" and (heartbeat_at is None or (now - heartbeat_at).total_seconds() > STALL_SECONDS):
            state = "stalled"
        return {"state": state, "heartbeat_at": heartbeat_at, "last_error": last_error,
                "last_error_at": last_error_at, "restarts": restarts}


@dataclass
class Stack:
    pg: ThrowawayPostgres
    redis: ThrowawayRedis
    stream: MjpegCamera
    monitor: Monitor
    supervisor: OutputProcess
    file_id: int
    stream_id: int
    reference_id: int
    states: dict[int, list[tuple[float, str]]] = field(default_factory=dict)

    def trouble_seen(self, camera_id: int, since: float) -> bool:
        """It went through error/reconnecting/stalled after `since` (sampled), or recorded an error then."""
        sampled = any(at >= since and state in TROUBLE for at, state in self.states.get(camera_id, []))
        row = self.monitor.camera(camera_id)
        recorded = bool(row and row["last_error_at"] and row["last_error_at"].timestamp() >= since - 1)
        return sampled or recorded

    def wait(self, condition, what: str, timeout: float = GENEROUS_SECONDS) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if condition():
                return time.monotonic() - started
            time.sleep(0.1)
        pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n{self.supervisor.output(80)}")

    def events_again(self, camera_id: int, what: str) -> float:
        """Seconds from now until the camera's event count grows."""
        start = time.monotonic()
        base = None
        while base is None and time.monotonic() - start < GENEROUS_SECONDS:
            base = self.monitor.events(camera_id)
        return self.wait(lambda: (self.monitor.events(camera_id) or 0) > base, what)

    def running_again(self, camera_id: int, what: str) -> None:
        self.wait(lambda: (self.monitor.camera(camera_id) or {}).get("state") == "running", what)


def _sample_states(stack: Stack, stop: threading.Event) -> None:
    while not stop.is_set():
        for camera_id in (stack.file_id, stack.stream_id):
            row = stack.monitor.camera(camera_id)
            stack.states.setdefault(camera_id, []).append((time.time(), row["state"] if row else "unknown"))
        stop.wait(0.2)


def _manage(env: dict, *args: str, timeout: float = 300) -> str:
    done = subprocess.run(manage_py_args(*args), env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


_CREATE_CAMERAS = """
import json
from cameras.models import Camera, Location
hall = Location.objects.create(name="Fault hall")
make = lambda name, source, **kw: Camera.objects.create(name=name, location=hall, source=source, **kw).pk
print(json.dumps([make("file", {video!r}, replay_realtime=True, min_track_seconds=0.5),
                  make("stream", {stream!r}, min_track_seconds=0.2),
                  make("reference", {video!r}, min_track_seconds=0.5)]))
"""


@pytest.fixture(scope="module")
def stack():
    root = Path(tempfile.mkdtemp(prefix="museum-faults-"))
    pg_root, redis_root, var = root / "pg", root / "redis", root / "var"
    for folder in (pg_root, redis_root, var):
        folder.mkdir()
    os.chmod(root, 0o755)  # the postgres OS user must reach its folder
    pg = ThrowawayPostgres(pg_root)
    redis_server = ThrowawayRedis(redis_root)
    processes: list[OutputProcess] = []
    stop_sampling = threading.Event()
    try:
        pg.start()
        pg.create_database()
        redis_server.start()
        video = walkers_video(root / "walkers.avi", 2, frames=FILE_FRAMES, fps=FILE_FPS, sizes=(100, 90), seed=5)
        env = {**os.environ, "DATABASE_URL": pg.url, "CELERY_BROKER_URL": redis_server.url,
               "MUSEUM_VAR_DIR": str(var), "PIPELINE_SEGMENT_SECONDS": "5", "PIPELINE_FLUSH_SECONDS": "0.5",
               "PIPELINE_RECONNECT_AFTER_SECONDS": "1", "PIPELINE_SOURCE_ERROR_AFTER_SECONDS": "2",
               "CAMERA_STALL_SECONDS": str(STALL_SECONDS), "CELERY_VISIBILITY_TIMEOUT": "60",
               "CELERY_UNACKED_RESTORE_INTERVAL": "1", "EMOTION_MODEL_THREADS": "1", "PYTHONUNBUFFERED": "1"}
        _manage(env, "migrate", "--noinput")
        with MjpegCamera(face_drift_frames(), fps=10.0) as stream:
            ids = json.loads(_manage(env, "shell", "-c", _CREATE_CAMERAS.format(video=str(video.path),
                                                                                  stream=stream.url)).strip().splitlines()[-1])
            file_id, stream_id, reference_id = ids
            # The uninterrupted run the file camera must match, in-process (run_camera), before any fault.
            _manage(env, "run_camera", str(reference_id))
            monitor = Monitor(pg.url)
            monitor.query("UPDATE cameras_camera SET enabled = true, state = 'starting' WHERE id IN (%s, %s)",
                          file_id, stream_id)
            supervisor = OutputProcess(manage_py_args("camera_workers", "--restart-backoff", "0.5",
                                                      "--stop-timeout", "10"), env=env, name="camera_workers")
            processes.append(supervisor)
            built = Stack(pg=pg, redis=redis_server, stream=stream, monitor=monitor, supervisor=supervisor,
                          file_id=file_id, stream_id=stream_id, reference_id=reference_id)
            threading.Thread(target=_sample_states, args=(built, stop_sampling), daemon=True).start()
            built.wait(lambda: (monitor.events(file_id) or 0) > 0 and (monitor.events(stream_id) or 0) > 0,
                       "both cameras' first events", timeout=180)
            yield built
    finally:
        stop_sampling.set()
        for process in processes:
            process.stop(timeout=15)
            if os.environ.get("MUSEUM_FAULTS_LOG"):  # the workers' whole story, for a closer look
                Path(os.environ["MUSEUM_FAULTS_LOG"]).write_text("\n".join(process.lines))
        redis_server.stop()
        pg.stop()
        shutil.rmtree(root, ignore_errors=True)


def _healthy_first(stack: Stack) -> None:
    for camera_id in (stack.file_id, stack.stream_id):
        stack.running_again(camera_id, f"camera {camera_id} running before the fault")


def _record(fault: str, **seconds: float) -> None:
    line = f"{fault:<28} " + ", ".join(f"{name}: {value:.1f}s" for name, value in seconds.items())
    RECOVERY_TIMES.append(line)
    print(f"\n{line}")


def _no_doubles(stack: Stack) -> None:
    for camera_id in (stack.file_id, stack.stream_id):
        row = stack.monitor.one("SELECT count(*), count(DISTINCT (track_id, timestamp)) FROM emotions_emotionevent "
                                "WHERE camera_id = %s", camera_id)
        assert row[0] == row[1], f"camera {camera_id}: {row[0] - row[1]} doubled events"


def _service_restart(stack: Stack, label: str, service, seconds: float) -> tuple[float, float]:
    """Stop a service, keep it down `seconds`, start it; measure and check both cameras' recovery."""
    _healthy_first(stack)
    down_at = time.time()
    service.stop()
    time.sleep(seconds)
    service.start()
    up_at = time.time()
    stream = stack.events_again(stack.stream_id, f"stream events after the {label}")
    file = stack.events_again(stack.file_id, f"file events after the {label}")
    _record(label, down=up_at - down_at, stream_events_after=stream, file_events_after=file)
    for camera_id in (stack.file_id, stack.stream_id):
        stack.running_again(camera_id, f"running after the {label}")
        assert stack.trouble_seen(camera_id, down_at)
    _no_doubles(stack)
    return down_at, up_at


def test_postgresql_restart(stack):
    down_at, up_at = _service_restart(stack, "PostgreSQL restart", stack.pg, OUTAGE_SECONDS)
    # What the workers saw during the outage was buffered and written afterwards, not lost.
    during = stack.monitor.one("SELECT count(*) FROM emotions_emotionevent WHERE camera_id = %s "
                               "AND timestamp BETWEEN %s AND %s", stack.stream_id,
                               datetime.fromtimestamp(down_at + 0.5, timezone.utc),
                               datetime.fromtimestamp(up_at - 0.5, timezone.utc))[0]
    assert during > 0


def test_redis_restart(stack):
    _service_restart(stack, "Redis restart", stack.redis, REDIS_OUTAGE_SECONDS)


def _worker_pid(stack: Stack, camera_id: int) -> int:
    found = re.findall(rf"camera {camera_id}: started worker pid (\d+)", stack.supervisor.output(10_000))
    assert found, stack.supervisor.output()
    return int(found[-1])


def _worker_fault(stack: Stack, label: str, signum: int) -> None:
    """Signal the cameras' shared worker process; both cameras must come back in a new one."""
    _healthy_first(stack)
    pid = _worker_pid(stack, stack.file_id)
    assert _worker_pid(stack, stack.stream_id) == pid, "both cameras should share one worker"
    at = time.time()
    os.kill(pid, signum)
    file = stack.events_again(stack.file_id, f"file events after the {label}")
    stream = stack.events_again(stack.stream_id, f"stream events after the {label}")
    _record(label, file_events_after=file, stream_events_after=stream)
    for camera_id in (stack.file_id, stack.stream_id):
        stack.running_again(camera_id, f"running after the {label}")
        assert stack.trouble_seen(camera_id, at)
    assert _worker_pid(stack, stack.file_id) != pid
    _no_doubles(stack)


def test_worker_frozen(stack):
    # No thread of the worker makes progress (a deadlock in native code, say): its chains' leases go
    # stale, camera_workers replaces them and restarts the process (a thread cannot be stopped).
    _worker_fault(stack, "worker frozen (SIGSTOP)", signal.SIGSTOP)
    assert "hangs" in stack.supervisor.output(10_000)


def test_worker_process_killed(stack):
    _worker_fault(stack, "worker process kill -9", signal.SIGKILL)


def test_stream_gone_and_back(stack):
    _healthy_first(stack)
    gone_at = time.time()
    stack.stream.drop()
    stack.wait(lambda: (stack.monitor.camera(stack.stream_id) or {}).get("state") in ("reconnecting", "error"),
               "the stream camera to notice")
    time.sleep(OUTAGE_SECONDS)
    stack.stream.restore()
    back_at = time.time()
    stream = stack.events_again(stack.stream_id, "stream events after the stream came back")
    _record("stream stop and return", gone=back_at - gone_at, stream_events_after=stream)
    stack.running_again(stack.stream_id, "running after the stream came back")
    assert stack.trouble_seen(stack.stream_id, gone_at)
    _no_doubles(stack)


def test_the_file_camera_recorded_exactly_what_an_uninterrupted_run_did(stack):
    # Played to its end (stopped), through every fault above.
    stack.wait(lambda: (stack.monitor.camera(stack.file_id) or {}).get("state") == "stopped",
               "the file to play to its end", timeout=FILE_FRAMES / FILE_FPS + 120)

    def recorded(camera_id):
        visits = stack.monitor.query("SELECT track_id, frames_classified, dwell_seconds, dominant_emotion "
                                     "FROM emotions_visit WHERE camera_id = %s ORDER BY track_id", camera_id)
        events = stack.monitor.query("SELECT track_id, count(*) FROM emotions_emotionevent WHERE camera_id = %s "
                                     "GROUP BY track_id ORDER BY track_id", camera_id)
        return visits, events

    reference = recorded(stack.reference_id)
    assert len(reference[0]) == 2
    assert recorded(stack.file_id) == reference
