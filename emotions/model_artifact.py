"""The artifact folder a training run writes, and the checks that read it back.

Plain Python (no Django, no TensorFlow), like labels.py: training and the
classifier write and read it, and ModelVersion (its admin, its registration)
reads its spec, metrics and plots.

    spec.json            labels, input size, preprocessing, TTA, variants, training info
    labels.txt           one label per line, output order
    metrics.json         {variant: metrics} on the validation set
    model.keras          the trained Keras model (training stack only)
    model_float.tflite   float32 LiteRT model
    model_int8.tflite    int8 LiteRT model (only if within 1 point of float)
    training_curves.png, confusion_matrix.png, history.json
"""
from __future__ import annotations

import json
from pathlib import Path

from emotions.labels import EMOTIONS

SPEC_FILE = "spec.json"
LABELS_FILE = "labels.txt"
METRICS_FILE = "metrics.json"
HISTORY_FILE = "history.json"
KERAS_FILE = "model.keras"
CURVES_PNG = "training_curves.png"
CONFUSION_PNG = "confusion_matrix.png"
TFLITE_FILES = {"float": "model_float.tflite", "int8": "model_int8.tflite"}
FORMAT_VERSION = 1


class ArtifactError(Exception):
    """A model artifact that is missing or unusable; the message names the path."""


# EMOTION_MODEL_TTA -> what a classifier is told: None keeps the spec's own TTA, True/False force it on/off.
TTA_SETTING_FORCES = {"auto": None, "on": True, "off": False}


def running_tta_mode(spec_tta: str, forced: bool | None) -> str:
    """The test-time views a classifier runs (a TTA_VIEWS mode): the spec's own unless forced;
    forced on, the spec's views, or the mirror ("hflip") where the spec has none.

    EmotionClassifier runs by this rule, and the corrected mix picks the confusion matrix by it.
    """
    if forced is False:
        return "none"
    if forced and spec_tta == "none":
        return "hflip"
    return spec_tta


def write_json(path: Path, data) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def read_json(path: Path) -> dict:
    if not path.is_file():
        raise ArtifactError(f"model artifact file missing: {path}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArtifactError(f"model artifact file unreadable: {path} ({exc})") from exc


def write_spec(artifact_dir: Path, spec: dict) -> None:
    write_json(artifact_dir / SPEC_FILE, {"format_version": FORMAT_VERSION, **spec})
    (artifact_dir / LABELS_FILE).write_text("\n".join(spec["labels"]) + "\n", encoding="utf-8")


def read_spec(artifact_dir: Path) -> dict:
    """spec.json, checked: labels, input size, variants present on disk."""
    artifact_dir = Path(artifact_dir)
    if not artifact_dir.is_dir():
        raise ArtifactError(f"model artifact folder not found: {artifact_dir}")
    spec = read_json(artifact_dir / SPEC_FILE)
    labels = spec.get("labels")
    if not isinstance(labels, list) or sorted(labels) != sorted(EMOTIONS):
        raise ArtifactError(f"{artifact_dir / SPEC_FILE}: labels must be the 7 emotions, got {labels!r}")
    if not isinstance(spec.get("input_size"), int):
        raise ArtifactError(f"{artifact_dir / SPEC_FILE}: input_size missing")
    return spec


def read_metrics(artifact_dir: Path) -> dict:
    path = Path(artifact_dir) / METRICS_FILE
    return read_json(path) if path.exists() else {}


def tflite_path(artifact_dir: Path, variant: str) -> Path:
    if variant not in TFLITE_FILES:
        raise ArtifactError(f"unknown model variant {variant!r} (known: {', '.join(TFLITE_FILES)})")
    return Path(artifact_dir) / TFLITE_FILES[variant]


def available_variants(artifact_dir: Path) -> list[str]:
    return [v for v, name in TFLITE_FILES.items() if (Path(artifact_dir) / name).is_file()]
