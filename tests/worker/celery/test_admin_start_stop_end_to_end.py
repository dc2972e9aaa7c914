"""Staff start a camera in the admin and camera_workers processes it; stop it and it stops."""
from __future__ import annotations

import time

import pytest
from django.urls import reverse

from cameras.models import Camera
from emotions.models import EmotionEvent
from tests.worker.celery.conftest import manage_py_args, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _admin_action(client, action: str, camera: Camera):
    return client.post(reverse("admin:cameras_camera_changelist"),
                       {"action": action, "_selected_action": [camera.pk]}, follow=True)


def test_it_starts_and_stops_a_camera_from_the_admin(make_camera, processes, celery_env, mjpeg_stream, staff_client):
    camera = make_camera(name="Entrance camera", source=mjpeg_stream, enabled=False)
    supervisor = processes(manage_py_args("camera_workers", "--poll-seconds", "0.5"), env=celery_env,
                           name="camera_workers")
    supervisor.wait_for_line(r"supervising camera workers", timeout=30)

    started_at = time.monotonic()
    response = _admin_action(staff_client, "start_cameras", camera)
    assert response.status_code == 200
    assert Camera.objects.get(pk=camera.pk).state in (Camera.State.STARTING, Camera.State.RUNNING)
    supervisor.wait_for_line(rf"camera {camera.pk}: started worker pid \d+", timeout=10)
    wait_until(lambda: EmotionEvent.objects.filter(camera_id=camera.pk).exists(), timeout=60,
               what="events from the started camera", output=supervisor.output)
    first_events_after = time.monotonic() - started_at
    wait_until(lambda: Camera.objects.get(pk=camera.pk).fps > 0, timeout=30, what="the camera's health",
               output=supervisor.output)
    changelist = staff_client.get(reverse("admin:cameras_camera_changelist")).content.decode()
    assert "Entrance camera" in changelist and "Running" in changelist

    stopped_at = time.monotonic()
    response = _admin_action(staff_client, "stop_cameras", camera)
    assert response.status_code == 200
    wait_until(lambda: Camera.objects.get(pk=camera.pk).state == Camera.State.STOPPED, timeout=10,
               what="state 'stopped'", output=supervisor.output)
    state_stopped_after = time.monotonic() - stopped_at
    supervisor.wait_for_line(rf"camera {camera.pk}: worker pid \d+ exited with code 0", timeout=30)
    worker_gone_after = time.monotonic() - stopped_at
    print(f"\nadmin start -> first events {first_events_after:.1f}s; admin stop -> state stopped "
          f"{state_stopped_after:.1f}s, worker process gone {worker_gone_after:.1f}s")
    events = EmotionEvent.objects.filter(camera_id=camera.pk).count()
    time.sleep(1.5)
    assert EmotionEvent.objects.filter(camera_id=camera.pk).count() == events
