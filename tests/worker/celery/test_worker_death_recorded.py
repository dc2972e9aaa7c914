"""A camera worker that dies is recorded in the camera's health and restarted only after its back-off."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from cameras.models import Camera
from worker.supervisor import CameraWorkerSupervisor

pytestmark = pytest.mark.integration


def test_it_records_the_death_and_waits_before_restarting(transactional_db, make_camera):
    # transactional_db: each poll closes connections left inside a transaction, as a long-lived process must.
    camera = make_camera(enabled=True, state=Camera.State.RUNNING)
    supervisor = CameraWorkerSupervisor(restart_first_seconds=30)
    # A process standing in for a worker that crashed with exit code 3.
    crashed = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"], start_new_session=True)
    crashed.wait(timeout=30)
    worker = supervisor.add_worker([camera.pk], camera_ids=(camera.pk,), process=crashed, started_at=time.monotonic())

    supervisor.reconcile()

    camera.refresh_from_db()
    assert camera.state == Camera.State.ERROR
    assert camera.last_error == "camera worker exited unexpectedly (exit code 3); restarting in 30s"
    assert supervisor.worker_of(camera.pk) is worker
    assert worker.process is None and worker.quick_deaths == 1
    assert worker.next_start_at > time.monotonic() + 20  # not restarted before its back-off
