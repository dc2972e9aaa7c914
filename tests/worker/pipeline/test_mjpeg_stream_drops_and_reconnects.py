"""An HTTP MJPEG camera on 127.0.0.1: read, dropped, reconnected; a slow consumer drops frames."""
from __future__ import annotations

import time

import pytest

from cameras.models import Camera
from tests.factories import CameraFactory
from tests.worker.videos import MjpegCamera, camera_outage_followed, face_drift_frames
from worker.pipeline.sources import LiveStreamReader


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def mjpeg_camera():
    with MjpegCamera(face_drift_frames(), fps=20.0) as camera:
        yield camera


def test_it_reads_a_stream_then_reconnects_after_it_drops(mjpeg_camera):
    states = []
    reader = LiveStreamReader(mjpeg_camera.url, reconnect_after=1.0, on_state=lambda s, e: states.append(s))
    try:
        first = reader.read(timeout=10)
        assert first is not None and first.image.shape == (360, 480, 3)
        mjpeg_camera.drop()
        _wait_for(lambda: reader.state == "reconnecting", 10, "the reader to notice the drop")
        assert reader.read(timeout=0.2) is None or reader.state == "reconnecting"
        mjpeg_camera.restore()
        _wait_for(lambda: reader.state == "running", 15, "the reader to reconnect")
        after = reader.read(timeout=5)
        assert after is not None and after.index > first.index
        assert mjpeg_camera.connections >= 2 and reader.reconnects >= 1
        assert states[:3] == ["running", "reconnecting", "running"]
    finally:
        reader.close()


def test_it_drops_frames_instead_of_lagging_when_the_consumer_is_slow(mjpeg_camera):
    reader = LiveStreamReader(mjpeg_camera.url, reconnect_after=2.0)
    try:
        taken = []
        for _ in range(5):
            frame = reader.read(timeout=5)
            assert frame is not None
            taken.append(frame.index)
            time.sleep(0.3)  # 3 fps consumer, 20 fps camera
        assert reader.frames_dropped >= 10
        # Each read returns the newest frame: the gaps match the dropped frames.
        assert taken[-1] - taken[0] >= 10
    finally:
        reader.close()


@pytest.mark.django_db
def test_it_records_visits_from_the_stream_and_shows_reconnecting_on_the_camera(mjpeg_camera, settings):
    from emotions.models import Visit

    settings.PIPELINE_RECONNECT_AFTER_SECONDS = 1.0
    from worker.pipeline.runner import camera_segment_run

    camera = CameraFactory(source=mjpeg_camera.url, min_track_seconds=0.5)
    stats = camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=3)
    assert stats.ended_because == "duration", stats.error
    assert stats.frames >= 20 and stats.faces == 1
    camera.refresh_from_db()
    assert camera.state == Camera.State.RUNNING and camera.fps > 0

    camera_outage_followed(camera, mjpeg_camera)
    # The visitor's visit was recorded from the live stream.
    assert Visit.objects.filter(camera=camera).exists()
