"""Events keep the model version that classified them: each version's detections are corrected with that
version's confusion matrix and the estimated true counts added up; a version without one falls back to
the active model's, and the answer says so."""
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.conf import settings

from emotions.labels import EMOTIONS
from emotions.mix_correction import confusion_from_counts, confusion_from_metrics, corrected_mix
from tests.analytics.web_fixtures import viewer_api, viewer_user  # noqa: F401
from tests.factories import EmotionEventFactory, LocationFactory, ModelVersionFactory

pytestmark = pytest.mark.django_db
URL = "/api/analytics/corrected-mix/"
ROME = ZoneInfo("Europe/Rome")
# An old model that read most sad faces as fear (and most fearful ones as surprise): its "fear" meant sad.
OLD_COUNTS = (np.eye(7) * 80 + 5).astype(int)
OLD_COUNTS[EMOTIONS.index("sad"), EMOTIONS.index("fear")] = 300
OLD_COUNTS[EMOTIONS.index("fear"), EMOTIONS.index("surprise")] = 300
OLD_METRICS = {"int8": {"confusion_matrix": {"labels": list(EMOTIONS), "rows_true_cols_predicted": OLD_COUNTS.tolist()},
                        "tta": "none"}}


def shipped_metrics() -> dict:
    return json.loads((settings.SHIPPED_MODEL_DIR / "metrics.json").read_text())


def events(version, labels: dict[str, int], location):
    for label, n in labels.items():
        for k in range(n):
            EmotionEventFactory(location=location, emotion=label, confidence=0.3 + 0.01 * k, model_version=version,
                                timestamp=datetime(2026, 11, 20, 10, k % 60, tzinfo=ROME))


@pytest.fixture
def two_models():
    active = ModelVersionFactory(name="new", artifact_dir=str(settings.SHIPPED_MODEL_DIR), is_active=True,
                                 metrics=shipped_metrics())
    old = ModelVersionFactory(name="old", artifact_dir="/nonexistent", metrics=OLD_METRICS)  # files long gone
    hall = LocationFactory(name="Hall")
    events(active, {"happy": 30, "neutral": 20, "sad": 10}, hall)
    events(old, {"happy": 10, "fear": 40, "sad": 10}, hall)
    return active, old


def test_each_version_is_corrected_with_its_own_matrix_and_the_counts_added(viewer_api, two_models):
    answer = viewer_api.get(URL).json()
    assert answer["status"] == "estimated" and answer["detections"] == 120
    assert {(m["name"], m["active"], m["detections"]) for m in answer["models"]} == {("new", True, 60), ("old", False, 60)}
    new_counts = np.array([0, 0, 0, 30, 20, 10, 0]); old_counts = np.array([0, 0, 40, 10, 0, 10, 0])
    expected = corrected_mix([(new_counts, confusion_from_metrics(shipped_metrics(), variant="int8")),
                              (old_counts, confusion_from_counts(OLD_COUNTS))])
    assert [row["estimated_percent"] for row in answer["emotions"]] == [round(s * 100, 1) for s in expected.shares]
    by_emotion = {row["emotion"]: row for row in answer["emotions"]}
    # The old model's "fear" was mostly sad faces: the estimate moves them back.
    assert by_emotion["Sad"]["estimated_percent"] > by_emotion["Sad"]["detected_percent"] + 10
    assert by_emotion["Fear"]["estimated_percent"] < by_emotion["Fear"]["detected_percent"] - 10
    assert answer["notes"] == []
    # The reliability shown is the active model's.
    assert by_emotion["Fear"]["recall"] == shipped_metrics()["int8"]["per_class"]["fear"]["recall"]


def test_a_version_without_a_matrix_is_corrected_with_the_active_ones_and_the_answer_says_so(viewer_api, two_models):
    _, old = two_models
    old.metrics = {}
    old.save()
    answer = viewer_api.get(URL).json()
    assert answer["status"] == "estimated"
    assert [(m["name"], m["detections"]) for m in answer["models"]] == [("new", 120)]
    assert answer["notes"] == ["60 detections of old were corrected with the active model's matrix "
                               "(old has no metrics.json: no confusion matrix to correct with)."]


def test_detections_without_a_recorded_version_use_the_active_matrix(viewer_api, two_models):
    events(None, {"angry": 7}, LocationFactory(name="Imported"))
    answer = viewer_api.get(URL).json()
    assert answer["detections"] == 127
    assert {m["name"]: m["detections"] for m in answer["models"]} == {"new": 67, "old": 60}
    assert answer["notes"] == ["7 detections without a recorded model version (imported, or from purged periods) "
                               "were corrected with the active model's matrix."]
    assert "detections without a recorded model (imported logs, purged periods) with the active model's" in (
        answer["method"])
