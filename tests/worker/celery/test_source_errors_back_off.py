"""A camera whose source fails records the error and retries with growing waits, never in a hot loop."""
from __future__ import annotations

import pytest

from cameras.models import Camera
from tests.worker.celery.conftest import queued_segments
from worker.services import camera_chain_start, camera_segment_process, retry_delay_seconds

pytestmark = pytest.mark.integration


def test_it_records_the_error_and_retries_after_a_growing_wait(transactional_db, make_camera, broker, tmp_path):
    # transactional_db: the pipeline closes connections left inside a transaction, as workers must.
    missing = tmp_path / "no-such-video.avi"
    camera = make_camera(enabled=True, source=str(missing))
    token = camera_chain_start(camera_id=camera.pk)
    broker.delete(f"camera.{camera.pk}")

    outcome = camera_segment_process(camera_id=camera.pk, chain_token=token, index=0)

    assert outcome.action == "retrying"
    assert queued_segments(broker, camera.pk) == [
        {"camera_id": camera.pk, "chain_token": token, "index": 1, "failures": 1, "wait_seconds": 2.0}
    ]
    camera.refresh_from_db()
    assert camera.state == Camera.State.ERROR
    assert "video file not found" in camera.last_error and str(missing) in camera.last_error
    assert "retrying in 2s" in camera.last_error
    assert camera.last_error_at is not None


def test_it_doubles_the_wait_up_to_a_minute():
    assert [retry_delay_seconds(n) for n in range(0, 8)] == [0.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]
