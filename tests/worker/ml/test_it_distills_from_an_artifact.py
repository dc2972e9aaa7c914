"""`retrain --distill-from ARTIFACT`: soft labels from the artifact's scores averaged over its four views.

The targets must be what the teacher computes with every test-time view (so the student learns
in one pass what the teacher needs four for), expressed in the student's training space (so
inference can divide the class weights out as for any run), cached for a resumed run, and
mixed with the labels by the weight asked for.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from worker.ml import distill
from worker.ml.classifier import EmotionClassifier
from worker.ml.preprocessing import to_model_input, tta_scores, undo_class_weights
from worker.ml.train import class_weights

from .conftest import face_like

SHIPPED = Path(settings.BASE_DIR) / "worker" / "ml" / "shipped_model"


def faces(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.stack([face_like(i % 7, rng) for i in range(n)])


def test_it_targets_the_teachers_four_view_scores_in_training_space(tmp_path):
    images = faces(40, seed=5)
    labels = np.arange(40) % 7
    weights = class_weights(np.concatenate([labels, np.zeros(30, dtype=int)]), 7)  # uneven, like FER-2013

    targets = distill.cached_teacher_targets(SHIPPED, images, weights, tmp_path, log=lambda _: None)

    teacher = EmotionClassifier(SHIPPED, variant="float", tta=False)
    four_views = tta_scores(teacher.predict_scores, to_model_input(images), views="hflip-zoom", below=None)
    assert targets.shape == (40, 7)
    np.testing.assert_allclose(targets.sum(axis=1), 1.0, atol=1e-5)
    # Dividing the student's class weights out again gives back the teacher's natural scores.
    np.testing.assert_allclose(undo_class_weights(targets, weights), four_views, atol=1e-5)
    # ... and the weights did move them: the rare classes are lifted in training space.
    assert not np.allclose(targets, four_views, atol=1e-3)


def test_it_reuses_the_cached_targets_on_resume(tmp_path, monkeypatch):
    images = faces(14, seed=6)
    weights = np.ones(7, dtype=np.float32)
    first = distill.cached_teacher_targets(SHIPPED, images, weights, tmp_path, log=lambda _: None)

    def must_not_run(*args, **kwargs):
        raise AssertionError("the teacher ran again although its targets were cached")

    monkeypatch.setattr(distill, "teacher_natural_scores", must_not_run)
    np.testing.assert_array_equal(distill.cached_teacher_targets(SHIPPED, images, weights, tmp_path), first)


def test_it_computes_again_when_the_cache_is_for_other_images(tmp_path):
    weights = np.ones(7, dtype=np.float32)
    distill.cached_teacher_targets(SHIPPED, faces(7, seed=7), weights, tmp_path, log=lambda _: None)
    again = distill.cached_teacher_targets(SHIPPED, faces(21, seed=7), weights, tmp_path, log=lambda _: None)
    assert again.shape == (21, 7)


def test_it_mixes_labels_and_teacher_by_the_weight():
    onehot = np.eye(7, dtype=np.float32)[[0, 3]]
    teacher = np.full((2, 7), 1 / 7, dtype=np.float32)
    mixed = distill.soft_targets(onehot, teacher, 0.7)
    np.testing.assert_allclose(mixed[0, 0], 0.3 + 0.7 / 7, rtol=1e-6)
    np.testing.assert_allclose(mixed.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(distill.soft_targets(onehot, teacher, 1.0), teacher)


@pytest.mark.django_db
def test_retrain_distils_and_records_the_teacher(folder_dataset, tmp_path):
    output = tmp_path / "student"
    call_command("retrain", "--data", str(folder_dataset), "--val-fraction", "0.3", "--epochs", "1",
                 "--distill-from", str(SHIPPED), "--distill-weight", "0.6", "--no-int8", "--tta", "none",
                 "--output", str(output), "--name", "student", "--no-cache", verbosity=0)

    assert (output / "checkpoints" / distill.TARGETS_FILE).is_file()
    config = json.loads((output / "spec.json").read_text())["training"]["config"]
    assert config["distill_from"] == str(SHIPPED) and config["distill_weight"] == 0.6


@pytest.mark.django_db
@pytest.mark.parametrize(
    "teacher, weight, message",
    [
        (SHIPPED, "0", "--distill-weight must be in"),
        (SHIPPED, "1.5", "--distill-weight must be in"),
        (SHIPPED, "-0.2", "--distill-weight must be in"),
        (None, "0.5", "--distill-from .*no model .tflite"),  # None: an empty folder
    ],
)
def test_the_command_refuses_a_bad_teacher_before_training(folder_dataset, tmp_path, teacher, weight, message):
    with pytest.raises(CommandError, match=message):
        call_command("retrain", "--data", str(folder_dataset), "--distill-from", str(teacher or tmp_path),
                     "--distill-weight", weight, "--epochs", "1", "--no-cache", verbosity=0)
    assert not (Path(settings.MODEL_ARTIFACTS_DIR) / "checkpoints").exists()
