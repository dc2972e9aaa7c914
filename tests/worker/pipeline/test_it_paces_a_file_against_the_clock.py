"""A video file replayed in real time (`replay_realtime`, `run_camera --realtime`) plays like a live
camera: no frame before the time it stands for; frames whose time has passed (a replayed segment,
a worker that was down) come at once, so the replay catches up with the clock."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from worker.pipeline.sources import VideoFileReader


def _read_seconds(reader: VideoFileReader, frames: int) -> float:
    started = time.monotonic()
    for _ in range(frames):
        assert reader.read() is not None
    return time.monotonic() - started


def test_it_waits_for_frames_ahead_of_the_clock_and_catches_up_on_the_rest(one_face_video):
    # 100 frames at 25 fps; the anchor 2 s ago: frames 0-49 are due already, 50-74 one by one.
    anchor = datetime.now(timezone.utc) - timedelta(seconds=2)
    reader = VideoFileReader(str(one_face_video.path), clock_anchor=anchor, realtime=True)
    try:
        behind = _read_seconds(reader, 45)
        paced = _read_seconds(reader, 30)  # frames 45-74 stand for 1.8-2.96 s after the anchor
    finally:
        reader.close()
    # Caught up: pacing from the first frame read (as before) would have taken the 1.8 s those frames span.
    assert behind < 1.8
    assert paced >= 0.7  # ~0.96 s of media time: not returned ahead of it
    assert datetime.now(timezone.utc) >= anchor + timedelta(seconds=74 / 25)
