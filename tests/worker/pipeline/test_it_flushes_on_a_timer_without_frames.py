"""Buffered events reach the database every PIPELINE_FLUSH_SECONDS even when no frame arrives
(a stream that went quiet), not only when the segment ends."""
from __future__ import annotations

import threading
import time

import pytest
from django.db import connections

from emotions.models import EmotionEvent
from tests.factories import CameraFactory
from tests.worker.videos import MjpegCamera, face_drift_frames

pytestmark = pytest.mark.integration


def test_it_writes_what_it_buffered_while_the_stream_is_silent(transactional_db, settings):
    from worker.pipeline.runner import camera_segment_run

    settings.PIPELINE_FLUSH_SECONDS = 0.5
    settings.PIPELINE_RECONNECT_AFTER_SECONDS = 30.0  # the reader just waits: no frames, no reconnect
    seen_while_silent: list[int] = []

    with MjpegCamera(face_drift_frames(), fps=20.0) as stream:
        camera = CameraFactory(source=stream.url, min_track_seconds=0.2)

        def go_silent_then_count():
            time.sleep(4.0)
            stream.server.fps = 0.01  # the connection stays open, frames stop (one per 100 s)
            time.sleep(4.0)  # many flush windows, and the segment still has seconds to run
            seen_while_silent.append(EmotionEvent.objects.filter(camera_id=camera.pk).count())
            connections.close_all()

        watcher = threading.Thread(target=go_silent_then_count)
        watcher.start()
        stats = camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=11)
        watcher.join()

    assert stats.ended_because == "duration", stats.error
    assert stats.events_written > 0
    # Everything the segment wrote was already in the database while the stream was silent.
    assert seen_while_silent == [stats.events_written]
