"""Disabling a running camera (the admin's stop) ends its segment early, flushed, and ends the chain."""
from __future__ import annotations

import time

import pytest

from cameras.models import Camera
from cameras.services import camera_disable
from emotions.models import EmotionEvent
from tests.worker.celery.conftest import queued_segments, wait_until
from worker import chain
from worker.services import camera_chain_start

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SEGMENT_SECONDS = 20.0


def test_it_stops_the_camera_within_the_running_segment(make_camera, start_worker, celery_env, broker, mjpeg_stream):
    camera = make_camera(source=mjpeg_stream, enabled=True)
    # Long segments, so stopping before the segment's end is visible.
    worker = start_worker(camera.pk, env={**celery_env, "PIPELINE_SEGMENT_SECONDS": str(SEGMENT_SECONDS),
                                          "CELERY_VISIBILITY_TIMEOUT": str(int(SEGMENT_SECONDS) + 30)})
    token = camera_chain_start(camera_id=camera.pk)
    wait_until(lambda: EmotionEvent.objects.filter(camera_id=camera.pk).exists(), timeout=60,
               what="events from the live stream", output=worker.output)
    segment_started = time.monotonic()  # at the latest: events come after the segment began

    camera_disable(camera=Camera.objects.get(pk=camera.pk))
    disabled_at = time.monotonic()
    stop = worker.wait_for_line(rf"segment cam{camera.pk}-{token}-(\d+): .*ended: stopped", timeout=SEGMENT_SECONDS)
    wait_until(lambda: Camera.objects.get(pk=camera.pk).state == Camera.State.STOPPED, timeout=10,
               what="state 'stopped'", output=worker.output)
    stopped_after = time.monotonic() - disabled_at
    print(f"\ncamera stopped {stopped_after:.2f}s after camera_disable (segment length {SEGMENT_SECONDS:.0f}s)")

    assert stop.group(1) == "0", "the first segment should have been the one stopped"
    assert time.monotonic() - segment_started < SEGMENT_SECONDS, "stopped only when the segment ran out"
    # The chain ends right after the segment's last log line: it frees the camera and queues nothing.
    wait_until(lambda: chain.lease_holder(camera.pk) is None, timeout=5, what="the lease released",
               output=worker.output)
    assert queued_segments(broker, camera.pk) == []
    events_at_stop = EmotionEvent.objects.filter(camera_id=camera.pk).count()
    time.sleep(2)  # nothing runs after the stop
    assert EmotionEvent.objects.filter(camera_id=camera.pk).count() == events_at_stop
    assert worker.output(500).count("Task worker.camera_segment[") == 2  # received + succeeded, once
