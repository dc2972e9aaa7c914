"""Training augmentation keeps shape and range, and each part does what it says."""
from __future__ import annotations

import numpy as np
import tensorflow as tf

from worker.ml.augment import AugmentConfig, augment_batch

STILL = AugmentConfig(rotation_degrees=0, shift=0, zoom=0, brightness=0, contrast=0, erase_probability=0)


def faces(n: int = 16) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.random((n, 48, 48, 1)).astype(np.float32)


def test_it_keeps_shape_dtype_and_range():
    out = augment_batch(faces()).numpy()
    assert out.shape == (16, 48, 48, 1) and out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0


def test_with_every_range_at_zero_it_only_mirrors():
    x = faces()
    out = augment_batch(x, STILL).numpy()
    for original, got in zip(x, out):
        assert np.allclose(got, original, atol=1e-5) or np.allclose(got, original[:, ::-1], atol=1e-5)


def test_it_mirrors_about_half_of_the_faces():
    tf.random.set_seed(3)
    x = faces(200)
    out = augment_batch(x, STILL).numpy()
    mirrored = sum(not np.allclose(got, original, atol=1e-5) for original, got in zip(x, out))
    assert 60 < mirrored < 140


def test_erasing_replaces_one_patch_within_the_configured_area():
    x = np.full((32, 48, 48, 1), 0.5, np.float32)
    config = AugmentConfig(rotation_degrees=0, shift=0, zoom=0, brightness=0, contrast=0, erase_probability=1.0)
    out = augment_batch(x, config).numpy()
    changed = (np.abs(out - 0.5) > 1e-6).mean(axis=(1, 2, 3))
    # The patch covers 2-20% of the face, plus up to a pixel row and column of rounding.
    assert (changed > 0.01).all() and (changed <= 0.25).all()


def _sharpness(images: np.ndarray) -> np.ndarray:
    """Mean absolute difference between neighbouring pixels, per face: falls when a face is blurred or enlarged."""
    return np.abs(np.diff(images, axis=2)).mean(axis=(1, 2, 3))


def test_camera_effects_soften_the_faces_they_pick():
    from dataclasses import replace

    tf.random.set_seed(5)
    x = faces(200)
    out = augment_batch(x, replace(STILL, camera=1.0)).numpy()
    # Mirroring keeps sharpness, so any drop comes from the camera effects: every face gets the small-capture one.
    assert (_sharpness(out) < _sharpness(x) * 0.9).all()


def test_camera_effects_are_off_by_default():
    assert AugmentConfig().camera == 0.0
    x = faces(64)
    out = augment_batch(x, STILL).numpy()
    assert np.allclose(_sharpness(out), _sharpness(x), atol=1e-5)
