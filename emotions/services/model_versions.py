"""Registering trained emotion models and choosing the active one.

The classifier of every process loads the active ModelVersion's artifact; when
no version exists yet, the model shipped in the repo is registered and made
active, so a fresh install classifies without training.
"""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction

from emotions.models import ModelVersion
from worker.ml import artifact

SHIPPED_MODEL_NAME = "shipped"


def _stored_path(artifact_dir: Path) -> str:
    """Inside the project: relative, so the row stays valid when the checkout moves."""
    artifact_dir = Path(artifact_dir).resolve()
    try:
        return str(artifact_dir.relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(artifact_dir)


def model_version_artifact_path(*, model_version: ModelVersion) -> Path:
    path = Path(model_version.artifact_dir)
    return path if path.is_absolute() else Path(settings.BASE_DIR) / path


@transaction.atomic
def model_version_register(
    *,
    name: str,
    artifact_dir: Path,
    training_seconds: float | None = None,
    data_source: str = "",
    notes: str = "",
    activate: bool = False,
) -> ModelVersion:
    """A ModelVersion for an artifact folder; metrics come from its metrics.json (checked readable)."""
    spec = artifact.read_spec(Path(artifact_dir))
    metrics = artifact.read_metrics(Path(artifact_dir))
    headline = metrics.get(spec.get("default_variant", "float")) or metrics.get("float") or {}
    version = ModelVersion.objects.create(
        name=name,
        artifact_dir=_stored_path(Path(artifact_dir)),
        accuracy=headline.get("accuracy"),
        macro_f1=headline.get("macro_f1"),
        metrics=metrics,
        training_seconds=training_seconds if training_seconds is not None else spec.get("training", {}).get(
            "training_seconds"
        ),
        data_source=data_source or spec.get("training", {}).get("data_source", ""),
        notes=notes,
    )
    if activate:
        version = model_version_activate(model_version=version)
    return version


@transaction.atomic
def model_version_activate(*, model_version: ModelVersion) -> ModelVersion:
    """Make this the one active model (the unique constraint allows one; the old one is cleared first)."""
    artifact.read_spec(model_version_artifact_path(model_version=model_version))  # refuse a broken artifact
    ModelVersion.objects.select_for_update().filter(is_active=True).exclude(pk=model_version.pk).update(
        is_active=False
    )
    if not model_version.is_active:
        model_version.is_active = True
        model_version.save(update_fields=["is_active"])
    return model_version


@transaction.atomic
def active_model_version_ensure() -> ModelVersion:
    """The active ModelVersion; the shipped model, registered and activated, if none is active."""
    active = ModelVersion.objects.filter(is_active=True).first()
    if active is not None:
        return active
    shipped = ModelVersion.objects.filter(name=SHIPPED_MODEL_NAME).first()
    if shipped is None:
        shipped = model_version_register(
            name=SHIPPED_MODEL_NAME,
            artifact_dir=Path(settings.SHIPPED_MODEL_DIR),
            notes="The default model committed in worker/ml/shipped_model (see docs/model.md).",
        )
    return model_version_activate(model_version=shipped)
