"""A camera's worker reports its health through camera_status_update."""
import pytest

from cameras.models import Camera
from cameras.services import camera_status_update
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


def test_it_records_an_error_with_its_time():
    camera = CameraFactory()
    camera_status_update(camera_id=camera.pk, state=Camera.State.ERROR, error="cannot open rtsp://cam/stream")
    camera.refresh_from_db()
    assert camera.state == "error"
    assert camera.last_error == "cannot open rtsp://cam/stream"
    assert camera.last_error_at is not None


def test_it_clears_the_message_on_a_healthy_start_but_keeps_when_the_error_happened():
    camera = CameraFactory()
    camera_status_update(camera_id=camera.pk, state=Camera.State.ERROR, error="stream stalled")
    camera.refresh_from_db()
    failed_at = camera.last_error_at

    camera_status_update(camera_id=camera.pk, state=Camera.State.RUNNING, fps=24.5, error="")
    camera.refresh_from_db()
    assert (camera.state, camera.fps, camera.last_error) == ("running", 24.5, "")
    assert camera.last_error_at == failed_at


def test_it_leaves_fields_it_is_not_given_alone():
    camera = CameraFactory(frames_dropped=7, faces_per_minute=3.0)
    camera_status_update(camera_id=camera.pk, state=Camera.State.RECONNECTING)
    camera.refresh_from_db()
    assert (camera.state, camera.frames_dropped, camera.faces_per_minute) == ("reconnecting", 7, 3.0)
    assert camera.status_updated_at is not None


def test_it_notes_a_problem_the_camera_lives_through_without_changing_its_state():
    from cameras.services import camera_error_record

    camera = CameraFactory(state=Camera.State.RUNNING)
    camera_error_record(camera_id=camera.pk, error="broker unreachable; the segment carries on without it")
    camera.refresh_from_db()
    assert camera.state == "running"
    assert camera.last_error.startswith("broker unreachable") and camera.last_error_at is not None
