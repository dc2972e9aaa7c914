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
    assert spec["input_size"] == 48
    # The loss weights training used, which inference divides back out of the scores
    # (this generated set is balanced: every class weighs the same).
    assert spec["class_weights"] == [1.0] * 7
    # TTA chosen on the validation split (--tta auto): the chosen row first, every mode measured.
    assert spec["tta_choice"][0]["tta"] == spec["tta"] and spec["tta_choice"][0]["tta_below"] == spec.get("tta_below")
    assert {row["tta"] for row in spec["tta_choice"]} == {"none", "hflip", "hflip-zoom"}
    metrics = json.loads((output / "metrics.json").read_text())
    assert {"keras", "float"} <= set(metrics)
    for variant in spec["variants"]:
        assert set(metrics[variant]["per_class"]) == set(EMOTIONS)
        assert len(metrics[variant]["confusion_matrix"]["rows_true_cols_predicted"]) == 7
        # With and without TTA are measured; the headline figures are the spec's mode.
        assert set(metrics[variant]["by_tta"]) == {spec["tta"], "none"}
        assert metrics[variant]["by_tta"][spec["tta"]]["accuracy"] == metrics[variant]["accuracy"]
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
