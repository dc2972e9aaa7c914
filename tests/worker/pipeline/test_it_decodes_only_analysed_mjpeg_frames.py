"""HTTP MJPEG cameras are read without FFmpeg: every part is read, only analysed frames are decoded,
and a full-HD stream is decoded at half size. Parts with and without Content-Length both work."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2
import numpy as np
import pytest

from tests.worker.videos import MjpegCamera
from worker.pipeline import synthetic
from worker.pipeline.gate import AnalysisGate
from worker.pipeline.mjpeg import MjpegHttpCapture, mjpeg_capture_open
from worker.pipeline.sources import LiveStreamReader


def _full_hd_frames(count: int = 3) -> list[np.ndarray]:
    base = synthetic.wall(1920, 1080, seed=4)
    face = synthetic.astronaut_face()
    frames = []
    for step in range(count):
        frame = base.copy()
        synthetic.paste_face(frame, face, (600 + 20 * step, 300, 220, 220))
        frames.append(frame)
    return frames


def test_a_full_hd_stream_is_decoded_at_half_size_and_only_when_analysed():
    with MjpegCamera(_full_hd_frames(), fps=30.0) as camera:
        reader = LiveStreamReader(camera.url, gate=AnalysisGate(5).due)
        try:
            frame = reader.read(timeout=10)
            assert frame is not None and frame.image.shape == (540, 960, 3)
            assert isinstance(reader._capture, MjpegHttpCapture)
            for _ in range(3):
                assert reader.read(timeout=10) is not None
            assert reader.frames_skipped > 0
        finally:
            reader.close()


class _NoLengthHandler(BaseHTTPRequestHandler):
    """A camera that sends parts without Content-Length and a quoted boundary."""

    def do_GET(self):  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Content-Type", 'multipart/x-mixed-replace;boundary="--myboundary"')
        self.end_headers()
        try:
            for _ in range(50):
                self.wfile.write(b"--myboundary\r\nContent-Type: image/jpeg\r\n\r\n" + self.server.jpeg + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format, *args):
        pass


@pytest.fixture
def no_length_camera():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NoLengthHandler)
    server.daemon_threads = True
    image = synthetic.wall(320, 240, seed=5)
    server.jpeg = cv2.imencode(".jpg", image)[1].tobytes()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/video.cgi", image
    server.shutdown()
    server.server_close()


def test_parts_without_content_length_are_read_to_the_boundary(no_length_camera):
    url, image = no_length_camera
    capture = mjpeg_capture_open(url, timeout=5)
    assert capture is not None and capture.isOpened()
    try:
        for _ in range(3):
            ok, decoded = capture.read()
            assert ok and decoded.shape == image.shape
            assert np.abs(decoded.astype(int) - image.astype(int)).mean() < 8  # the same picture (JPEG)
    finally:
        capture.release()
    assert not capture.isOpened()
