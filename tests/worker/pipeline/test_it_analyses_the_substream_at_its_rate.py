"""A camera with an analysis substream is analysed from it, not from its main source; a live stream
is read at the rate it sends, and only the frames due at `analysis_fps` are decoded to colour and
analysed. The camera's health then holds both rates."""
from __future__ import annotations

import pytest

from cameras.models import Camera
from tests.factories import CameraFactory
from tests.worker.videos import MjpegCamera, face_drift_frames
from worker.pipeline.gate import AnalysisGate
from worker.pipeline.runner import camera_analysis_source, camera_segment_run
from worker.pipeline.sources import LiveStreamReader

pytestmark = pytest.mark.django_db

# Nothing listens there: a segment that opened the main source would fail.
MAIN_SOURCE = "rtsp://127.0.0.1:9/Streaming/Channels/101"


@pytest.fixture
def substream():
    with MjpegCamera(face_drift_frames(), fps=20.0) as camera:
        yield camera


def test_the_pipeline_reads_the_substream(substream, shipped_classifier):
    camera = CameraFactory(name="hall-sub", source=MAIN_SOURCE, analysis_source=substream.url, analysis_fps=5)
    assert camera_analysis_source(camera) == substream.url
    assert camera_analysis_source(camera, "override.mp4") == "override.mp4"
    stats = camera_segment_run(camera_id=camera.pk, segment_id="sub", max_seconds=4, classifier=shipped_classifier)
    assert stats.error == "" and stats.frames > 0
    # Read at the stream's rate, analysed at 5 of its 20 frames a second.
    assert stats.input_frames > 2 * stats.frames
    camera.refresh_from_db()
    assert camera.state == Camera.State.RUNNING and camera.input_fps > camera.fps > 0


def test_a_live_reader_skips_the_frames_between_analyses(substream):
    reader = LiveStreamReader(substream.url, gate=AnalysisGate(4).due)
    try:
        taken = []
        while len(taken) < 6:
            frame = reader.read(timeout=10)
            assert frame is not None, "the stream sent nothing"
            taken.append(frame)
        assert all(f.image.ndim == 3 for f in taken)  # the analysed frames are decoded to colour
        assert reader.frames_skipped > 0
        assert len(taken) + reader.frames_dropped + reader.frames_skipped <= reader.frames_read
    finally:
        reader.close()
