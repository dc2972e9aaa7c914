"""The active emotion model's measured figures, for the staff page "About the model".

Read-only: the active ModelVersion (or the shipped model when none is active yet) and
its artifact's metrics.json, as `retrain` / `evaluate_model` wrote them.
"""
from __future__ import annotations

from pathlib import Path

from django.conf import settings

from emotions.labels import EMOTIONS, legacy_name
from emotions.model_artifact import ArtifactError, read_metrics
from emotions.models import ModelVersion


def active_model_card() -> dict:
    version = ModelVersion.objects.filter(is_active=True).first()
    artifact_dir = Path(version.artifact_dir) if version else Path(settings.SHIPPED_MODEL_DIR)
    if not artifact_dir.is_absolute():
        artifact_dir = Path(settings.BASE_DIR) / artifact_dir
    try:
        metrics = read_metrics(artifact_dir)
    except (ArtifactError, OSError, ValueError):
        metrics = {}
    variants = []
    for variant in ("int8", "float"):
        measured = metrics.get(variant)
        if not isinstance(measured, dict):
            continue
        per_class = measured.get("per_class", {})
        variants.append({
            "variant": variant, "samples": measured.get("samples"), "accuracy": measured.get("accuracy"),
            "macro_f1": measured.get("macro_f1"),
            "classes": [{"label": legacy_name(label), **{k: per_class.get(label, {}).get(k)
                                                        for k in ("precision", "recall", "f1", "support")}}
                        for label in EMOTIONS],
        })
    return {"name": version.name if version else "shipped model (not yet registered)",
            "data_source": version.data_source if version else "", "variants": variants,
            "scenes": _scenes_card(metrics.get("scenes")),
            "smoothing_seconds": settings.EMOTION_SMOOTHING_SECONDS}


def _scenes_card(scenes) -> dict | None:
    """evaluate_model --scenes --record's headline: the same faces as crops and through the detector."""
    if not isinstance(scenes, dict) or not isinstance(scenes.get("end_to_end"), dict):
        return None
    rows = []
    for key, title in (("crop_level", "faces given as crops"), ("given_detected", "faces the detector found"),
                       ("end_to_end", "every face (a missed face counts as wrong)")):
        figures = scenes.get(key) or {}
        rows.append({"title": title, "accuracy": figures.get("accuracy"), "macro_f1": figures.get("macro_f1"),
                     "recall": [(figures.get("recall") or {}).get(label) for label in EMOTIONS]})
    recall = scenes.get("detection_recall")
    percent = round(recall * 100, 1) if isinstance(recall, (int, float)) else None
    return {"faces": scenes.get("faces"), "detection_recall": recall, "detection_percent": percent,
            "tta": scenes.get("tta"), "rows": rows,
            "labels": [legacy_name(label) for label in EMOTIONS]}
