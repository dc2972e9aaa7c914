"""Test-time augmentation: the views each mode scores, for every face or only the unsure ones."""
from __future__ import annotations

import numpy as np
import pytest

from worker.ml.preprocessing import TTA_VIEWS, tta_scores, tta_view


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


def test_it_averages_every_face_with_its_mirror():
    calls: list[int] = []
    score_fn = fake_model(calls)
    x = batch()

    scores = tta_scores(score_fn, x, views="hflip")

    expected = (score_fn(x) + score_fn(x[:, :, ::-1, :])) / 2
    np.testing.assert_allclose(scores, expected, atol=1e-6)
    assert calls[:2] == [3, 3]  # the batch, then all its mirrors in one call


def test_it_gives_only_the_unsure_faces_the_extra_views():
    calls: list[int] = []
    score_fn = fake_model(calls)
    x = batch()
    one_pass = score_fn(x)
    mirrored = score_fn(x[:, :, ::-1, :])
    calls.clear()

    scores = tta_scores(score_fn, x, views="hflip", below=0.7)

    assert calls == [3, 2]  # first pass for all, mirror pass for the two unsure faces only
    np.testing.assert_allclose(scores[0], one_pass[0], atol=1e-6)
    np.testing.assert_allclose(scores[1:], (one_pass[1:] + mirrored[1:]) / 2, atol=1e-6)


def test_it_makes_no_second_pass_when_every_face_is_confident():
    calls: list[int] = []

    tta_scores(fake_model(calls), batch()[:1], views="hflip-zoom", below=0.7)

    assert calls == [1]


def test_hflip_zoom_averages_four_views_in_one_extra_call():
    calls: list[int] = []
    score_fn = fake_model(calls)
    x = batch()

    scores = tta_scores(score_fn, x, views="hflip-zoom")

    views = [x] + [tta_view(x, zoom, mirrored) for zoom, mirrored in TTA_VIEWS["hflip-zoom"]]
    np.testing.assert_allclose(scores, np.mean([score_fn(v) for v in views], axis=0), atol=1e-6)
    assert calls[:2] == [3, 9]


def test_a_zoomed_view_magnifies_the_centre():
    x = np.zeros((1, 48, 48, 1), dtype=np.float32)
    x[0, 20:28, 20:28] = 1.0  # an 8-px square in the middle

    closer = tta_view(x, 1.5, False)

    assert closer.shape == x.shape and closer.dtype == np.float32
    assert closer[0, :, :, 0].sum() == pytest.approx(x.sum() * 1.5**2, rel=0.1)
    assert closer[0, 23, 23, 0] == pytest.approx(1.0)


def test_none_is_a_single_pass():
    calls: list[int] = []
    x = batch()
    np.testing.assert_allclose(tta_scores(fake_model(calls), x, views="none"), fake_model([])(x))
    assert calls == [3]
