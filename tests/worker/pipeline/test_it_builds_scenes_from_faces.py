"""The scenes `evaluate_model --scenes` measures on: every face pasted once, where the ground truth says,
the same scenes for the same seed."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from worker.pipeline.scenes import FACE_SIDES, FRAME_SIZE, MAX_ROTATION, scenes_build


def distinct_faces(count: int, seed: int = 0) -> np.ndarray:
    """Smooth random 48x48 patterns, each unlike the others (blur and JPEG keep them apart)."""
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(0, 255, (count, 6, 6)).astype(np.float32)
    return np.stack([cv2.resize(c, (48, 48), interpolation=cv2.INTER_CUBIC) for c in coarse]).clip(0, 255).astype(np.uint8)


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.astype(np.float64).ravel(), b.astype(np.float64).ravel()
    return float(np.corrcoef(a, b)[0, 1])


def test_it_pastes_every_face_once_inside_camera_sized_frames():
    faces = distinct_faces(40)
    scenes = list(scenes_build(faces, seed=3))

    placed = sorted(f.face for scene in scenes for f in scene.faces)
    assert placed == list(range(40))
    width, height = FRAME_SIZE
    for scene in scenes:
        assert scene.image.shape == (height, width, 3) and scene.image.dtype == np.uint8
        assert 1 <= len(scene.faces) <= 3
        for face in scene.faces:
            x, y, side, side_again = face.box
            assert side == side_again and FACE_SIDES[0] <= side <= FACE_SIDES[1]
            assert 0 <= x and x + side <= width and 0 <= y and y + side <= height
            assert abs(face.angle) <= MAX_ROTATION
    sides = [f.box[2] for scene in scenes for f in scene.faces]
    assert min(sides) < 70 and max(sides) >= 120  # small and large faces both occur


@pytest.mark.parametrize("paste", ["ellipse", "square"])
def test_each_face_is_where_its_ground_truth_says(paste):
    faces = distinct_faces(30, seed=1)
    right = 0
    for scene in scenes_build(faces, seed=4, paste=paste):
        for face in scene.faces:
            x, y, side, _ = face.box
            crop = cv2.cvtColor(scene.image[y:y + side, x:x + side], cv2.COLOR_BGR2GRAY)
            # Undo the rotation, then compare the middle of the face with every source face.
            matrix = cv2.getRotationMatrix2D(((side - 1) / 2, (side - 1) / 2), -face.angle, 1.0)
            crop = cv2.resize(cv2.warpAffine(crop, matrix, (side, side)), (48, 48), interpolation=cv2.INTER_AREA)
            scores = [correlation(crop[12:36, 12:36], other[12:36, 12:36]) for other in faces]
            right += int(np.argmax(scores) == face.face)
    assert right >= 27  # of 30: lighting, blur, noise and JPEG change a face, not which one it is


def test_the_same_seed_gives_the_same_scenes():
    faces = distinct_faces(12)
    first = list(scenes_build(faces, seed=7))
    again = list(scenes_build(faces, seed=7))
    other = list(scenes_build(faces, seed=8))

    assert [s.faces for s in first] == [s.faces for s in again]
    assert all(np.array_equal(a.image, b.image) for a, b in zip(first, again))
    assert [s.faces for s in first] != [s.faces for s in other]


def test_it_refuses_an_unknown_paste_mode():
    with pytest.raises(ValueError, match="unknown paste mode 'cutout'"):
        next(scenes_build(distinct_faces(2), paste="cutout"))
