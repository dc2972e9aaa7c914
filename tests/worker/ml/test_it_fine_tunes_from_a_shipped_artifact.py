"""`retrain --init-from ARTIFACT` starts from the artifact's float .tflite, not from random weights.

The Keras network rebuilt from the .tflite (BatchNorm folded by the converter, unfolded again by
worker.ml.warm_start) must compute what the shipped classifier computes, or fine-tuning would start
from a different model than the one it claims to improve.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from worker.ml.classifier import EmotionClassifier
from worker.ml.preprocessing import to_model_input, undo_class_weights
from worker.ml.warm_start import WarmStartError, model_from_tflite

from .conftest import face_like

SHIPPED = Path(settings.BASE_DIR) / "worker" / "ml" / "shipped_model"


def faces(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.stack([face_like(i % 7, rng) for i in range(n)])


def test_it_rebuilds_the_shipped_network_exactly():
    model = model_from_tflite(SHIPPED, to_model_input(faces(256, seed=1)))
    model_input = to_model_input(faces(64, seed=2))
    classifier = EmotionClassifier(SHIPPED, variant="float", tta=False)

    rebuilt = undo_class_weights(np.asarray(model(model_input, training=False)), classifier.spec.get("class_weights"))
    shipped = classifier.predict_scores(model_input)

    assert np.abs(rebuilt - shipped).max() < 1e-4
    assert (rebuilt.argmax(axis=1) == shipped.argmax(axis=1)).all()


def test_it_gives_batchnorm_the_statistics_its_input_has():
    """In training mode a batch's own statistics replace the moving ones: they must agree, or fine-tuning jolts."""
    import keras

    model = model_from_tflite(SHIPPED, to_model_input(faces(512, seed=3)))
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dropout):
            layer.rate = 0.0
    model_input = to_model_input(faces(256, seed=3))
    inference = np.asarray(model(model_input, training=False))
    training = np.asarray(model(model_input, training=True))

    assert np.abs(inference - training).max() < 0.05


def test_it_refuses_a_folder_without_a_float_model(tmp_path):
    with pytest.raises(WarmStartError, match="model_float.tflite"):
        model_from_tflite(tmp_path, to_model_input(faces(8, seed=0)))


@pytest.mark.django_db
def test_the_command_refuses_a_bad_init_folder_before_training(folder_dataset, tmp_path):
    with pytest.raises(CommandError, match="no model_float.tflite"):
        call_command("retrain", "--data", str(folder_dataset), "--init-from", str(tmp_path), "--epochs", "1",
                     "--no-cache", verbosity=0)
    assert not (Path(settings.MODEL_ARTIFACTS_DIR) / "checkpoints").exists()


@pytest.mark.django_db
def test_the_command_refuses_cycles_with_a_time_budget(folder_dataset):
    with pytest.raises(CommandError, match="--cycle-epochs"):
        call_command("retrain", "--data", str(folder_dataset), "--cycle-epochs", "2", "--time-budget-minutes", "5",
                     "--epochs", "2", "--no-cache", verbosity=0)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["1.5", "-0.1"])
def test_the_command_refuses_a_camera_augment_outside_0_to_1(folder_dataset, value):
    with pytest.raises(CommandError, match="--camera-augment must be a probability"):
        call_command("retrain", "--data", str(folder_dataset), "--camera-augment", value, "--epochs", "1",
                     "--no-cache", verbosity=0)
