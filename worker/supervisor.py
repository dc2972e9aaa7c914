"""`camera_workers`: one Celery worker process per enabled camera, kept in step with the database.

Every `poll_seconds` the supervisor reads which cameras are enabled and
- starts `celery -A museum_site worker -Q camera.<id> -c 1 --pool prefork`
  for each enabled camera without one, and kicks off its segment chain;
- restarts a worker that died, waiting 1, 2, 4 ... 60 s between quick deaths,
  and counts the restart on the camera (Camera.restarts, last error);
- replaces a segment chain that stopped refreshing its lease for
  LEASE_STALE_SECONDS (dead or stuck) with a new one, instead of waiting for the
  lease to expire;
- stops (warm shutdown: the segment flushes first) the worker of a camera that
  was disabled or deleted;
- marks a disabled camera "stopped" once no worker runs for it.
On SIGTERM/SIGINT it asks every running segment to drain (end now, flushing),
sends each worker SIGTERM (Celery's warm shutdown), waits, and only kills what
is still running after `stop_timeout` seconds.

Why prefork with one child rather than --pool solo: the worker's main process
stays small and watches the child that runs the pipeline. A child that crashes
(OpenCV or TensorFlow native code, the OOM killer) is replaced and its segment
requeued at once (reject_on_worker_lost), and Celery's time limits work
(solo cannot enforce them). The cost is one small extra process per camera.
"""
from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from django.db import DatabaseError, close_old_connections

from cameras.models import Camera
from cameras.services import camera_status_update
from worker import chain
from worker.health import camera_restart_note, database_connection_reset, unrecorded_restarts_record
from worker.selectors import camera_supervision_list
from worker.services import (
    camera_chain_start,
    camera_chain_take_over,
    camera_queue_name,
    camera_segments_requeue_unacked,
)

log = logging.getLogger("worker.camera_workers")

RESTART_FIRST_SECONDS = 1.0
RESTART_MAX_SECONDS = 60.0
# A worker that lived this long before dying is restarted without back-off.
STABLE_AFTER_SECONDS = 60.0
# Polling twice a second brings a dead worker back within about a second (one query and
# one Redis call per camera per poll).
POLL_SECONDS = 0.5
# A freshly started worker is still importing and loading its model: its chain's lease
# is not taken over before this.
BOOT_GRACE_SECONDS = 20.0
# After a broker outage, running chains get this long to refresh their leases before a
# stale one is taken over.
BROKER_SETTLE_SECONDS = 3.0

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    # Linux: if the supervisor is killed outright, its workers get SIGTERM instead
    # of living on unsupervised (a new supervisor would start a second set).
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


@dataclass
class CameraWorker:
    camera_id: int
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    next_start_at: float = 0.0
    stopping_since: float | None = None
    output_thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def worker_command(camera_id: int, *, loglevel: str = "INFO") -> list[str]:
    return [
        sys.executable, "-m", "celery", "-A", "museum_site", "worker",
        "-Q", camera_queue_name(camera_id),
        "--pool", "prefork", "--concurrency", "1",
        # A node name per camera, so `celery inspect` and the logs tell them apart.
        "--hostname", f"camera{camera_id}@%h",
        # Workers of different cameras never need to talk to each other.
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--loglevel", loglevel,
    ]


def restart_delay_seconds(quick_deaths: int, *, first: float = RESTART_FIRST_SECONDS) -> float:
    if quick_deaths <= 0:
        return 0.0
    return min(first * 2 ** (quick_deaths - 1), RESTART_MAX_SECONDS)


class CameraWorkerSupervisor:
    def __init__(self, *, poll_seconds: float = POLL_SECONDS, stop_timeout: float = 30.0, loglevel: str = "INFO",
                 restart_first_seconds: float = RESTART_FIRST_SECONDS, out=None):
        self.poll_seconds = poll_seconds
        self.stop_timeout = stop_timeout
        self.loglevel = loglevel
        self.restart_first_seconds = restart_first_seconds
        self.out = out or sys.stdout
        self.workers: dict[int, CameraWorker] = {}
        self._stop = threading.Event()
        self._out_lock = threading.Lock()
        self._broker_ok_since: float | None = None
        self._database_ok = True

    # -- running -------------------------------------------------------------
    def request_stop(self, signum=None, frame=None) -> None:
        if not self._stop.is_set():
            log.info("camera_workers: %s received; stopping workers",
                     signal.Signals(signum).name if signum else "stop")
        self._stop.set()

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGINT, self.request_stop)
        log.info("camera_workers: supervising camera workers (poll every %.1fs, pid %s)", self.poll_seconds, os.getpid())
        try:
            while not self._stop.is_set():
                self.reconcile()
                self._stop.wait(self.poll_seconds)
        finally:
            self.shutdown()

    def reconcile(self) -> None:
        """One poll: bring the worker processes in line with the cameras' `enabled` flags."""
        close_old_connections()
        try:
            cameras = camera_supervision_list()
        except DatabaseError as exc:
            database_connection_reset()
            if self._database_ok:  # once per outage, not twice a second
                log.error("camera_workers: cannot read cameras (%s); keeping workers as they are", exc)
            self._database_ok = False
            return
        if not self._database_ok:
            log.info("camera_workers: database reachable again")
        self._database_ok = True
        unrecorded_restarts_record()
        enabled = {c.camera_id for c in cameras if c.enabled}
        now = time.monotonic()

        for worker in list(self.workers.values()):
            if worker.process is not None and not worker.alive:
                self._on_exit(worker, wanted=worker.camera_id in enabled, now=now)

        for camera_id in sorted(enabled):
            worker = self.workers.setdefault(camera_id, CameraWorker(camera_id=camera_id))
            if worker.process is None and now >= worker.next_start_at:
                self._start(worker)
            if worker.alive and worker.stopping_since is None:
                self._chain_ensure(worker, now=now)

        for worker in list(self.workers.values()):
            if worker.camera_id in enabled:
                continue
            if worker.alive and worker.stopping_since is None:
                self._stop_worker(worker, now=now)
            elif worker.alive and now - worker.stopping_since > self.stop_timeout:
                log.warning("camera_workers: camera %s: worker pid %s ignored the stop for %.0fs; killing it",
                            worker.camera_id, worker.process.pid, self.stop_timeout)
                self._kill(worker)
            elif worker.process is None:
                del self.workers[worker.camera_id]

        # A disabled camera with no worker left is stopped, whatever its last state said.
        for camera in cameras:
            if not camera.enabled and camera.state != Camera.State.STOPPED and camera.camera_id not in self.workers:
                self._status(camera.camera_id, state=Camera.State.STOPPED)

    def shutdown(self) -> None:
        alive = [w for w in self.workers.values() if w.alive]
        if not alive:
            return
        log.info("camera_workers: stopping %d worker(s)", len(alive))
        now = time.monotonic()
        for worker in alive:
            if worker.stopping_since is None:
                self._stop_worker(worker, now=now)
        deadline = now + self.stop_timeout
        for worker in alive:
            remaining = max(0.0, deadline - time.monotonic())
            try:
                worker.process.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                log.warning("camera_workers: camera %s worker (pid %s) still running after %.0fs; killing it",
                            worker.camera_id, worker.process.pid, self.stop_timeout)
                self._kill(worker)
                worker.process.wait(timeout=10)
            self._log_exit(worker)
            if worker.output_thread is not None:
                worker.output_thread.join(timeout=2)
        close_old_connections()
        for worker in alive:
            self._status(worker.camera_id, state=Camera.State.STOPPED)
        log.info("camera_workers: all workers stopped")

    # -- one worker ----------------------------------------------------------
    def _start(self, worker: CameraWorker) -> None:
        camera_id = worker.camera_id
        try:
            chain.drain_clear(camera_id)
        except Exception as exc:  # Redis down: the worker cannot consume anyway; try again next poll
            log.error("camera_workers: cannot reach Redis (%s); camera %s worker not started", exc, camera_id)
            worker.next_start_at = time.monotonic() + self.poll_seconds
            return
        command = worker_command(camera_id, loglevel=self.loglevel)
        try:
            worker.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                # Own session: a Ctrl-C in the terminal reaches only the supervisor,
                # which then shuts the workers down in order (a second signal would
                # make Celery cold-stop without flushing).
                start_new_session=True, preexec_fn=_die_with_parent if sys.platform == "linux" else None,
                text=True, bufsize=1,
            )
        except OSError as exc:  # out of processes or memory: back off like a worker that died
            worker.quick_deaths += 1
            delay = restart_delay_seconds(worker.quick_deaths, first=self.restart_first_seconds)
            worker.next_start_at = time.monotonic() + delay
            message = f"cannot start the camera worker ({exc}); retrying in {delay:.0f}s"
            log.error("camera_workers: camera %s: %s", camera_id, message)
            self._status(camera_id, state=Camera.State.ERROR, error=message)
            return
        worker.started_at = time.monotonic()
        worker.stopping_since = None
        worker.output_thread = threading.Thread(
            target=self._relay_output, args=(camera_id, worker.process), daemon=True,
            name=f"camera{camera_id}-output",
        )
        worker.output_thread.start()
        log.info("camera_workers: camera %s: started worker pid %s on queue %s",
                 camera_id, worker.process.pid, camera_queue_name(camera_id))

    def _chain_ensure(self, worker: CameraWorker, *, now: float) -> None:
        """Start the camera's chain if none holds it; replace one that stopped showing signs of life."""
        camera_id = worker.camera_id
        try:
            token = camera_chain_start(camera_id=camera_id)
            if token is None and self._may_take_over(worker, now=now):
                token = camera_chain_take_over(camera_id=camera_id)
                if token:
                    camera_restart_note(camera_id=camera_id, error=(
                        f"segment chain showed no sign of life for {chain.LEASE_STALE_SECONDS:.0f}s; "
                        "started a new one"))
        except Exception as exc:
            if self._broker_ok_since is not None:  # once per outage
                log.error("camera_workers: camera %s: cannot reach the broker to check its segment chain: %s",
                          camera_id, exc)
            self._broker_ok_since = None
            return
        if self._broker_ok_since is None:
            self._broker_ok_since = now
        if token:
            log.info("camera_workers: camera %s: kicked off segment chain %s", camera_id, token)

    def _may_take_over(self, worker: CameraWorker, *, now: float) -> bool:
        booted = now - worker.started_at >= BOOT_GRACE_SECONDS
        settled = self._broker_ok_since is not None and now - self._broker_ok_since >= BROKER_SETTLE_SECONDS
        return booted and settled

    def _stop_worker(self, worker: CameraWorker, *, now: float) -> None:
        log.info("camera_workers: camera %s: stopping worker pid %s (warm shutdown)",
                 worker.camera_id, worker.process.pid)
        worker.stopping_since = now
        try:
            chain.drain_request(worker.camera_id)
        except Exception as exc:  # without the drain the segment still ends by itself, just later
            log.warning("camera_workers: camera %s: cannot request drain: %s", worker.camera_id, exc)
        try:
            worker.process.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            pass

    def _kill(self, worker: CameraWorker) -> None:
        try:
            os.killpg(worker.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def _on_exit(self, worker: CameraWorker, *, wanted: bool, now: float) -> None:
        code = self._log_exit(worker)
        # A worker's main process killed outright leaves its pool child running
        # the segment unsupervised; end it before a replacement starts.
        self._kill(worker)
        if worker.output_thread is not None:
            worker.output_thread.join(timeout=2)
        expected = worker.stopping_since is not None
        worker.process = None
        worker.output_thread = None
        worker.stopping_since = None
        if not wanted:
            return
        if expected:
            worker.next_start_at = now
            return
        self._requeue_unacked(worker.camera_id)
        if now - worker.started_at >= STABLE_AFTER_SECONDS:
            worker.quick_deaths = 0
        worker.quick_deaths += 1
        delay = restart_delay_seconds(worker.quick_deaths, first=self.restart_first_seconds)
        worker.next_start_at = now + delay
        message = f"camera worker exited unexpectedly (exit code {code}); restarting in {delay:g}s"
        log.warning("camera_workers: camera %s: %s", worker.camera_id, message)
        camera_restart_note(camera_id=worker.camera_id, error=message)

    def _requeue_unacked(self, camera_id: int) -> None:
        # The dead worker was the queue's only consumer: its unacked segment can
        # go back at once instead of after the broker's visibility timeout.
        try:
            count = camera_segments_requeue_unacked(camera_id=camera_id)
        except Exception as exc:  # the broker's own timeout sweep still brings it back later
            log.warning("camera_workers: camera %s: cannot requeue its unacked segment now: %s", camera_id, exc)
            return
        if count:
            log.info("camera_workers: camera %s: requeued %d unacked segment(s) of the dead worker", camera_id, count)

    def _log_exit(self, worker: CameraWorker) -> int | None:
        code = worker.process.returncode if worker.process is not None else None
        log.info("camera_workers: camera %s: worker pid %s exited with code %s",
                 worker.camera_id, worker.process.pid if worker.process else "?", code)
        return code

    def _status(self, camera_id: int, **fields) -> None:
        try:
            camera_status_update(camera_id=camera_id, **fields)
        except DatabaseError as exc:
            database_connection_reset()
            log.error("camera_workers: camera %s: cannot record state: %s", camera_id, exc)

    def _relay_output(self, camera_id: int, process: subprocess.Popen) -> None:
        # Every worker line, prefixed with its camera, on the supervisor's stdout (journald, docker logs).
        prefix = f"[camera {camera_id}] "
        for line in process.stdout:
            with self._out_lock:
                self.out.write(prefix + line)
                self.out.flush()
        process.stdout.close()
