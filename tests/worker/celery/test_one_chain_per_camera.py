"""However often a camera is started, one segment chain runs it; stray segments drop themselves."""
from __future__ import annotations

import pytest

from emotions.models import EmotionEvent
from tests.worker.celery.conftest import queued_segments
from worker import chain
from worker.services import camera_chain_start, camera_segment_process

pytestmark = pytest.mark.integration


def test_it_starts_one_chain_however_often_start_is_called(make_camera, broker):
    camera = make_camera(enabled=True)

    tokens = [camera_chain_start(camera_id=camera.pk) for _ in range(5)]

    started = [t for t in tokens if t]
    assert len(started) == 1
    assert chain.lease_holder(camera.pk) == started[0]
    assert queued_segments(broker, camera.pk) == [
        {"camera_id": camera.pk, "chain_token": started[0], "index": 0, "failures": 0, "wait_seconds": 0.0}
    ]


def test_it_drops_a_segment_whose_chain_does_not_hold_the_camera(make_camera, broker):
    camera = make_camera(enabled=True, source="/nonexistent.avi")
    holder = camera_chain_start(camera_id=camera.pk)
    broker.delete(f"camera.{camera.pk}")

    outcome = camera_segment_process(camera_id=camera.pk, chain_token="stale-chain", index=7)

    assert (outcome.action, outcome.reason) == ("dropped", "another chain holds this camera")
    assert chain.lease_holder(camera.pk) == holder
    assert queued_segments(broker, camera.pk) == []
    assert not EmotionEvent.objects.exists()


def test_it_drops_a_segment_redelivered_after_it_finished(make_camera, broker):
    # Killed after publishing segment 4 but before acking segment 3: segment 3
    # comes again and must not publish a second segment 4 (the chain would fork).
    camera = make_camera(enabled=True)
    token = camera_chain_start(camera_id=camera.pk)
    broker.delete(f"camera.{camera.pk}")
    chain.segment_done_mark(camera.pk, token, 3)

    outcome = camera_segment_process(camera_id=camera.pk, chain_token=token, index=3)

    assert (outcome.action, outcome.reason) == ("dropped", "segment already done (redelivered after it finished)")
    assert queued_segments(broker, camera.pk) == []
