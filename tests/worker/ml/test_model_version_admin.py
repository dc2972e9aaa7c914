"""Staff see a version's metrics and plots in admin and can make it the active one."""
from __future__ import annotations

import shutil

import pytest
from django.conf import settings
from django.urls import reverse

from emotions.models import ModelVersion
from emotions.services.model_versions import active_model_version_ensure, model_version_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(tmp_path):
    shipped = active_model_version_ensure()
    candidate_dir = shutil.copytree(settings.SHIPPED_MODEL_DIR, tmp_path / "candidate")
    return shipped, model_version_register(name="candidate", artifact_dir=candidate_dir)


def test_it_shows_metrics_and_inline_plots(staff_client, two_versions):
    shipped, _ = two_versions

    page = staff_client.get(reverse("admin:emotions_modelversion_change", args=[shipped.pk])).content.decode()

    assert f"{shipped.accuracy:.4f}" in page
    assert "macro-F1" in page and "precision" in page
    if (settings.SHIPPED_MODEL_DIR / "confusion_matrix.png").exists():
        assert 'src="data:image/png;base64,' in page


def test_it_lists_versions_with_their_accuracy(staff_client, two_versions):
    page = staff_client.get(reverse("admin:emotions_modelversion_changelist")).content.decode()

    assert "candidate" in page and "shipped" in page


def test_make_active_switches_the_active_version(staff_client, two_versions):
    shipped, candidate = two_versions

    response = staff_client.post(
        reverse("admin:emotions_modelversion_changelist"),
        {"action": "make_active", "_selected_action": [candidate.pk]},
        follow=True,
    )

    assert "candidate is now the active model" in response.content.decode().lower()
    assert list(ModelVersion.objects.filter(is_active=True)) == [candidate]


def test_make_active_needs_exactly_one_version(staff_client, two_versions):
    shipped, candidate = two_versions

    response = staff_client.post(
        reverse("admin:emotions_modelversion_changelist"),
        {"action": "make_active", "_selected_action": [shipped.pk, candidate.pk]},
        follow=True,
    )

    assert "Select exactly one" in response.content.decode()
    assert list(ModelVersion.objects.filter(is_active=True)) == [shipped]
