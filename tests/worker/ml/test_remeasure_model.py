"""`manage.py remeasure_model`: an older artifact gains the class weights and is measured again, untrained."""
from __future__ import annotations

import hashlib
import json
import shutil

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from emotions.labels import EMOTIONS
from worker.ml.train import class_weights_for_spec


@pytest.fixture
def older_artifact(shipped_model_dir, tmp_path):
    """The shipped model as retrain wrote it before spec.json recorded class weights."""
    folder = shutil.copytree(shipped_model_dir, tmp_path / "older")
    spec = json.loads((folder / "spec.json").read_text())
    for key in ("class_weights", "remeasured"):
        spec.pop(key, None)
    (folder / "spec.json").write_text(json.dumps(spec))
    return folder


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_it_adds_the_training_weights_and_rewrites_the_metrics(older_artifact, folder_dataset, capsys):
    models_before = {p.name: digest(p) for p in older_artifact.glob("*.tflite")}

    call_command("remeasure_model", "--artifact", str(older_artifact), "--data", str(folder_dataset),
                 "--add-class-weights")

    spec = json.loads((older_artifact / "spec.json").read_text())
    counts = spec["training"]["train_class_counts"]
    labels = np.repeat(np.arange(7), [counts[label] for label in EMOTIONS])
    assert spec["class_weights"] == class_weights_for_spec(labels, 7)
    assert spec["tta_choice"][0]["tta"] == spec["tta"] and spec["remeasured"]["tta_chosen_with"] == "float"
    metrics = json.loads((older_artifact / "metrics.json").read_text())
    assert set(metrics) == {"float", "int8"}  # no model.keras here, so no stale Keras row either
    for variant in metrics.values():
        assert variant["samples"] == 42 and variant["dataset"] == str(folder_dataset)
    assert {p.name: digest(p) for p in older_artifact.glob("*.tflite")} == models_before
    assert "rewrote" in capsys.readouterr().out


def test_it_needs_the_training_counts_to_add_weights(older_artifact, folder_dataset):
    spec = json.loads((older_artifact / "spec.json").read_text())
    del spec["training"]
    (older_artifact / "spec.json").write_text(json.dumps(spec))

    with pytest.raises(CommandError, match="no training class counts to weigh by"):
        call_command("remeasure_model", "--artifact", str(older_artifact), "--data", str(folder_dataset),
                     "--add-class-weights")


def test_it_names_a_missing_artifact_or_dataset(older_artifact, folder_dataset, tmp_path):
    with pytest.raises(CommandError, match=f"model artifact folder not found: {tmp_path / 'nope'}"):
        call_command("remeasure_model", "--artifact", str(tmp_path / "nope"), "--data", str(folder_dataset))
    with pytest.raises(CommandError, match="not found"):
        call_command("remeasure_model", "--artifact", str(older_artifact), "--data", str(tmp_path / "nodata"))
