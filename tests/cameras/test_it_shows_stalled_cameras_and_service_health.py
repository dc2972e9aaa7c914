"""Operators see the truth: a running camera whose worker stopped making progress is `stalled`
(admin list, camera status API, /healthz), with its restarts and last error; /healthz answers 503
when the database or the broker is unreachable, and gives away nothing secret."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cameras.models import Camera
from cameras.selectors import camera_health_state, camera_stalled_list
from cameras.services import camera_heartbeat, camera_restart_record, camera_status_update
from tests.analytics.web_fixtures import viewer_api, viewer_user  # noqa: F401
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


def _silent_for(camera: Camera, seconds: float) -> None:
    long_ago = timezone.now() - timedelta(seconds=seconds)
    Camera.objects.filter(pk=camera.pk).update(heartbeat_at=long_ago, status_updated_at=long_ago)


@pytest.fixture
def cameras(settings):
    settings.CAMERA_STALL_SECONDS = 20
    running = CameraFactory(name="hall", enabled=True, state=Camera.State.RUNNING,
                            source="rtsp://admin:secret@10.0.0.7/stream")
    stuck = CameraFactory(name="entrance", enabled=True, state=Camera.State.RUNNING)
    off = CameraFactory(name="store", enabled=False, state=Camera.State.STOPPED)
    camera_heartbeat(camera_id=running.pk)
    _silent_for(stuck, 25)
    _silent_for(off, 600)
    return running, stuck, off


def test_it_calls_a_silent_running_camera_stalled_until_it_beats_again(cameras):
    running, stuck, off = cameras
    assert [camera_health_state(Camera.objects.get(pk=c.pk)) for c in cameras] == ["running", "stalled", "stopped"]
    assert list(camera_stalled_list()) == [stuck]
    camera_heartbeat(camera_id=stuck.pk)
    assert camera_health_state(Camera.objects.get(pk=stuck.pk)) == "running"
    assert not camera_stalled_list().exists()


def test_it_counts_restarts_and_clears_the_error_when_the_camera_recovers(cameras):
    running = cameras[0]
    camera_restart_record(camera_id=running.pk, error="camera worker exited unexpectedly (exit code -9)")
    camera_restart_record(camera_id=running.pk, error="segment 4 delivered again: the process running it died")
    camera = Camera.objects.get(pk=running.pk)
    assert (camera.restarts, camera.state) == (2, "error")
    assert camera.last_error.startswith("segment 4") and camera.last_error_at is not None
    camera_status_update(camera_id=running.pk, state=Camera.State.RUNNING, error="", heartbeat=True)
    camera = Camera.objects.get(pk=running.pk)
    assert (camera.restarts, camera.state, camera.last_error) == (2, "running", "")


def test_it_shows_health_in_the_camera_status_api(cameras, viewer_api):
    rows = {row["name"]: row for row in viewer_api.get("/api/cameras/status/").json()}
    assert (rows["entrance"]["state"], rows["entrance"]["health"], rows["entrance"]["stalled"]) == (
        "running", "stalled", True)
    assert (rows["hall"]["health"], rows["hall"]["stalled"]) == ("running", False)
    assert rows["hall"]["heartbeat_at"] and rows["hall"]["restarts"] == 0
    assert rows["hall"]["broker_reachable"] in (True, False)


def test_it_shows_health_in_the_admin_camera_list(cameras, staff_client):
    page = staff_client.get("/admin/cameras/camera/").content.decode()
    assert "Stalled (no progress)" in page
    assert "Restarts" in page and "Heartbeat at" in page


@pytest.mark.integration
def test_healthz_answers_503_for_a_stalled_camera_and_200_when_all_is_well(cameras, client, broker_or_skip):
    answer = client.get("/healthz")
    assert answer.status_code == 503
    body = answer.json()
    assert (body["status"], body["database"], body["broker"]) == ("unhealthy", "ok", "ok")
    assert body["cameras"]["stalled"] == [{"id": cameras[1].pk, "name": "entrance"}]
    assert "secret" not in answer.content.decode() and "10.0.0.7" not in answer.content.decode()

    camera_heartbeat(camera_id=cameras[1].pk)
    answer = client.get("/healthz")
    assert (answer.status_code, answer.json()["status"]) == (200, "ok")


def test_healthz_answers_503_when_the_broker_is_unreachable(cameras, client, settings, unused_port):
    camera_heartbeat(camera_id=cameras[1].pk)
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{unused_port}/0"
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert (answer.json()["broker"], answer.json()["database"]) == ("unreachable", "ok")
    assert str(unused_port) not in answer.content.decode()


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def broker_or_skip(settings):
    import redis

    from tests.conftest import require_service

    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        require_service(f"Redis at CELERY_BROKER_URL is not answering: {exc}")
