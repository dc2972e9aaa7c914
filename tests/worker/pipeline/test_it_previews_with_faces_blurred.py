"""The staff preview from a real camera run: made only while staff ask, every face blurred (the
detector that finds both faces in the raw frame finds none in it), the zones drawn on it."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from cameras.preview_store import preview_get, preview_request
from tests.factories import CameraFactory
from worker.pipeline.detector import detector_create
from worker.pipeline.runner import camera_segment_run

pytestmark = pytest.mark.django_db
EXCLUDE_TOP_LEFT = [[0.0, 0.0], [0.3, 0.0], [0.3, 0.3], [0.0, 0.3]]


@pytest.fixture(autouse=True)
def memory_store(settings):
    settings.PRIVACY_PREVIEW_URL = "memory://"  # embedded mode: the camera runs in this process


def test_no_preview_is_made_unless_staff_ask(two_faces_video):
    camera = CameraFactory(source=str(two_faces_video.path))
    camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=60)
    assert preview_get(camera.pk) is None


def test_the_preview_blurs_every_face_and_draws_the_zones(two_faces_video):
    camera = CameraFactory(source=str(two_faces_video.path),
                           privacy_zones=[{"kind": "exclude", "points": EXCLUDE_TOP_LEFT}])
    preview_request(camera.pk)
    camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=60)
    jpeg = preview_get(camera.pk)
    assert jpeg is not None and jpeg.startswith(b"\xff\xd8\xff")
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    detector = detector_create("haar", detection_width=640, min_face_size=24)
    capture = cv2.VideoCapture(str(two_faces_video.path))
    _, raw = capture.read()
    capture.release()
    assert len(detector.detect(raw)) == 2 and detector.detect(image) == []
    # The exclude zone is tinted red (BGR), the rest of the wall is not.
    b, g, r = image[40, 40].astype(int)
    b2, g2, r2 = image[400, 600].astype(int)
    assert r - max(b, g) > 40 and r2 - max(b2, g2) < 40
