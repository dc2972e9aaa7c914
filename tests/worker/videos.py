"""Generated test media: videos of moving faces with their ground truth, and a loopback MJPEG camera.

Shared by the pipeline tests and the Celery tests. Faces come from scikit-image
(worker.pipeline.synthetic) or, where a test wants real expressions, from the
fer2013 folder beside the repo (never committed).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cv2
import numpy as np

from worker.pipeline import synthetic
from worker.pipeline.tracker import boxes_matched

# Beside the repo (settings.BASE_DIR.parent), never inside it.
FER2013_DIR = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "fer2013"


@dataclass
class TestVideo:
    path: Path
    truth: list[list[tuple[int, int, int, int]]]  # face boxes per frame
    fps: float

    @property
    def frames(self) -> int:
        return len(self.truth)


def walkers_video(path: Path, count: int, *, frames: int = 100, fps: float = 25.0,
                  sizes: tuple[int, ...] = (110,), seed: int = 0) -> TestVideo:
    sprites = synthetic.walkers(count, frames=frames, sizes=sizes, seed=seed)
    truth = synthetic.video_write(path, sprites, frames=frames, fps=fps, seed=seed)
    return TestVideo(path=path, truth=truth, fps=fps)


def fer2013_faces(count: int, emotion: str = "happy") -> list[np.ndarray]:
    """Real face photos from the shared fer2013 folder (gray 48x48)."""
    files = sorted((FER2013_DIR / "train" / emotion).glob("*.jpg"))[:count]
    return [cv2.imread(str(f), cv2.IMREAD_GRAYSCALE) for f in files]


matched = boxes_matched


class _MjpegHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        server = self.server
        if server.paused.is_set():
            self.send_error(503, "camera offline")
            return
        server.connections += 1
        self.send_response(200)
        self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
        self.end_headers()
        try:
            while not server.stopping.is_set() and not server.paused.is_set():
                jpeg = server.jpegs[server.sent % len(server.jpegs)]
                self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\n")
                self.wfile.write(f"Content-Length: {len(jpeg)}\r\n\r\n".encode() + jpeg + b"\r\n")
                server.sent += 1
                time.sleep(1.0 / server.fps)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format, *args):  # quiet test output
        pass


class MjpegCamera:
    """An HTTP MJPEG camera on 127.0.0.1 that a test can take offline and back.

    `drop()` ends every open stream and answers 503 until `restore()`.
    """

    def __init__(self, frames: list[np.ndarray], fps: float = 20.0):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _MjpegHandler)
        self.server.daemon_threads = True
        self.server.jpegs = [cv2.imencode(".jpg", f)[1].tobytes() for f in frames]
        self.server.fps = fps
        self.server.sent = 0
        self.server.connections = 0
        self.server.stopping = threading.Event()
        self.server.paused = threading.Event()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/stream.mjpg"

    @property
    def connections(self) -> int:
        return self.server.connections

    def drop(self) -> None:
        self.server.paused.set()

    def restore(self) -> None:
        self.server.paused.clear()

    def __enter__(self) -> MjpegCamera:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.stopping.set()
        self.server.shutdown()
        self.server.server_close()


def camera_outage_followed(camera, stream, *, seconds: float = 3.0, back_seconds: float = 6.0):
    """A segment while `stream` (MjpegCamera or RtspCamera) is gone shows the camera `reconnecting` with
    the cause; once restored, a segment reads frames again and the camera is `running`. Returns that
    last segment's stats. Needs the database; PIPELINE_RECONNECT_AFTER_SECONDS short (1 s)."""
    from cameras.models import Camera
    from worker.pipeline.runner import camera_segment_run

    stream.drop()
    camera_segment_run(camera_id=camera.pk, segment_id="outage", max_seconds=seconds)
    camera.refresh_from_db()
    assert camera.state == Camera.State.RECONNECTING
    assert "no frames" in camera.last_error or "cannot open" in camera.last_error
    stream.restore()
    stats = camera_segment_run(camera_id=camera.pk, segment_id="back", max_seconds=back_seconds)
    camera.refresh_from_db()
    assert stats.frames > 0 and camera.state == Camera.State.RUNNING
    return stats


def face_drift_frames(count: int = 40, *, width: int = 480, height: int = 360) -> list[np.ndarray]:
    """Frames of one visitor drifting slowly over the wall (for the MJPEG camera)."""
    face = synthetic.astronaut_face()
    base = synthetic.wall(width, height, seed=2)
    frames = []
    for step in range(count):
        frame = base.copy()
        synthetic.paste_face(frame, face, (120 + step, 80, 130, 130))
        frames.append(frame)
    return frames
