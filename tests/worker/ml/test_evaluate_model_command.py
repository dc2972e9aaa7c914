"""`manage.py evaluate_model` prints the metrics.json numbers for any labelled folder."""
from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from emotions.labels import EMOTIONS


def test_it_prints_accuracy_per_class_and_confusion(folder_dataset, shipped_model_dir):
    out = io.StringIO()
    call_command("evaluate_model", "--data", str(folder_dataset), "--artifact", str(shipped_model_dir), stdout=out)

    text = out.getvalue()
    spec = json.loads((shipped_model_dir / "spec.json").read_text())
    tta = f"TTA {spec['tta']}" + (f" below {spec['tta_below']}" if spec.get("tta_below") else "")
    assert "accuracy" in text and "macro-F1" in text and f"(42 images, {tta})" in text
    assert "confusion matrix (rows: true, columns: predicted)" in text
    for label in EMOTIONS:
        assert f"  {label}" in text


def test_it_prints_json_for_each_variant(folder_dataset, shipped_model_dir):
    out = io.StringIO()
    call_command("evaluate_model", "--data", str(folder_dataset), "--artifact", str(shipped_model_dir), "--json",
                 stdout=out)

    result = json.loads(out.getvalue())
    spec = json.loads((shipped_model_dir / "spec.json").read_text())
    assert set(result["metrics"]) == set(spec["variants"])
    for metrics in result["metrics"].values():
        assert metrics["samples"] == 42
        assert sum(map(sum, metrics["confusion_matrix"]["rows_true_cols_predicted"])) == 42


@pytest.mark.django_db
def test_it_names_an_unknown_version(folder_dataset):
    with pytest.raises(CommandError, match="no ModelVersion named 'nope'"):
        call_command("evaluate_model", "--data", str(folder_dataset), "--version", "nope")


def test_it_names_a_missing_class_folder(tmp_path, shipped_model_dir):
    (tmp_path / "happy").mkdir()
    with pytest.raises(CommandError, match="lacks class folder"):
        call_command("evaluate_model", "--data", str(tmp_path), "--artifact", str(shipped_model_dir))
