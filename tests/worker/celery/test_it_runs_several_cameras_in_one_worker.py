"""`camera_workers` with CAMERAS_PER_WORKER=2: two cameras share a worker process (a thread each, one
model), a third gets another; killing the shared process brings both of its cameras back; disabling
one of them leaves the other running in the same process; a camera enabled later takes its place
(that worker restarts with both queues) while the other worker runs on."""
from __future__ import annotations

import os
import re
import signal

import pytest

from cameras.models import Camera
from cameras.services import camera_disable
from emotions.models import EmotionEvent
from tests.worker.celery.conftest import manage_py_args, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _events(camera_id: int) -> int:
    return EmotionEvent.objects.filter(camera_id=camera_id).count()


def _all_flowing(camera_ids, output) -> None:
    """Every camera writes new events."""
    before = {c: _events(c) for c in camera_ids}
    for camera_id in camera_ids:
        wait_until(lambda: _events(camera_id) > before[camera_id], timeout=90,
                   what=f"events from camera {camera_id}", output=output)


def _worker_pid(supervisor, camera_id: int, *, start: int = 0) -> int:
    return int(supervisor.wait_for_line(rf"camera {camera_id}: started worker pid (\d+)", timeout=60,
                                        start=start).group(1))


def test_cameras_share_a_worker_and_come_back_together(make_camera, processes, celery_env, mjpeg_stream):
    a, b, c = (make_camera(source=mjpeg_stream, enabled=True, min_track_seconds=0.2).pk for _ in range(3))
    supervisor = processes(
        manage_py_args("camera_workers", "--cameras-per-worker", "2", "--restart-backoff", "0.5",
                       "--stop-timeout", "20"),
        env={**celery_env, "PIPELINE_SEGMENT_SECONDS": "60", "CELERY_VISIBILITY_TIMEOUT": "90"},
        name="camera_workers",
    )
    shared, alone = _worker_pid(supervisor, a), _worker_pid(supervisor, c)
    assert _worker_pid(supervisor, b) == shared != alone
    assert f"camera{a}-{b}@" in " ".join(open(f"/proc/{shared}/cmdline").read().split("\0"))
    _all_flowing((a, b, c), supervisor.output)

    # The shared process killed: both its cameras are restarted together, their segments requeued.
    mark = len(supervisor.lines)
    os.kill(shared, signal.SIGKILL)
    for camera_id in (a, b):
        supervisor.wait_for_line(rf"camera {camera_id}: requeued 1 unacked segment", timeout=15, start=mark)
    restarted = _worker_pid(supervisor, a, start=mark)
    assert _worker_pid(supervisor, b, start=mark) == restarted != shared
    _all_flowing((a, b), supervisor.output)
    assert all(Camera.objects.get(pk=pk).restarts >= 1 for pk in (a, b))
    assert Camera.objects.get(pk=c).restarts == 0  # the other worker never noticed

    # One of the pair disabled: it stops, its neighbour runs on in the same process.
    camera_disable(camera=Camera.objects.get(pk=b))
    wait_until(lambda: Camera.objects.get(pk=b).state == Camera.State.STOPPED, timeout=15,
               what="camera b stopped", output=supervisor.output)
    _all_flowing((a,), supervisor.output)
    assert f"worker pid {restarted} exited" not in supervisor.output(2000)

    # A camera enabled now takes the place b left: its worker restarts with both queues; c's runs on.
    mark = len(supervisor.lines)
    d = make_camera(source=mjpeg_stream, enabled=True, min_track_seconds=0.2).pk
    joined = _worker_pid(supervisor, d, start=mark)
    assert _worker_pid(supervisor, a, start=mark) == joined != restarted
    supervisor.wait_for_line(rf"camera {a}: worker pid {restarted} exited with code 0", timeout=5, start=mark)
    _all_flowing((a, d, c), supervisor.output)
    assert f"worker pid {alone} exited" not in supervisor.output(2000)

    assert supervisor.stop(timeout=30) == 0
    output = supervisor.output(3000)
    assert "killing it" not in output
    assert not re.search(r"Traceback", output), output
    assert all(Camera.objects.get(pk=pk).state == Camera.State.STOPPED for pk in (a, b, c, d))
