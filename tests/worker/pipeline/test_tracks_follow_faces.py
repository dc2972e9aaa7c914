"""The tracker keeps one id per face across frames, with detection only every k-th frame."""
from __future__ import annotations

from collections import Counter, defaultdict

from tests.worker.videos import matched
from worker.pipeline.detector import detector_create
from worker.pipeline.pipeline import FacePipeline
from worker.pipeline.sources import VideoFileReader
from worker.pipeline.tracker import IouTracker


def _run(video, classifier, detect_every=3):
    pipeline = FacePipeline(detector=detector_create("haar"), classifier=classifier, detect_every=detect_every)
    reader = VideoFileReader(str(video.path))
    per_frame = []
    while (frame := reader.read()) is not None:
        per_frame.append(pipeline.process(frame))
    reader.close()
    return per_frame


def test_it_gives_a_moving_face_one_track_id(one_face_video, shipped_classifier):
    results = _run(one_face_video, shipped_classifier)
    ids = Counter(face.track_number for r in results for face in r.faces)
    assert len(ids) == 1, f"track ids seen: {ids}"
    # The face is followed on (nearly) every frame, between detections too.
    covered = sum(matched(one_face_video.truth[i], [f.box for f in r.faces]) for i, r in enumerate(results))
    assert covered >= 0.95 * one_face_video.frames


def test_it_gives_two_faces_two_track_ids_that_stay_with_their_face(two_faces_video, shipped_classifier):
    results = _run(two_faces_video, shipped_classifier)
    # Which true face (by index) each track id overlapped, frame by frame.
    owners: dict[int, Counter] = defaultdict(Counter)
    for i, r in enumerate(results):
        for face in r.faces:
            for truth_index, truth_box in enumerate(two_faces_video.truth[i]):
                if matched([truth_box], [face.box]):
                    owners[face.track_number][truth_index] += 1
    assert len(owners) == 2, f"track ids: {dict(owners)}"
    assert sorted(next(iter(c)) for c in owners.values()) == [0, 1]
    assert all(len(c) == 1 for c in owners.values()), "a track jumped to the other face"


def test_it_classifies_each_face_at_the_configured_rate(one_face_video, shipped_classifier):
    results = _run(one_face_video, shipped_classifier)
    classified = sum(1 for r in results for f in r.faces if f.prediction is not None)
    seconds = one_face_video.frames / one_face_video.fps
    # 4 per second over 4 s of video (detection frames every 0.12 s bound the schedule).
    assert abs(classified - 4 * seconds) <= 2, classified
    prediction = next(f.prediction for r in results for f in r.faces if f.prediction is not None)
    assert set(prediction.scores) == {"angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"}


def test_it_ends_a_track_after_the_face_has_been_gone_a_while():
    tracker = IouTracker(max_missed_seconds=1.0)
    new, ended = tracker.update([(100, 100, 80, 80)], 0.0)
    assert [t.number for t in new] == [1] and ended == []
    _, ended = tracker.update([], 0.5)
    assert ended == []
    _, ended = tracker.update([], 1.2)
    assert [t.number for t in ended] == [1]
    new, _ = tracker.update([(100, 100, 80, 80)], 1.3)
    assert [t.number for t in new] == [2]


def test_it_resumes_from_its_saved_state_with_the_same_ids():
    tracker = IouTracker()
    tracker.update([(100, 100, 80, 80), (400, 100, 80, 80)], 0.0)
    tracker.update([(110, 100, 80, 80), (390, 100, 80, 80)], 0.1)
    copy = IouTracker()
    copy.restore(tracker.state())
    for t in (tracker, copy):
        t.update([(120, 100, 80, 80), (380, 100, 80, 80), (250, 300, 60, 60)], 0.2)
    assert tracker.state() == copy.state()
    assert [t.number for t in copy.tracks] == [1, 2, 3]
