"""An upgrade that brings a new shipped model: it takes over, and old events keep their own model row."""
from __future__ import annotations

import pytest
from django.urls import reverse

from emotions.model_artifact import ArtifactError
from emotions.models import ModelVersion
from emotions.services.model_versions import model_version_activate
from tests.factories import EmotionEventFactory
from worker.ml.active import get_active_classifier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_process_classifier")]


@pytest.fixture
def previous_shipped():
    """What an install registered before the upgrade: a row for the same folder, another model's name."""
    return ModelVersion.objects.create(
        name="shipped", artifact_dir="worker/ml/shipped_model", is_active=True, accuracy=0.658,
        metrics={"int8": {"accuracy": 0.658}},
    )


def test_it_activates_the_new_shipped_model_and_keeps_the_old_row(previous_shipped):
    old_event = EmotionEventFactory(model_version=previous_shipped)

    classifier = get_active_classifier()

    current = ModelVersion.objects.get(is_active=True)
    assert current.name == "shipped-fer-vgg-v2" and classifier.model_version_id == current.pk
    previous_shipped.refresh_from_db()
    assert not previous_shipped.is_active and previous_shipped.accuracy == 0.658
    old_event.refresh_from_db()
    assert old_event.model_version == previous_shipped


def test_it_refuses_to_activate_the_replaced_model(previous_shipped):
    get_active_classifier()

    with pytest.raises(ArtifactError, match="shipped was replaced by shipped-fer-vgg-v2"):
        model_version_activate(model_version=previous_shipped)
    assert ModelVersion.objects.get(is_active=True).name == "shipped-fer-vgg-v2"


def test_admin_does_not_show_the_new_models_plots_for_the_old_row(previous_shipped, staff_client):
    get_active_classifier()

    page = staff_client.get(reverse("admin:emotions_modelversion_change", args=[previous_shipped.pk]))

    text = page.content.decode()
    assert "Not available: an upgrade replaced this shipped model's files with shipped-fer-vgg-v2" in text
    assert "data:image/png" not in text
