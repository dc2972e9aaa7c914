"""A live source that fails says why (HTTP 404, 401, connection refused), reaches `error` when the
failure lasts while it keeps retrying, and a stream that comes back is used at once (short back-off)."""
from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cameras.models import Camera
from tests.factories import CameraFactory
from tests.worker.videos import MjpegCamera, face_drift_frames
from worker.pipeline.sources import LiveStreamReader, source_failure_reason


class _Refusing(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path.startswith("/private"):
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="camera"')
            self.end_headers()
        else:
            self.send_error(404)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def http_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/stream.mjpg"  # nothing listens there any more


def _wait_for(condition, timeout: float, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def test_it_names_the_cause(http_server, refused_url):
    assert source_failure_reason(f"{http_server}/missing.mjpg").startswith("HTTP 404")
    assert source_failure_reason(f"{http_server}/private/stream.mjpg").startswith("HTTP 401")
    assert "check the camera's user and password" in source_failure_reason(f"{http_server}/private/x")
    assert source_failure_reason(refused_url).startswith("connection refused")
    assert source_failure_reason("http://user:pw@camera.invalid/stream").startswith("unknown host")


@pytest.mark.parametrize("path, cause", [("/missing.mjpg", "HTTP 404"), ("/private/stream.mjpg", "HTTP 401"),
                                         (None, "connection refused")])
def test_it_reaches_error_while_it_keeps_retrying(http_server, refused_url, path, cause):
    url = refused_url if path is None else http_server + path
    reader = LiveStreamReader(url, reconnect_after=1.0, max_backoff=0.5, error_after=2.0)
    try:
        _wait_for(lambda: reader.state == "reconnecting", 20, "reconnecting")
        assert cause in reader.last_error
        _wait_for(lambda: reader.state == "error", 30, "the error state")
        assert cause in reader.last_error and "still retrying" in reader.last_error
        opened_before = reader.reconnects + 0
        time.sleep(1.5)
        assert reader.state == "error" and reader._thread.is_alive()  # still trying, not given up
        assert reader.reconnects == opened_before  # (reconnects count lost streams, not failed opens)
    finally:
        reader.close()


def test_it_uses_a_returned_stream_at_once_however_long_it_was_gone():
    with MjpegCamera(face_drift_frames(), fps=20.0) as camera:
        reader = LiveStreamReader(camera.url, reconnect_after=1.0, max_backoff=2.0, error_after=3.0)
        try:
            assert reader.read(timeout=10) is not None
            camera.drop()
            _wait_for(lambda: reader.state == "error", 30, "the error state")
            time.sleep(4.0)  # gone long enough that an uncapped doubling back-off would wait 8-16 s
            camera.restore()
            back_after = _wait_for(lambda: reader.state == "running", 30, "the stream to be used again")
            print(f"\nreturned stream used again after {back_after:.2f}s (back-off capped at 2 s)")
            assert reader.read(timeout=5) is not None
        finally:
            reader.close()


@pytest.mark.django_db
def test_a_camera_shows_the_cause_in_its_error(http_server, settings):
    from worker.pipeline.runner import camera_segment_run

    settings.PIPELINE_RECONNECT_AFTER_SECONDS = 1.0
    settings.PIPELINE_SOURCE_ERROR_AFTER_SECONDS = 1.5
    camera = CameraFactory(source=f"{http_server}/missing.mjpg")
    stats = camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=4)
    camera.refresh_from_db()
    assert stats.frames == 0
    assert camera.state == Camera.State.ERROR
    assert "HTTP 404" in camera.last_error and camera.last_error_at is not None
