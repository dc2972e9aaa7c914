"""A segment that runs into Celery's soft time limit keeps what it saw, says why, and the chain goes on."""
from __future__ import annotations

import signal

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from cameras.models import Camera
from emotions.models import EmotionEvent
from tests.worker.celery.conftest import queued_segments
from worker.services import SOFT_LIMIT_MESSAGE, camera_chain_start, camera_segment_process

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _raise_soft_time_limit(signum, frame):
    # What Celery's pool does when a task passes its soft time limit: raise
    # SoftTimeLimitExceeded in the task's thread, wherever it is.
    raise SoftTimeLimitExceeded()


def test_it_flushes_records_the_error_and_retries(transactional_db, make_camera, broker, mjpeg_stream, settings):
    settings.PIPELINE_SEGMENT_SECONDS = 30
    settings.PIPELINE_FLUSH_SECONDS = 60  # nothing flushed before the limit: the final flush writes it all
    camera = make_camera(source=mjpeg_stream, enabled=True, min_track_seconds=0.2)
    token = camera_chain_start(camera_id=camera.pk)
    broker.delete(f"camera.{camera.pk}")

    previous = signal.signal(signal.SIGALRM, _raise_soft_time_limit)
    signal.setitimer(signal.ITIMER_REAL, 4.0)
    try:
        outcome = camera_segment_process(camera_id=camera.pk, chain_token=token, index=0)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

    assert outcome.action == "retrying"
    assert outcome.stats["frames"] > 0
    assert outcome.stats["events_written"] > 0
    assert EmotionEvent.objects.filter(camera_id=camera.pk).count() == outcome.stats["events_written"]
    camera.refresh_from_db()
    assert camera.state == Camera.State.ERROR
    assert camera.last_error == f"{SOFT_LIMIT_MESSAGE} (retrying in 2s)"
    assert [s["index"] for s in queued_segments(broker, camera.pk)] == [1]
