"""Scanning only what moved and where faces are finds the same faces as full-frame scans,
and a visitor who steps in between detection frames is found on the frame they appear."""
from __future__ import annotations

from tests.worker.videos import matched
from worker.pipeline import synthetic
from worker.pipeline.detector import detector_create
from worker.pipeline.motion import SearchPlanner
from worker.pipeline.pipeline import FacePipeline
from worker.pipeline.sources import VideoFileReader


def _faces_per_frame(path, classifier, *, gate: bool):
    pipeline = FacePipeline(detector=detector_create("haar"), classifier=classifier, gate_by_motion=gate)
    reader = VideoFileReader(str(path))
    out = []
    while (frame := reader.read()) is not None:
        out.append([f.box for f in pipeline.process(frame).faces])
    reader.close()
    return out, pipeline


def test_it_finds_a_newcomer_on_the_frame_they_appear(tmp_path, shipped_classifier):
    faces = synthetic.lfw_faces(2, seed=3)
    sprites = [
        synthetic.FaceSprite(image=faces[0], start=(60, 80), end=(200, 90), size=110),
        # Steps in at frame 31: not a detection frame (every 3rd: 30, 33, ...).
        synthetic.FaceSprite(image=faces[1], start=(420, 250), end=(380, 240), size=100, first_frame=31),
    ]
    truth = synthetic.video_write(tmp_path / "newcomer.avi", sprites, frames=60, seed=3)
    found, pipeline = _faces_per_frame(tmp_path / "newcomer.avi", shipped_classifier, gate=True)
    assert matched(truth[31], found[31]) == 2
    assert pipeline.planner.partial_scans > pipeline.planner.full_scans  # it really scanned less


def test_it_finds_as_many_faces_as_full_frame_scans(two_faces_video, shipped_classifier):
    gated, _ = _faces_per_frame(two_faces_video.path, shipped_classifier, gate=True)
    full, _ = _faces_per_frame(two_faces_video.path, shipped_classifier, gate=False)
    truth = two_faces_video.truth
    gated_found = sum(matched(t, f) for t, f in zip(truth, gated))
    assert gated_found >= sum(matched(t, f) for t, f in zip(truth, full))
    assert gated_found >= 0.97 * sum(len(t) for t in truth)


def test_it_scans_the_whole_frame_at_a_segment_start_and_every_few_seconds():
    wall = synthetic.wall(seed=1)
    import cv2

    gray = cv2.cvtColor(wall, cv2.COLOR_BGR2GRAY)
    planner = SearchPlanner(full_scan_seconds=2.0)
    assert planner.regions(gray, 0.0, [], []) is None  # first frame: everything
    assert planner.regions(gray, 0.12, [], []) == []  # nothing moved, nobody tracked: nothing to scan
    assert planner.regions(gray, 0.24, [], [(100, 100, 80, 80)]) == [(60, 60, 160, 160)]
    assert planner.regions(gray, 2.1, [], []) is None  # the periodic full scan
    planner.reset()  # a new segment
    assert planner.regions(gray, 2.2, [], []) is None
