"""An RTSP/H.264 camera on 127.0.0.1 (tests/worker/rtsp_camera.py, encoded by Debian's ffmpeg): the
camera's pipeline reads it at its rate, analyses the frames due at its analysis rate, records the
visitor, and shows `reconnecting` while the stream is gone and `running` once it is back. A full-HD
stream reaches the pipeline at half size, as the MJPEG reader decodes it."""
from __future__ import annotations

import pytest

from cameras.models import Camera
from tests.conftest import require_service
from tests.factories import CameraFactory
from tests.worker.rtsp_camera import RtspCamera, ffmpeg_path
from tests.worker.videos import camera_outage_followed, face_drift_frames
from worker.pipeline.sources import LiveStreamReader


@pytest.fixture(scope="module")
def rtsp_camera():
    if ffmpeg_path() is None:
        require_service("ffmpeg (Debian: apt-get install ffmpeg) encodes the RTSP test camera's H.264")
    with RtspCamera(face_drift_frames(60), fps=20.0) as camera:
        yield camera


@pytest.mark.django_db
def test_it_records_the_visitor_from_an_rtsp_camera_and_follows_its_outage(rtsp_camera, settings):
    from emotions.models import EmotionEvent, Visit
    from worker.pipeline.runner import camera_segment_run

    settings.PIPELINE_RECONNECT_AFTER_SECONDS = 1.0
    camera = CameraFactory(source=rtsp_camera.url("live/main"), min_track_seconds=0.5, analysis_fps=10)

    stats = camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=4)

    assert stats.ended_because == "duration", stats.error
    assert stats.faces == 1 and stats.events_written > 0
    # Every frame read (the camera sends 20 a second), at most 10 a second analysed.
    assert stats.input_frames >= 40 and stats.frames_dropped == 0
    assert 20 <= stats.frames <= 10 * 4 + 1 and stats.frames < 0.6 * stats.input_frames
    camera.refresh_from_db()
    assert camera.state == Camera.State.RUNNING and 0 < camera.fps <= 10.5

    camera_outage_followed(camera, rtsp_camera)
    assert rtsp_camera.sessions_played >= 2
    assert Visit.objects.filter(camera=camera).exists() and EmotionEvent.objects.filter(camera=camera).exists()


def test_a_full_hd_stream_reaches_the_pipeline_at_half_size():
    if ffmpeg_path() is None:
        require_service("ffmpeg (Debian: apt-get install ffmpeg) encodes the RTSP test camera's H.264")
    frames = face_drift_frames(10, width=1920, height=1080)
    with RtspCamera(frames, fps=10.0) as camera:
        reader = LiveStreamReader(camera.url())
        try:
            frame = reader.read(timeout=15)
        finally:
            reader.close()
    assert frame is not None and frame.image.shape == (540, 960, 3)
