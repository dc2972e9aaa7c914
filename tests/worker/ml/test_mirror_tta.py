"""Mirror test-time augmentation: every face, or only the faces the first pass is unsure of."""
from __future__ import annotations

import numpy as np

from worker.ml.preprocessing import mirror_tta


def fake_model(calls: list[int]):
    """Scores that depend on the left/right asymmetry of the input, so a mirror changes them."""

    def score_fn(model_input: np.ndarray) -> np.ndarray:
        calls.append(len(model_input))
        left = model_input[:, :, :24, 0].mean(axis=(1, 2))
        right = model_input[:, :, 24:, 0].mean(axis=(1, 2))
        confident = np.clip(0.5 + (left - right), 0.0, 1.0)
        rest = (1 - confident)[:, None] / 6 * np.ones((1, 6))
        return np.concatenate([confident[:, None], rest], axis=1).astype(np.float32)

    return score_fn


def batch() -> np.ndarray:
    x = np.zeros((3, 48, 48, 1), dtype=np.float32)
    x[0, :, :24] = 0.45  # left-bright: first pass says class 0 with 0.95
    x[1, :, :24] = 0.1  # nearly symmetric: first pass unsure (0.6)
    x[2, :, 24:] = 0.3  # right-bright: 0.2, unsure
    return x


def test_it_averages_every_face_with_its_mirror_by_default():
    calls: list[int] = []
    score_fn = fake_model(calls)
    x = batch()

    scores = mirror_tta(score_fn, x)

    expected = (score_fn(x) + score_fn(x[:, :, ::-1, :])) / 2
    np.testing.assert_allclose(scores, expected, atol=1e-6)
    assert calls[0] == 6  # one call with the batch and its mirrors


def test_it_mirrors_only_the_faces_whose_first_pass_is_unsure():
    calls: list[int] = []
    score_fn = fake_model(calls)
    x = batch()
    one_pass = score_fn(x)
    mirrored = score_fn(x[:, :, ::-1, :])
    calls.clear()

    scores = mirror_tta(score_fn, x, below=0.7)

    assert calls == [3, 2]  # first pass for all, mirror pass for the two unsure faces only
    np.testing.assert_allclose(scores[0], one_pass[0], atol=1e-6)
    np.testing.assert_allclose(scores[1:], (one_pass[1:] + mirrored[1:]) / 2, atol=1e-6)


def test_it_makes_no_second_pass_when_every_face_is_confident():
    calls: list[int] = []
    x = batch()[:1]

    mirror_tta(fake_model(calls), x, below=0.7)

    assert calls == [1]
