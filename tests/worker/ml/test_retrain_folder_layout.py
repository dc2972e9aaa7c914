"""`manage.py retrain` on a class-folder tree: artifact folder + registered ModelVersion."""
from __future__ import annotations

import json

import numpy as np
import pytest
from django.core.management import call_command

from emotions.labels import EMOTIONS
from emotions.models import ModelVersion
from worker.ml.classifier import EmotionClassifier


@pytest.mark.slow
@pytest.mark.django_db
def test_it_trains_exports_and_registers_a_model_version(folder_dataset, tmp_path, capsys):
    output = tmp_path / "run"
    call_command(
        "retrain", "--data", str(folder_dataset), "--epochs", "1", "--batch-size", "8",
        "--output", str(output), "--name", "tiny-folder", "--activate", "--no-cache", verbosity=0,
    )

    for name in ("model.keras", "model_float.tflite", "spec.json", "labels.txt", "metrics.json",
                 "training_curves.png", "confusion_matrix.png", "checkpoints/state.json"):
        assert (output / name).is_file(), name
    spec = json.loads((output / "spec.json").read_text())
    assert spec["labels"] == list(EMOTIONS)
    assert spec["input_size"] == 48 and spec["tta"] == "hflip"
    metrics = json.loads((output / "metrics.json").read_text())
    assert {"keras", "float"} <= set(metrics)
    for variant in spec["variants"]:
        assert set(metrics[variant]["per_class"]) == set(EMOTIONS)
        assert len(metrics[variant]["confusion_matrix"]["rows_true_cols_predicted"]) == 7
        # Both TTA modes are measured; the headline figures are the spec's mode (hflip).
        assert set(metrics[variant]["by_tta"]) == {"hflip", "none"}
        assert metrics[variant]["by_tta"]["hflip"]["accuracy"] == metrics[variant]["accuracy"]
    # int8 is kept only within 1 point of float; either way the spec says what happened.
    assert ("int8" in spec["variants"]) == (output / "model_int8.tflite").exists()
    assert "int8" in spec["variants"] or "int8_rejected" in spec

    version = ModelVersion.objects.get(name="tiny-folder")
    assert version.is_active
    assert version.accuracy == metrics[spec["default_variant"]]["accuracy"]
    assert version.training_seconds > 0
    assert "faces" in version.data_source
    [prediction] = EmotionClassifier(output).classify([np.zeros((60, 50, 3), np.uint8)])
    assert prediction.label in EMOTIONS
    assert "ModelVersion 'tiny-folder'" in capsys.readouterr().out
