"""`manage.py camera_workers` starts a worker per enabled camera, restarts it when killed,
stops it when the camera is disabled, and on SIGTERM shuts everything down with the data flushed."""
from __future__ import annotations

import os
import signal
import time

import pytest

from cameras.models import Camera
from cameras.services import camera_disable, camera_enable
from emotions.models import EmotionEvent
from tests.worker.celery.conftest import manage_py_args, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _events(camera_id: int) -> int:
    return EmotionEvent.objects.filter(camera_id=camera_id).count()


def test_it_starts_restarts_and_stops_camera_workers(make_camera, processes, celery_env, mjpeg_stream):
    camera = make_camera(source=mjpeg_stream, enabled=True)
    idle = make_camera(source=mjpeg_stream, enabled=False, state=Camera.State.ERROR)
    supervisor = processes(
        manage_py_args("camera_workers", "--poll-seconds", "0.5", "--restart-backoff", "0.5", "--stop-timeout", "20"),
        # Segments longer than the test: every stop below has to cut a running segment short.
        # The broker's own redelivery (visibility timeout) must not come into it either.
        env={**celery_env, "PIPELINE_SEGMENT_SECONDS": "60", "CELERY_VISIBILITY_TIMEOUT": "90"},
        name="camera_workers",
    )
    started = rf"camera {camera.pk}: started worker pid (\d+)"

    # An enabled camera gets a worker and a running chain; a disabled one does not.
    first_pid = int(supervisor.wait_for_line(started, timeout=30).group(1))
    supervisor.wait_for_line(rf"camera {camera.pk}: kicked off segment chain", timeout=10)
    wait_until(lambda: _events(camera.pk) > 0, timeout=60, what="events", output=supervisor.output)
    wait_until(lambda: Camera.objects.get(pk=idle.pk).state == Camera.State.STOPPED, timeout=10,
               what="the disabled camera marked stopped", output=supervisor.output)
    assert f"camera {idle.pk}: started" not in supervisor.output(500)

    # Killed outright: restarted, its unacked segment put straight back, the camera processed again.
    mark = len(supervisor.lines)
    os.kill(first_pid, signal.SIGKILL)
    killed_at = time.monotonic()
    supervisor.wait_for_line(rf"camera {camera.pk}: worker pid {first_pid} exited with code -9", timeout=10, start=mark)
    supervisor.wait_for_line(rf"camera {camera.pk}: requeued 1 unacked segment", timeout=10, start=mark)
    second_pid = int(supervisor.wait_for_line(started, timeout=30, start=mark).group(1))
    restarted_after = time.monotonic() - killed_at
    assert second_pid != first_pid
    supervisor.wait_for_line(rf"camera {camera.pk}: camera worker exited unexpectedly \(exit code -9\)", timeout=1,
                             start=mark)
    events_before = _events(camera.pk)
    wait_until(lambda: _events(camera.pk) > events_before, timeout=60, what="events after the restart",
               output=supervisor.output)
    resumed_after = time.monotonic() - killed_at

    # Disabled in the admin: the worker stops (warm), the camera is marked stopped.
    camera_disable(camera=Camera.objects.get(pk=camera.pk))
    disabled_at = time.monotonic()
    supervisor.wait_for_line(rf"camera {camera.pk}: worker pid {second_pid} exited with code 0", timeout=30)
    wait_until(lambda: Camera.objects.get(pk=camera.pk).state == Camera.State.STOPPED, timeout=10,
               what="state 'stopped'", output=supervisor.output)
    worker_gone_after = time.monotonic() - disabled_at

    # Enabled again: a new worker; then SIGTERM to camera_workers stops it cleanly, flushed.
    camera_enable(camera=Camera.objects.get(pk=camera.pk))
    mark = len(supervisor.lines)
    third_pid = int(supervisor.wait_for_line(started, timeout=30, start=mark).group(1))
    events_before = _events(camera.pk)
    wait_until(lambda: _events(camera.pk) > events_before, timeout=60, what="events after re-enabling",
               output=supervisor.output)
    sigterm_at = time.monotonic()
    exit_code = supervisor.stop(timeout=30)
    shutdown_seconds = time.monotonic() - sigterm_at
    output = supervisor.output(1000)
    print(f"\nrestarted {restarted_after:.1f}s after kill -9, processing again after {resumed_after:.1f}s; "
          f"worker gone {worker_gone_after:.1f}s after disable; camera_workers exited {shutdown_seconds:.1f}s "
          f"after SIGTERM")
    assert exit_code == 0, output
    assert f"camera {camera.pk}: worker pid {third_pid} exited with code 0" in output
    assert "ended: stopped" in output.split("SIGTERM received")[-1], "the running segment should drain"
    assert _events(camera.pk) > events_before
    assert "killing it" not in output
    assert Camera.objects.get(pk=camera.pk).state == Camera.State.STOPPED
    with pytest.raises(ProcessLookupError):
        os.kill(third_pid, 0)
