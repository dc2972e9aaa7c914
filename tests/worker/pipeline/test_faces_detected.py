"""Faces in generated video are found by the default detector, on the frames it runs on."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.conftest import require_service
from tests.worker.videos import FER2013_DIR, fer2013_faces, matched
from worker.pipeline import synthetic
from worker.pipeline.detector import detector_create
from worker.pipeline.sources import VideoFileReader


def test_it_finds_every_face_of_a_two_face_video(two_faces_video):
    detector = detector_create("haar", detection_width=480)
    reader = VideoFileReader(str(two_faces_video.path))
    true_faces = found = 0
    while (frame := reader.read()) is not None:
        if frame.index % 5:
            continue
        boxes = [d.box for d in detector.detect(frame.image)]
        truth = two_faces_video.truth[frame.index]
        true_faces += len(truth)
        found += matched(truth, boxes)
        # No face appears where there is none.
        assert len(boxes) <= len(truth) + 1
    reader.close()
    assert true_faces == 40
    assert found / true_faces >= 0.95


def test_it_finds_real_face_photos_from_fer2013():
    if not FER2013_DIR.is_dir():
        require_service(f"the fer2013 images beside the repo ({FER2013_DIR})")
    detector = detector_create("haar", detection_width=480)
    faces = fer2013_faces(12, "happy")
    found = 0
    for i, face in enumerate(faces):
        frame = synthetic.wall(seed=i)
        box = (200 + 7 * i, 120, 120, 120)
        synthetic.paste_face(frame, face, box)
        found += matched([box], [d.box for d in detector.detect(frame)])
    # 48x48 photos scaled up are hard for Haar; most must still be found.
    assert found >= 9, f"found {found} of 12"


def test_it_finds_nothing_on_an_empty_wall():
    detector = detector_create("haar")
    assert detector.detect(synthetic.wall(seed=5)) == []


def test_it_explains_blazeface_or_finds_the_astronaut():
    """BlazeFace is opt-in: with mediapipe's model file installed it must work, without it say why."""
    from worker.pipeline.detector import blazeface_model_path

    if blazeface_model_path("short") is None:
        with pytest.raises(RuntimeError, match="mediapipe==0.10.21"):
            detector_create("blazeface-short")
        return
    from skimage import data

    image = np.ascontiguousarray(data.astronaut()[:, :, ::-1])
    haar_box = detector_create("haar", detection_width=512).detect(image)[0].box
    found = detector_create("blazeface-short").detect(image)
    assert matched([haar_box], [d.box for d in found], threshold=0.5) == 1


def test_it_rejects_an_unknown_detector_name():
    with pytest.raises(ValueError, match="unknown face detector 'yolo'"):
        detector_create("yolo")


def test_it_detects_on_gray_frames_too():
    frame = cv2.cvtColor(synthetic.wall(seed=1), cv2.COLOR_BGR2GRAY)
    synthetic_face = cv2.cvtColor(synthetic.astronaut_face(), cv2.COLOR_BGR2GRAY)
    color = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    synthetic.paste_face(color, synthetic_face, (250, 100, 140, 140))
    gray = cv2.cvtColor(color, cv2.COLOR_BGR2GRAY)
    assert matched([(250, 100, 140, 140)], [d.box for d in detector_create("haar").detect(gray)]) == 1
