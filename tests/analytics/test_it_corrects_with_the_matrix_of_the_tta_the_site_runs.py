"""The matrix is the one of the TTA the site runs: with EMOTION_MODEL_TTA=off, a one-pass matrix where
metrics.json has one; otherwise the default TTA's, and a note says the correction is approximate."""
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
def active_copy(tmp_path):
    artifact = shutil.copytree(settings.SHIPPED_MODEL_DIR, tmp_path / "model")
    ModelVersionFactory(name="copy", artifact_dir=str(artifact), is_active=True)
    return artifact


def test_the_default_tta_uses_the_default_matrix_without_a_note(viewer_api, museum, active_copy):
    answer = viewer_api.get(URL).json()
    tta = json.loads((active_copy / "metrics.json").read_text())["int8"]["tta"]
    assert answer["model"]["confusion_matrix"].endswith(f"(int8, TTA {tta})") and answer["notes"] == []


def test_one_pass_without_a_one_pass_matrix_says_the_correction_is_approximate(settings, viewer_api, museum,
                                                                             active_copy):
    settings.EMOTION_MODEL_TTA = "off"
    answer = viewer_api.get(URL).json()
    assert answer["status"] == "estimated"
    assert answer["notes"] == ["The site runs one pass per face (EMOTION_MODEL_TTA=off), but the model's confusion "
                               "matrix was measured with its test-time augmentation: the correction is approximate."]


def test_one_pass_uses_a_one_pass_matrix_where_there_is_one(settings, viewer_api, museum, active_copy):
    settings.EMOTION_MODEL_TTA = "off"
    metrics = json.loads((active_copy / "metrics.json").read_text())
    counts = (np.eye(7) * 300 + 20).astype(int).tolist()
    metrics["int8"]["by_tta"]["none"]["confusion_matrix"] = {"labels": list(EMOTIONS), "rows_true_cols_predicted": counts}
    (active_copy / "metrics.json").write_text(json.dumps(metrics))
    answer = viewer_api.get(URL).json()
    assert answer["model"]["confusion_matrix"] == "3,080 validation faces (int8, TTA none)" and answer["notes"] == []
    assert {row["emotion"]: row["recall"] for row in answer["emotions"]}["Fear"] == round(320 / 440, 4)
