"""A segment that keeps killing its worker (redelivered again and again) is skipped, not retried forever."""
from __future__ import annotations

import pytest

from cameras.models import Camera
from tests.worker.celery.conftest import queued_segments
from worker import chain
from worker.services import MAX_SEGMENT_ATTEMPTS, camera_chain_start, camera_segment_process

pytestmark = pytest.mark.integration


def test_it_skips_a_segment_after_it_ended_its_worker_three_times(make_camera, broker):
    camera = make_camera(enabled=True)
    token = camera_chain_start(camera_id=camera.pk)
    broker.delete(f"camera.{camera.pk}")
    for _ in range(MAX_SEGMENT_ATTEMPTS):  # three starts that never finished
        chain.segment_attempt_count(camera.pk, token, 5)

    outcome = camera_segment_process(camera_id=camera.pk, chain_token=token, index=5)

    assert outcome.action == "retrying"
    assert queued_segments(broker, camera.pk) == [
        {"camera_id": camera.pk, "chain_token": token, "index": 6, "failures": 1, "wait_seconds": 2.0}
    ]
    camera.refresh_from_db()
    assert camera.state == Camera.State.ERROR
    assert camera.last_error == "segment 5 ended its worker process 3 times; skipped"
