"""A worker of several cameras that keeps dying soon after it starts (a camera whose source crashes
native code, say) is split in two, and again, so the culprit ends up alone and the others run on."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from cameras.models import Camera
from worker.supervisor import CameraWorkerSupervisor

pytestmark = pytest.mark.integration


def _crashed() -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"], start_new_session=True)
    process.wait(timeout=30)
    return process


def test_it_splits_after_two_quick_deaths_and_counts_each_cameras_restart(transactional_db, make_camera):
    cameras = [make_camera(enabled=True, state=Camera.State.RUNNING).pk for _ in range(4)]
    supervisor = CameraWorkerSupervisor(cameras_per_worker=4, restart_first_seconds=30)
    worker = supervisor.add_worker(cameras, camera_ids=tuple(cameras), process=_crashed(), started_at=time.monotonic())

    supervisor.reconcile()  # the first death: restarted as it was, after a back-off

    assert list(supervisor.workers.values()) == [worker] and worker.members == cameras
    assert worker.quick_deaths == 1 and worker.next_start_at > time.monotonic() + 20
    assert all(Camera.objects.get(pk=pk).restarts == 1 for pk in cameras)

    worker.process, worker.started_at = _crashed(), time.monotonic()  # started again, died again at once
    supervisor.reconcile()

    halves = [w.members for w in supervisor.workers.values()]
    assert halves == [cameras[:2], cameras[2:]]
    assert all(w.isolated and w.quick_deaths == 2 and w.process is None for w in supervisor.workers.values())
    assert all(Camera.objects.get(pk=pk).restarts == 2 for pk in cameras)
    # A camera enabled now does not join a worker under suspicion.
    supervisor.place(10_000)
    assert supervisor.worker_of(10_000).members == [10_000]
