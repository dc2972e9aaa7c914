"""Scores come back for the natural mix of faces: inference divides out training's class weights."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from emotions.labels import EMOTIONS
from worker.ml.classifier import EmotionClassifier
from worker.ml.preprocessing import undo_class_weights
from worker.ml.train import class_weights, class_weights_for_spec


def test_it_divides_the_weights_out_and_renormalises():
    scores = np.array([[0.2, 0.4, 0.1, 0.1, 0.1, 0.05, 0.05]], dtype=np.float32)
    weights = [1, 4, 1, 1, 1, 1, 1]

    adjusted = undo_class_weights(scores, weights)

    assert adjusted.sum() == pytest.approx(1.0)
    assert adjusted[0, 1] == pytest.approx(adjusted[0, 0] / 2)  # 0.4/4 against 0.2/1
    assert adjusted.argmax() == 0  # the over-weighted class no longer wins
    assert undo_class_weights(scores, None) is scores


def test_spec_weights_are_the_ones_training_used():
    labels = np.repeat(np.arange(7), [40, 4, 40, 70, 50, 50, 30])

    recorded = class_weights_for_spec(labels, 7)

    assert recorded == pytest.approx(class_weights(labels, 7).tolist(), rel=1e-5)
    assert max(recorded) == recorded[EMOTIONS.index("disgust")]


def test_the_classifier_applies_the_spec_weights(shipped_model_dir, tmp_path):
    without = shutil.copytree(shipped_model_dir, tmp_path / "without")
    spec = json.loads((without / "spec.json").read_text())
    weights = spec.pop("class_weights")
    (without / "spec.json").write_text(json.dumps(spec))
    faces = np.random.default_rng(3).integers(0, 255, (16, 48, 48, 1)).astype(np.float32) / 255

    corrected = EmotionClassifier(shipped_model_dir, tta=False).predict_scores(faces)
    raw = EmotionClassifier(without, tta=False).predict_scores(faces)

    np.testing.assert_allclose(corrected, undo_class_weights(raw, weights), rtol=1e-5, atol=1e-6)
    assert not np.allclose(corrected, raw)
