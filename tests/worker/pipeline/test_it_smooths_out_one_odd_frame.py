"""One odd frame inside a steady track does not become an event with the odd label.

A real face photo (FER-2013, beside the repo) the shipped model reads as happy stands in front
of the camera for 3 s at 10 frames a second; on one classified frame, 2 s in, another photo
the model reads as something else with high confidence takes its place. Through the real
detector, tracker, classifier and recorder: with smoothing off that frame is logged with the
odd label, as before; with the default window (1 s) every event of the track is happy, at the
same times, and the visit is the same.
"""
from __future__ import annotations

import cv2
import pytest

from tests.conftest import require_service
from tests.worker.pipeline.smoothing_runs import frames_at, recorded
from tests.worker.videos import FER2013_DIR
from worker.pipeline import synthetic
from worker.pipeline.detector import detector_create
from worker.pipeline.pipeline import FacePipeline

BOX = (260, 140, 120, 120)
FPS = 10.0


def _pipeline(classifier, smoothing_seconds: float) -> FacePipeline:
    """As pipeline_for_camera builds it for a camera with the default settings."""
    return FacePipeline(detector=detector_create("haar", detection_width=480), classifier=classifier,
                        detect_every=3, classify_interval=0.25, analysis_fps=FPS,
                        smoothing_seconds=smoothing_seconds)


def _scene(face):
    frame = synthetic.wall(seed=3)
    synthetic.paste_face(frame, face, BOX)
    return frame


def _surest(classifier, emotion: str, *, reading_not: str | None = None):
    """Of the first 30 training photos of `emotion`, the scene the model reads most surely as one label
    (`emotion` itself, or anything but `reading_not`), and that reading."""
    best = None
    for path in sorted((FER2013_DIR / "train" / emotion).glob("*.jpg"))[:30]:
        scene = _scene(cv2.imread(str(path), cv2.IMREAD_GRAYSCALE))
        faces = [f for f in _pipeline(classifier, 0.0).process(next(frames_at([scene], fps=FPS))).faces
                 if f.prediction is not None]
        if len(faces) != 1:
            continue
        p = faces[0].prediction
        wanted = p.label != reading_not if reading_not else p.label == emotion
        if wanted and (best is None or p.confidence > best[1].confidence):
            best = (scene, p)
    assert best is not None and best[1].confidence > 0.7, f"no photo of {emotion} read surely: {best}"
    return best


@pytest.fixture(scope="module")
def scenes(shipped_classifier):
    if not (FER2013_DIR / "train").is_dir():
        require_service(f"the fer2013 images beside the repo ({FER2013_DIR})")
    happy, _ = _surest(shipped_classifier, "happy")
    odd, reading = _surest(shipped_classifier, "fear", reading_not="happy")
    return happy, odd, reading.label


def test_one_odd_frame_is_not_logged_with_its_label(scenes, shipped_classifier):
    happy, odd, odd_label = scenes
    steady = recorded(_pipeline(shipped_classifier, 0.0), frames_at([happy] * 30, fps=FPS))
    # The odd photo replaces the steady one on a classified frame about 2 s in.
    times = sorted(at for at, _ in steady.raw)
    odd_at = min(times, key=lambda at: abs((at - times[0]).total_seconds() - 2.0))
    odd_index = round((odd_at - times[0]).total_seconds() * FPS)
    images = [odd if i == odd_index else happy for i in range(30)]

    before = recorded(_pipeline(shipped_classifier, 0.0), frames_at(images, fps=FPS))
    after = recorded(_pipeline(shipped_classifier, 1.0), frames_at(images, fps=FPS))

    # Without smoothing the odd frame is an event with the odd label (the model does misread it).
    assert [e.emotion for e in before.events].count(odd_label) == 1
    assert {e.emotion for e in before.events} == {"happy", odd_label}
    # With it, every event of the track is happy; the odd reading only lowers that moment's confidence.
    assert {e.emotion for e in after.events} == {"happy"}
    odd_event = next(e for e in after.events if e.timestamp == odd_at)
    assert odd_event.scores[odd_label] > before.events[0].scores[odd_label]
    assert odd_event.confidence < min(e.confidence for e in after.events if e.timestamp != odd_at)
    # The same events at the same times (the frames' own), the first one as the classifier read it.
    assert [e.timestamp for e in after.events] == [e.timestamp for e in before.events]
    assert after.events[0].timestamp == times[0]
    assert after.events[0].scores == before.events[0].scores
    # The visit keeps the mean of the classifier's own scores and its vote: smoothing does not change it.
    assert after.visits == before.visits and len(after.visits) == 1
    assert after.visits[0].mean_scores[odd_label] > steady.visits[0].mean_scores[odd_label]
