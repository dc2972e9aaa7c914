"""The matrix is the one of the TTA the site runs: with EMOTION_MODEL_TTA=off, a one-pass matrix where
metrics.json has one; with `on` and a one-pass model, the mirror's; otherwise the default TTA's, and a
note says the correction is approximate."""
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


def _make_one_pass_model(artifact):
    """The copy as a model whose spec runs one pass, measured in one pass (as `retrain --tta none` writes)."""
    spec = json.loads((artifact / "spec.json").read_text())
    spec["tta"] = "none"
    spec.pop("tta_below", None)
    (artifact / "spec.json").write_text(json.dumps(spec))
    metrics = json.loads((artifact / "metrics.json").read_text())
    metrics["int8"]["tta"] = "none"
    (artifact / "metrics.json").write_text(json.dumps(metrics))


def test_tta_forced_on_for_a_one_pass_model_says_the_correction_is_approximate(settings, viewer_api, museum,
                                                                                active_copy):
    _make_one_pass_model(active_copy)
    assert viewer_api.get(URL).json()["notes"] == []  # as measured: nothing to say

    settings.EMOTION_MODEL_TTA = "on"  # the classifier now adds the mirror: the one-pass matrix no longer fits
    answer = viewer_api.get(URL).json()
    assert answer["status"] == "estimated"
    assert answer["notes"] == ["The site runs copy with test-time augmentation (hflip, EMOTION_MODEL_TTA=on), but "
                               "its confusion matrix was measured in one pass: the correction is approximate."]


def test_tta_forced_on_for_a_model_that_has_its_own_needs_no_note(settings, viewer_api, museum, active_copy):
    settings.EMOTION_MODEL_TTA = "on"  # the spec's own views: what its matrix was measured with
    assert viewer_api.get(URL).json()["notes"] == []
