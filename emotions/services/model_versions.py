"""Registering trained emotion models and choosing the active one.

The classifier of every process loads the active ModelVersion's artifact; when
no version exists yet, the model shipped in the repo is registered and made
active, so a fresh install classifies without training.

The shipped model's row is named after the model ("shipped-fer-vgg-v2"), not just
"shipped": an upgrade of the code can bring a new model into the same folder, and
events must keep pointing at the row (and metrics) of the model that made them.
"""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from emotions import model_artifact
from emotions.models import ModelVersion

SHIPPED_NAME_PREFIX = "shipped-"


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
    spec = model_artifact.read_spec(Path(artifact_dir))
    metrics = model_artifact.read_metrics(Path(artifact_dir))
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


def shipped_model_name() -> str:
    """The ModelVersion name of the model now in SHIPPED_MODEL_DIR: the prefix + its spec's name."""
    spec = model_artifact.read_spec(Path(settings.SHIPPED_MODEL_DIR))
    return SHIPPED_NAME_PREFIX + str(spec.get("name") or "model")


def model_version_files_replaced(*, model_version: ModelVersion) -> bool:
    """A row for the shipped folder whose model an upgrade has since replaced with another."""
    in_shipped_folder = model_version.artifact_dir == _stored_path(Path(settings.SHIPPED_MODEL_DIR))
    return in_shipped_folder and model_version.name != shipped_model_name()


@transaction.atomic
def model_version_activate(*, model_version: ModelVersion) -> ModelVersion:
    """Make this the one active model (the unique constraint allows one; the old one is cleared first)."""
    model_artifact.read_spec(model_version_artifact_path(model_version=model_version))  # refuse a broken artifact
    if model_version_files_replaced(model_version=model_version):
        # Its files are gone: activating it would run the new model under the old name.
        raise model_artifact.ArtifactError(
            f"{model_version.name} was replaced by {shipped_model_name()} in {model_version.artifact_dir}"
        )
    ModelVersion.objects.select_for_update().filter(is_active=True).exclude(pk=model_version.pk).update(
        is_active=False
    )
    if not model_version.is_active:
        model_version.is_active = True
        model_version.save(update_fields=["is_active"])
    return model_version


def active_model_version_ensure(*, attempts: int = 3) -> ModelVersion:
    """The active ModelVersion; the shipped model, registered and activated, if none is active
    or if the active one is an earlier shipped model that an upgrade replaced.

    Several camera workers start at once on a fresh install and race to register
    the shipped model: the loser's insert hits the unique name (or the one-active
    constraint) and simply tries again, finding the winner's row.
    """
    for attempt in range(attempts):
        try:
            return _active_model_version_ensure()
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _active_model_version_ensure() -> ModelVersion:
    active = ModelVersion.objects.filter(is_active=True).first()
    if active is not None and not model_version_files_replaced(model_version=active):
        return active
    name = shipped_model_name()
    shipped = ModelVersion.objects.filter(name=name).first()
    if shipped is None:
        shipped = model_version_register(
            name=name,
            artifact_dir=Path(settings.SHIPPED_MODEL_DIR),
            notes="The default model committed in worker/ml/shipped_model (see docs/model.md).",
        )
    return model_version_activate(model_version=shipped)
