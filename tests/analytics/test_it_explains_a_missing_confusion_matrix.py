"""An active model without a usable confusion matrix (no metrics.json, none stored, a singular one) gets a
200 saying why there is no corrected mix, on the API and the reports page; never a 5xx."""
import json
import shutil

import numpy as np
import pytest
from django.conf import settings

from emotions.labels import EMOTIONS
from tests.analytics.web_fixtures import museum, viewer_api, viewer_user  # noqa: F401
from tests.factories import ModelVersionFactory

pytestmark = pytest.mark.django_db
URL = "/api/analytics/corrected-mix/"


@pytest.fixture
def model_without_metrics(tmp_path):
    artifact = shutil.copytree(settings.SHIPPED_MODEL_DIR, tmp_path / "no-metrics")
    (artifact / "metrics.json").unlink()
    return ModelVersionFactory(name="no-metrics", artifact_dir=str(artifact), is_active=True, metrics={})


def test_the_api_says_the_model_has_no_metrics(viewer_api, museum, model_without_metrics):
    response = viewer_api.get(URL)
    assert response.status_code == 200
    answer = response.json()
    assert answer["status"] == "unavailable" and answer["detections"] is None
    assert answer["message"].startswith("No corrected mix: no-metrics has no metrics.json")
    assert "remeasure_model" in answer["message"]
    assert all(row["estimated_percent"] is None and row["recall"] is None for row in answer["emotions"])
    assert answer["model"] == {"name": "no-metrics", "confusion_matrix": None}


def test_a_singular_matrix_is_refused_with_its_reason(viewer_api, museum, model_without_metrics, tmp_path):
    counts = np.eye(7, dtype=int) * 50
    counts[EMOTIONS.index("fear")] = counts[EMOTIONS.index("sad")]
    metrics = {"int8": {"confusion_matrix": {"labels": list(EMOTIONS), "rows_true_cols_predicted": counts.tolist()}}}
    artifact = tmp_path / "no-metrics"
    (artifact / "metrics.json").write_text(json.dumps(metrics))
    answer = viewer_api.get(URL).json()
    assert answer["status"] == "unavailable" and "singular" in answer["message"]


def test_the_reports_page_shows_the_reason_instead_of_numbers(client, viewer_user, museum, model_without_metrics):
    client.force_login(viewer_user)
    response = client.get("/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="mix-notes" data-status="unavailable"' in html
    assert "No corrected mix: no-metrics has no metrics.json" in html
    assert client.get("/reports/corrected.csv").status_code == 200
