"""A live camera's worker held up for a moment (a busy, shared CPU) finds the frames it missed
waiting, oldest first, instead of losing them; beyond max_lag (or four frames) the oldest go."""
from __future__ import annotations

import time

import pytest

from tests.worker.videos import MjpegCamera, face_drift_frames
from worker.pipeline.sources import MAX_WAITING_FRAMES, LiveStreamReader


@pytest.fixture
def camera():
    with MjpegCamera(face_drift_frames(), fps=20.0) as mjpeg:
        yield mjpeg


def test_frames_wait_for_a_held_up_consumer_in_order(camera):
    reader = LiveStreamReader(camera.url, max_lag=1.0)
    try:
        assert reader.read(timeout=10) is not None
        time.sleep(0.5)  # held up: about 10 frames arrive meanwhile
        waiting = [reader.read(timeout=5) for _ in range(MAX_WAITING_FRAMES)]
        indices = [f.index for f in waiting]
        assert indices == list(range(indices[0], indices[0] + MAX_WAITING_FRAMES))  # none skipped, oldest first
        assert all(a.seconds < b.seconds for a, b in zip(waiting, waiting[1:]))
        assert reader.frames_dropped > 0  # more than four arrived: the oldest went
    finally:
        reader.close()


def test_without_lag_only_the_newest_frame_waits(camera):
    reader = LiveStreamReader(camera.url)
    try:
        first = reader.read(timeout=10)
        time.sleep(0.5)
        second = reader.read(timeout=5)
        assert second.index - first.index > 2 and reader.frames_dropped > 0
    finally:
        reader.close()
