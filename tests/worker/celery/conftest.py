"""Real Celery worker subprocesses on Redis, sharing the test database (PostgreSQL).

The worker processes are the production command (`worker.supervisor.worker_command`)
started with an environment that points them at pytest's test database, this
test's Redis database and short segments. Everything a test starts is killed
at teardown, whatever happened.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import cv2
import pytest
import redis
from django.conf import settings
from django.db import connection

from tests.conftest import require_service
from tests.factories import CameraFactory
from worker.supervisor import worker_command

BASE_DIR = Path(settings.BASE_DIR)

# Short everything, so a test takes seconds: segments of 3 s, a flush every
# 0.5 s, and a killed worker's segment back in its queue after 10 s (more than
# a segment lasts, so a running segment is never delivered twice).
SEGMENT_SECONDS = 3.0
VISIBILITY_TIMEOUT = 10


def _redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        require_service(f"Redis at CELERY_BROKER_URL ({settings.CELERY_BROKER_URL}) is not answering: {exc}")
    return client


def database_url_for_subprocess() -> str:
    """pytest's test database, as a DATABASE_URL another process can open."""
    db = connection.settings_dict
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture(autouse=True)
def classifier_reloaded():
    """Tests that run the pipeline in this process load the classifier for their own database.

    The process-wide classifier remembers the ModelVersion row of the test that
    loaded it; the next test's database no longer has that row.
    """
    from worker.ml.active import reset_active_classifier

    reset_active_classifier()
    yield
    reset_active_classifier()


@pytest.fixture
def broker() -> redis.Redis:
    """The Redis at CELERY_BROKER_URL; skips (fails in CI) when it does not answer."""
    return _redis_or_skip()


@pytest.fixture
def celery_env(transactional_db, broker) -> dict[str, str]:
    """Environment for worker subprocesses; skips (fails in CI) without PostgreSQL and Redis.

    transactional_db: the test's rows are committed, so other processes see them.
    """
    if connection.vendor != "postgresql":
        # pytest-django keeps an SQLite test database in memory, which no other
        # process can open; the Celery mode is the PostgreSQL production set-up.
        require_service("Celery worker tests need PostgreSQL: set DATABASE_URL=postgres://...")
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url_for_subprocess(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        MUSEUM_VAR_DIR=str(settings.VAR_DIR),
        PIPELINE_SEGMENT_SECONDS=str(SEGMENT_SECONDS),
        PIPELINE_FLUSH_SECONDS="0.5",
        PIPELINE_RECONNECT_AFTER_SECONDS="2",
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        CELERY_UNACKED_RESTORE_INTERVAL="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def redis_forget_camera(camera_id: int) -> None:
    """Drop every Redis trace of a camera id (lease, progress, its queue, its unacked messages).

    Test databases restart their ids at 1, so an earlier run's leftovers would
    otherwise meet this run's camera with the same id.
    """
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue = f"camera.{camera_id}"
    keys = list(client.scan_iter(match=f"museum:camera:{camera_id}:*", count=500))
    keys += [queue, *client.scan_iter(match=f"{queue}\x06\x16*", count=500)]
    if keys:
        client.delete(*keys)
    for tag, raw in client.hgetall("unacked").items():
        try:
            _message, _exchange, routing_key = json.loads(raw)
        except (ValueError, TypeError):
            continue
        if routing_key == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


@pytest.fixture
def make_camera(broker, db):
    """Cameras whose Redis state is clean before the test and cleaned after it."""
    made: list[int] = []

    def make(**fields):
        camera = CameraFactory(**fields)
        redis_forget_camera(camera.pk)
        made.append(camera.pk)
        return camera

    yield make
    for camera_id in made:
        redis_forget_camera(camera_id)


class OutputProcess:
    """A subprocess whose combined output is collected line by line while it runs."""

    def __init__(self, args: list[str], *, env: dict[str, str], name: str):
        self.name = name
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            args, env=env, cwd=BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, text=True, bufsize=1, start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True, name=f"{name}-output")
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self, last: int = 60) -> str:
        with self._changed:
            return "\n".join(self.lines[-last:])

    def wait_for_line(self, pattern: str, *, timeout: float, start: int = 0) -> re.Match:
        """The first line (from line number `start`) matching `pattern`; fails the test after `timeout` s."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self.lines[start:]:
                    match = regex.search(line)
                    if match:
                        return match
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.process.poll() is not None and not self._reader.is_alive()):
                    break
                self._changed.wait(min(remaining, 0.5))
        pytest.fail(f"{self.name}: no line matching {pattern!r} within {timeout:.0f}s. Output:\n{self.output()}")

    def signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """SIGKILL the process and everything it started (camera_workers and its workers)."""
        self.signal_group(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM (warm shutdown); SIGKILL whatever is left after `timeout` s. Returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self.signal_group(signal.SIGKILL)  # anything it started, orphaned by a crash
        self._reader.join(timeout=5)
        return self.process.returncode


@pytest.fixture
def processes():
    """Start subprocesses through this; all are killed at teardown."""
    started: list[OutputProcess] = []

    def start(args: list[str], *, env: dict[str, str], name: str) -> OutputProcess:
        process = OutputProcess(args, env=env, name=name)
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill() if process.process.poll() is None else process.signal_group(signal.SIGKILL)


@pytest.fixture
def start_worker(processes, celery_env):
    """A real camera worker (the production command, `worker_command`) for one camera or several, ready to consume."""

    def start(camera_ids, *, name: str = "worker", env: dict[str, str] | None = None) -> OutputProcess:
        worker = processes(worker_command(camera_ids), env=env or celery_env, name=name)
        worker.wait_for_line(r"\bready\.", timeout=60)
        return worker

    return start


def wait_until(condition: Callable[[], object], *, timeout: float, what: str, every: float = 0.1,
               output: Callable[[], str] | None = None):
    """Poll `condition` until it returns something truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            detail = f"\nOutput:\n{output()}" if output else ""
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}{detail}")
        time.sleep(every)


@pytest.fixture(scope="session")
def walkers_video(tmp_path_factory) -> Path:
    """A 640x480, 20 s video (500 frames at 25 fps) of two faces walking past: several seconds of work."""
    from worker.pipeline import synthetic

    path = tmp_path_factory.mktemp("celery-video") / "walkers.avi"
    synthetic.video_write(path, synthetic.walkers(2, frames=500, seed=4), frames=500, fps=25.0, seed=4)
    return path


class _MjpegHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        frames = self.server.jpeg_frames
        index = 0
        try:
            while not self.server.stopping.is_set():
                jpeg = frames[index % len(frames)]
                self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\n")
                self.wfile.write(f"Content-Length: {len(jpeg)}\r\n\r\n".encode())
                self.wfile.write(jpeg + b"\r\n")
                index += 1
                time.sleep(1.0 / self.server.fps)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format, *args):  # keep the test output quiet
        pass


@pytest.fixture
def mjpeg_stream():
    """A never-ending HTTP MJPEG camera on 127.0.0.1 (a face drifting over a wall, 15 fps): its URL."""
    from worker.pipeline import synthetic

    face = synthetic.astronaut_face()
    base = synthetic.wall(480, 360, seed=2)
    jpegs = []
    for step in range(30):
        frame = base.copy()
        x, y, size = 150 + 2 * step, 90, 140
        frame[y:y + size, x:x + size] = cv2.resize(face, (size, size))
        jpegs.append(cv2.imencode(".jpg", frame)[1].tobytes())
    server = ThreadingHTTPServer(("127.0.0.1", 0), _MjpegHandler)
    server.daemon_threads = True
    server.jpeg_frames, server.fps, server.stopping = jpegs, 15.0, threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/stream.mjpg"
    server.stopping.set()
    server.shutdown()
    server.server_close()


def manage_py_args(*args: str) -> list[str]:
    return [sys.executable, str(BASE_DIR / "manage.py"), *args]


def queued_segments(broker: redis.Redis, camera_id: int) -> list[dict]:
    """The kwargs of the camera_segment messages waiting in the camera's queue, oldest first."""
    import base64

    kwargs = []
    for raw in reversed(broker.lrange(f"camera.{camera_id}", 0, -1)):  # kombu LPUSHes, BRPOPs
        message = json.loads(raw)
        _args, task_kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        kwargs.append(task_kwargs)
    return kwargs
