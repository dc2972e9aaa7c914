"""The active ModelVersion drives every classifier; the shipped model is the fallback."""
from __future__ import annotations

import shutil

import pytest
from django.conf import settings
from django.db import IntegrityError

from emotions.model_artifact import ArtifactError
from emotions.models import ModelVersion
from emotions.services.model_versions import (
    active_model_version_ensure,
    model_version_activate,
    model_version_register,
)
from worker.ml.active import get_active_classifier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_process_classifier")]


def test_it_registers_and_activates_the_shipped_model_when_none_exists():
    classifier = get_active_classifier()

    version = ModelVersion.objects.get()
    assert version.name == "shipped-fer-vgg-v2" and version.is_active  # named after the model: upgrades keep history
    assert version.artifact_dir == "worker/ml/shipped_model"  # relative: valid wherever the repo lives
    assert version.accuracy is not None and version.metrics
    assert classifier.model_version_id == version.pk
    assert get_active_classifier() is classifier  # loaded once per process


def test_it_keeps_one_active_version_when_switching(tmp_path):
    shipped = active_model_version_ensure()
    other_dir = shutil.copytree(settings.SHIPPED_MODEL_DIR, tmp_path / "other")
    other = model_version_register(name="other", artifact_dir=other_dir)
    assert not other.is_active

    model_version_activate(model_version=other)

    assert list(ModelVersion.objects.filter(is_active=True)) == [other]
    shipped.refresh_from_db()
    assert not shipped.is_active
    assert get_active_classifier().model_version_id == other.pk


def test_it_refuses_to_register_a_folder_without_a_model(tmp_path):
    with pytest.raises(ArtifactError, match=f"model artifact folder not found: {tmp_path / 'nope'}"):
        model_version_register(name="broken", artifact_dir=tmp_path / "nope")
    assert not ModelVersion.objects.exists()


def test_the_database_allows_only_one_active_version(tmp_path):
    active_model_version_ensure()
    with pytest.raises(IntegrityError):
        ModelVersion.objects.create(name="second", artifact_dir=str(tmp_path), is_active=True)
