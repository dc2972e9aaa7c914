"""`camera_workers`: Celery worker processes for the enabled cameras, kept in step with the database.

Cameras share worker processes, CAMERAS_PER_WORKER of them to a process
(default 2; `--cameras-per-worker`): one process imports Django, OpenCV and
LiteRT and loads the model once for its cameras, which is what keeps the
memory per camera low (README, *Sizing*). A worker is
`celery -A museum_site worker -Q camera.<a>,camera.<b>,... --pool threads -c <cameras>`:
each camera keeps its own queue and its own chain of segments, run by one of
the process's threads; the threads share the process's classifier.

Every `poll_seconds` the supervisor reads which cameras are enabled and
- places each enabled camera in a worker with room (the one that still consumes
  its queue if there is one), starting a worker when none has room; a running
  worker that gains a camera is restarted (warm: segments flush first) with the
  new list of queues, then kicks off each camera's segment chain;
- restarts a worker that died, waiting 1, 2, 4 ... 60 s between quick deaths,
  requeues the segments it had taken, and counts the restart on each of its
  cameras (Camera.restarts, last error). A worker that dies twice in a row
  within a minute of starting is split in two, and again, until the camera
  that kills it (a source that crashes native code) runs alone;
- replaces a segment chain that stopped refreshing its lease for
  LEASE_STALE_SECONDS (dead or stuck) with a new one, instead of waiting for the
  lease to expire, and restarts that camera's worker: a thread stuck in a
  segment cannot be stopped any other way (this replaces Celery's hard time
  limit, which only a forking pool enforces);
- stops (warm shutdown: segments flush first) a worker all of whose cameras were
  disabled or deleted; a disabled camera's segment ends by itself within about
  a second, while the rest of its worker carries on;
- marks a disabled camera "stopped" once nothing runs it.
On SIGTERM/SIGINT it asks every running segment to drain (end now, flushing),
sends each worker SIGTERM (Celery's warm shutdown), waits, and only kills what
is still running after `stop_timeout` seconds.

Why threads in one process rather than a process (or a prefork pool child) per
camera: measured, a camera process holds 170-180 MB RSS of which only about
15 MB (MJPEG) to 45 MB (RTSP, H.264 decoder) is the camera's own; the rest is
the imports and the model. The pipeline's heavy steps (decoding, resizing,
Haar detection, LiteRT) run in native code that releases the GIL, so the
threads use both cores (CPU per camera measured the same as in separate
processes). The price: the threads of a process share one GIL (at 4 cameras a
process, under heavy outside CPU load, cameras missed 9-10 % of their analyses
where 1 or 2 a process held: hence the default of 2), and a shared fate: a
native crash or the out-of-memory killer ends every camera of the worker (all
restarted about a second later, their segments replayed). `CAMERAS_PER_WORKER=1`
buys back full isolation at about 175 MB RSS per camera.
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
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
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
# A worker of several cameras that died this many times in a row, each within
# STABLE_AFTER_SECONDS of starting, is split in two (until the culprit runs alone).
SPLIT_AFTER_QUICK_DEATHS = 2
# Polling twice a second brings a dead worker back within about a second (one query and
# one Redis call per camera per poll).
POLL_SECONDS = 0.5
# A freshly started worker is still importing and loading its model: its chains' leases
# are not taken over before this.
BOOT_GRACE_SECONDS = 20.0
# After a broker outage, running chains get this long to refresh their leases before a
# stale one is taken over.
BROKER_SETTLE_SECONDS = 3.0
# A worker restarted because one of its segments hangs: the others flush within a
# second or two (drained), the hung one never will: killed after this long.
HUNG_STOP_SECONDS = 5.0

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
    """One Celery worker process and the cameras placed in it."""
    key: int
    members: list[int] = field(default_factory=list)   # enabled cameras it runs (or will run once started)
    camera_ids: tuple[int, ...] = ()                    # the queues its running process consumes
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    next_start_at: float = 0.0
    stopping_since: float | None = None
    stop_deadline: float = 0.0
    isolated: bool = False    # split off a worker that kept dying: takes no new cameras
    output_thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def label(self) -> str:
        ids = self.camera_ids or tuple(self.members)
        return f"camera {ids[0]}" if len(ids) == 1 else "cameras " + ",".join(map(str, ids))


def worker_command(camera_ids: int | Iterable[int], *, loglevel: str = "INFO") -> list[str]:
    """The Celery worker of one or several cameras: their queues, one thread each."""
    ids = sorted({camera_ids} if isinstance(camera_ids, int) else set(camera_ids))
    if not ids:
        raise ValueError("a camera worker needs at least one camera")
    return [
        sys.executable, "-m", "celery", "-A", "museum_site", "worker",
        "-Q", ",".join(camera_queue_name(camera_id) for camera_id in ids),
        # One thread per camera: a camera's chain runs one segment at a time.
        "--pool", "threads", "--concurrency", str(len(ids)),
        # A node name per worker, so `celery inspect` and the logs tell them apart.
        "--hostname", f"camera{'-'.join(map(str, ids))}@%h",
        # Workers of different cameras never need to talk to each other.
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--loglevel", loglevel,
    ]


def worker_environment() -> dict[str, str]:
    """The supervisor's environment, plus glibc's MALLOC_ARENA_MAX=2 unless set: without it every
    thread that allocates frames may get a malloc arena of its own, each keeping freed frames
    (measured: 8 MB less RSS per RTSP camera at 4 cameras a process, no CPU cost seen)."""
    return {"MALLOC_ARENA_MAX": "2", **os.environ}


def restart_delay_seconds(quick_deaths: int, *, first: float = RESTART_FIRST_SECONDS) -> float:
    if quick_deaths <= 0:
        return 0.0
    return min(first * 2 ** (quick_deaths - 1), RESTART_MAX_SECONDS)


class CameraWorkerSupervisor:
    def __init__(self, *, poll_seconds: float = POLL_SECONDS, stop_timeout: float = 30.0, loglevel: str = "INFO",
                 restart_first_seconds: float = RESTART_FIRST_SECONDS, cameras_per_worker: int | None = None,
                 out=None):
        self.poll_seconds = poll_seconds
        self.stop_timeout = stop_timeout
        self.loglevel = loglevel
        self.restart_first_seconds = restart_first_seconds
        self.cameras_per_worker = int(cameras_per_worker or settings.CAMERAS_PER_WORKER)
        if self.cameras_per_worker < 1:
            raise ValueError("cameras_per_worker must be at least 1")
        self.out = out or sys.stdout
        self.workers: dict[int, CameraWorker] = {}
        self._next_key = 1
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
        log.info("camera_workers: supervising camera workers (up to %d cameras a process, poll every %.1fs, pid %s)",
                 self.cameras_per_worker, self.poll_seconds, os.getpid())
        try:
            while not self._stop.is_set():
                self.reconcile()
                self._stop.wait(self.poll_seconds)
        finally:
            self.shutdown()

    def worker_of(self, camera_id: int) -> CameraWorker | None:
        """The worker a camera is placed in, if any."""
        return next((w for w in self.workers.values() if camera_id in w.members), None)

    def add_worker(self, members: Iterable[int] = (), **fields) -> CameraWorker:
        worker = CameraWorker(key=self._next_key, members=list(members), **fields)
        self.workers[worker.key] = worker
        self._next_key += 1
        return worker

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

        # A disabled (or deleted) camera leaves its worker; its segment ends by itself. Its
        # queue stays consumed, idle, until the process restarts for another reason.
        for worker in self.workers.values():
            worker.members = [c for c in worker.members if c in enabled]
        for worker in list(self.workers.values()):
            if worker.process is not None and not worker.alive:
                self._on_exit(worker, wanted=bool(worker.members), now=now)
        placed = {c for w in self.workers.values() for c in w.members}
        for camera_id in sorted(enabled - placed):
            self.place(camera_id)

        for worker in list(self.workers.values()):
            if not worker.members:
                if worker.alive and worker.stopping_since is None:
                    self._stop_worker(worker, now=now, why="its cameras were disabled")
                elif worker.process is None:
                    del self.workers[worker.key]
            elif worker.process is None:
                if now >= worker.next_start_at:
                    self._start(worker)
            elif worker.stopping_since is None and not set(worker.members) <= set(worker.camera_ids):
                added = sorted(set(worker.members) - set(worker.camera_ids))
                self._stop_worker(worker, now=now, why=f"restarting it to add camera(s) {', '.join(map(str, added))}")
            if worker.alive and worker.stopping_since is None:
                self._chains_ensure(worker, now=now)
            if worker.alive and worker.stopping_since is not None and now >= worker.stop_deadline:
                log.warning("camera_workers: %s: worker pid %s ignored the stop for %.0fs; killing it",
                            worker.label, worker.process.pid, now - worker.stopping_since)
                self._kill(worker)

        self._mark_stopped(cameras)

    def place(self, camera_id: int) -> None:
        """Put an enabled camera in a worker with room: preferably the one still consuming its
        queue (no restart needed), else the first with room, else a new one."""
        room = [w for w in sorted(self.workers.values(), key=lambda w: w.key)
                if len(w.members) < self.cameras_per_worker and not w.isolated]
        worker = next((w for w in room if camera_id in w.camera_ids and w.alive and w.stopping_since is None), None)
        worker = worker or next((w for w in room if w.members), None) or self.add_worker()
        worker.members.append(camera_id)

    def _mark_stopped(self, cameras) -> None:
        """A disabled camera that nothing runs any more is stopped, whatever its last state said."""
        served = {c for w in self.workers.values() if w.alive for c in w.camera_ids}
        for camera in cameras:
            if camera.enabled or camera.state == Camera.State.STOPPED or self.worker_of(camera.camera_id):
                continue
            if camera.camera_id in served:
                # Its worker runs on for other cameras; its own segment reports "stopped" as it
                # ends. Only a chain that is gone (abandoned) leaves that to us.
                try:
                    if chain.lease_holder(camera.camera_id) is not None:
                        continue
                except Exception:  # Redis down: next poll
                    continue
            self._status(camera.camera_id, state=Camera.State.STOPPED)

    def shutdown(self) -> None:
        alive = [w for w in self.workers.values() if w.alive]
        if not alive:
            return
        log.info("camera_workers: stopping %d worker(s)", len(alive))
        now = time.monotonic()
        for worker in alive:
            if worker.stopping_since is None:
                self._stop_worker(worker, now=now, why="camera_workers is stopping")
        deadline = now + self.stop_timeout
        for worker in alive:
            remaining = max(0.0, deadline - time.monotonic())
            try:
                worker.process.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                log.warning("camera_workers: %s: worker (pid %s) still running after %.0fs; killing it",
                            worker.label, worker.process.pid, self.stop_timeout)
                self._kill(worker)
                worker.process.wait(timeout=10)
            self._log_exit(worker)
            if worker.output_thread is not None:
                worker.output_thread.join(timeout=2)
        close_old_connections()
        for worker in alive:
            for camera_id in worker.camera_ids:
                self._status(camera_id, state=Camera.State.STOPPED)
        log.info("camera_workers: all workers stopped")

    # -- one worker ----------------------------------------------------------
    def _start(self, worker: CameraWorker) -> None:
        camera_ids = tuple(sorted(worker.members))
        # A camera re-enabled while its old worker still drains its segment: clearing the drain
        # now would let that segment run on until the stop timeout kills it. Start once it exits.
        if any(other is not worker and other.alive and set(other.camera_ids) & set(camera_ids)
               for other in self.workers.values()):
            worker.next_start_at = time.monotonic() + self.poll_seconds
            return
        try:
            for camera_id in camera_ids:
                chain.drain_clear(camera_id)
        except Exception as exc:  # Redis down: the worker cannot consume anyway; try again next poll
            log.error("camera_workers: cannot reach Redis (%s); worker for camera(s) %s not started", exc,
                      ", ".join(map(str, camera_ids)))
            worker.next_start_at = time.monotonic() + self.poll_seconds
            return
        command = worker_command(camera_ids, loglevel=self.loglevel)
        try:
            worker.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=worker_environment(),
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
            for camera_id in camera_ids:
                log.error("camera_workers: camera %s: %s", camera_id, message)
                self._status(camera_id, state=Camera.State.ERROR, error=message)
            return
        worker.camera_ids = camera_ids
        worker.started_at = time.monotonic()
        worker.stopping_since = None
        worker.output_thread = threading.Thread(
            target=self._relay_output, args=(worker.label, worker.process), daemon=True,
            name=f"worker{worker.key}-output",
        )
        worker.output_thread.start()
        queues = ", ".join(camera_queue_name(c) for c in camera_ids)
        for camera_id in camera_ids:
            log.info("camera_workers: camera %s: started worker pid %s on queue(s) %s",
                     camera_id, worker.process.pid, queues)

    def _chains_ensure(self, worker: CameraWorker, *, now: float) -> None:
        """Start each camera's chain if none holds it; replace one that stopped showing signs of
        life, and then restart the worker: the old segment may be stuck in one of its threads,
        and only a new process frees that thread (what a forking pool's hard time limit does)."""
        hung = [camera_id for camera_id in worker.members if self._chain_ensure(worker, camera_id, now=now)]
        if not hung:
            return
        # The worker's other cameras get new chains too (their segments flush as they end and
        # the old chains drop themselves), so none of them is found stale, and restarted
        # again, once the new process has booted.
        for camera_id in worker.members:
            if camera_id not in hung:
                try:
                    token = camera_chain_take_over(camera_id=camera_id, stale_seconds=0)
                except Exception as exc:  # the broker went away meanwhile: its lease goes stale instead
                    log.warning("camera_workers: camera %s: cannot replace its chain: %s", camera_id, exc)
                    continue
                log.info("camera_workers: camera %s: new segment chain %s (its worker restarts)", camera_id, token)
        self._stop_worker(worker, now=now, why=f"the segment of camera(s) {', '.join(map(str, hung))} hangs",
                          timeout=min(self.stop_timeout, HUNG_STOP_SECONDS))

    def _chain_ensure(self, worker: CameraWorker, camera_id: int, *, now: float) -> bool:
        """Start the camera's chain if none holds it, or take over a stale one; True when taken over."""
        taken_over = False
        try:
            token = camera_chain_start(camera_id=camera_id)
            if token is None and self._may_take_over(worker, now=now):
                token = camera_chain_take_over(camera_id=camera_id)
                taken_over = bool(token)
        except Exception as exc:
            if self._broker_ok_since is not None:  # once per outage
                log.error("camera_workers: camera %s: cannot reach the broker to check its segment chain: %s",
                          camera_id, exc)
            self._broker_ok_since = None
            return False
        if self._broker_ok_since is None:
            self._broker_ok_since = now
        if token:
            log.info("camera_workers: camera %s: kicked off segment chain %s", camera_id, token)
        if taken_over:
            camera_restart_note(camera_id=camera_id, error=(
                f"segment chain showed no sign of life for {chain.LEASE_STALE_SECONDS:.0f}s; "
                "started a new one and restarted its worker"))
        return taken_over

    def _may_take_over(self, worker: CameraWorker, *, now: float) -> bool:
        booted = now - worker.started_at >= BOOT_GRACE_SECONDS
        settled = self._broker_ok_since is not None and now - self._broker_ok_since >= BROKER_SETTLE_SECONDS
        return booted and settled

    def _stop_worker(self, worker: CameraWorker, *, now: float, why: str, timeout: float | None = None) -> None:
        log.info("camera_workers: %s: stopping worker pid %s (warm shutdown): %s", worker.label, worker.process.pid, why)
        worker.stopping_since = now
        worker.stop_deadline = now + (self.stop_timeout if timeout is None else timeout)
        for camera_id in worker.camera_ids:
            try:
                chain.drain_request(camera_id)
            except Exception as exc:  # without the drain the segment still ends by itself, just later
                log.warning("camera_workers: camera %s: cannot request drain: %s", camera_id, exc)
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
        # Anything the worker started (it forks nothing itself, but a library might) ends with it.
        self._kill(worker)
        if worker.output_thread is not None:
            worker.output_thread.join(timeout=2)
        expected = worker.stopping_since is not None
        camera_ids = worker.camera_ids
        worker.process = None
        worker.output_thread = None
        worker.stopping_since = None
        if not wanted:
            return
        if expected:
            worker.next_start_at = now
            return
        for camera_id in camera_ids:
            self._requeue_unacked(camera_id)
        if now - worker.started_at >= STABLE_AFTER_SECONDS:
            worker.quick_deaths = 0
        worker.quick_deaths += 1
        delay = restart_delay_seconds(worker.quick_deaths, first=self.restart_first_seconds)
        worker.next_start_at = now + delay
        message = f"camera worker exited unexpectedly (exit code {code}); restarting in {delay:g}s"
        for camera_id in worker.members:
            log.warning("camera_workers: camera %s: %s", camera_id, message)
            camera_restart_note(camera_id=camera_id, error=message)
        if worker.quick_deaths >= SPLIT_AFTER_QUICK_DEATHS and len(worker.members) > 1:
            self._split(worker)

    def _split(self, worker: CameraWorker) -> None:
        """A worker of several cameras that keeps dying: halve it, so the camera that kills it
        (a source crashing native code, say) ends up alone and the others run on."""
        half = len(worker.members) // 2
        moved = worker.members[half:]
        worker.members = worker.members[:half]
        worker.isolated = True
        self.add_worker(moved, isolated=True, quick_deaths=worker.quick_deaths, next_start_at=worker.next_start_at)
        log.warning("camera_workers: a worker died %d times in a row soon after starting; cameras %s and %s now run "
                    "in separate workers", worker.quick_deaths, ", ".join(map(str, worker.members)),
                    ", ".join(map(str, moved)))

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
        pid = worker.process.pid if worker.process else "?"
        for camera_id in worker.camera_ids or ("?",):
            log.info("camera_workers: camera %s: worker pid %s exited with code %s", camera_id, pid, code)
        return code

    def _status(self, camera_id: int, **fields) -> None:
        try:
            camera_status_update(camera_id=camera_id, **fields)
        except DatabaseError as exc:
            database_connection_reset()
            log.error("camera_workers: camera %s: cannot record state: %s", camera_id, exc)

    def _relay_output(self, label: str, process: subprocess.Popen) -> None:
        # Every worker line, prefixed with its cameras, on the supervisor's stdout (journald, docker logs).
        prefix = f"[{label}] "
        for line in process.stdout:
            with self._out_lock:
                self.out.write(prefix + line)
                self.out.flush()
        process.stdout.close()
