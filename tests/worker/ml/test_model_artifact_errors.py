"""A missing or corrupt model artifact is an error that names the path."""
from __future__ import annotations

import json
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from emotions.model_artifact import ArtifactError
from worker.ml.classifier import EmotionClassifier


@pytest.fixture
def artifact_copy(shipped_model_dir, tmp_path):
    return shutil.copytree(shipped_model_dir, tmp_path / "model")


def test_it_names_a_missing_artifact_folder(tmp_path):
    with pytest.raises(ArtifactError, match=f"model artifact folder not found: {tmp_path / 'gone'}"):
        EmotionClassifier(tmp_path / "gone")


def test_it_names_a_missing_model_file(artifact_copy):
    for model_file in artifact_copy.glob("*.tflite"):
        model_file.unlink()

    with pytest.raises(ArtifactError, match=f"model file missing: {artifact_copy}/model_"):
        EmotionClassifier(artifact_copy)


def test_it_names_a_corrupt_model_file(artifact_copy):
    for model_file in artifact_copy.glob("*.tflite"):
        model_file.write_bytes(b"garbage, not a flatbuffer")

    with pytest.raises(ArtifactError, match=f"model file unusable: {artifact_copy}/model_"):
        EmotionClassifier(artifact_copy)


def test_it_names_a_corrupt_spec(artifact_copy):
    (artifact_copy / "spec.json").write_text("{not json")

    with pytest.raises(ArtifactError, match=f"unreadable: {artifact_copy}/spec.json"):
        EmotionClassifier(artifact_copy)


@pytest.mark.parametrize("change, message", [
    ({"tta": "sideways"}, "unknown tta 'sideways'"),
    ({"tta": "hflip", "tta_below": "high"}, "tta_below must be a score in (0, 1], got 'high'"),
    ({"tta": "hflip", "tta_below": 1.5}, "tta_below must be a score in (0, 1], got 1.5"),
    ({"class_weights": [1.0, 2.0]}, "class_weights must be 7 positive numbers, got [1.0, 2.0]"),
    ({"class_weights": [1, 1, 1, 0, 1, 1, 1]}, "class_weights must be 7 positive numbers, got [1, 1, 1, 0, 1, 1, 1]"),
])
def test_it_names_a_spec_with_an_unknown_tta_setting(artifact_copy, change, message):
    spec = json.loads((artifact_copy / "spec.json").read_text())
    (artifact_copy / "spec.json").write_text(json.dumps({**spec, **change}))

    with pytest.raises(ArtifactError) as raised:
        EmotionClassifier(artifact_copy)
    assert str(raised.value) == f"{artifact_copy}/spec.json: {message}"


def test_commands_turn_artifact_errors_into_command_errors(artifact_copy, tmp_path):
    (artifact_copy / "spec.json").unlink()

    with pytest.raises(CommandError, match=f"model artifact file missing: {artifact_copy}/spec.json"):
        call_command("classify_faces", str(tmp_path), "--artifact", str(artifact_copy))
