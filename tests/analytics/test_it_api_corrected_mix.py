"""GET /api/analytics/corrected-mix/: the selection's estimated true mix beside its detected one, with the
summary's filters (no threshold: every detection counts), for staff and viewers; bad parameters are 400s."""
import json

import numpy as np
import pytest
from django.conf import settings
from rest_framework.test import APIClient

from emotions.labels import EMOTIONS
from emotions.mix_correction import confusion_from_metrics, corrected_mix
from tests.analytics.web_fixtures import MUSEUM_EVENTS, museum, viewer_api, viewer_user  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/api/analytics/corrected-mix/"


def detected(events) -> np.ndarray:
    return np.array([sum(1 for e in events if e[2] == label) for label in EMOTIONS], dtype=float)


def test_it_corrects_every_detection_of_the_selection_with_the_active_models_matrix(viewer_api, museum):
    answer = viewer_api.get(URL).json()
    assert answer["status"] == "estimated" and answer["detections"] == len(MUSEUM_EVENTS)  # below 0.6 too
    assert [row["emotion"] for row in answer["emotions"]] == [e.capitalize() for e in EMOTIONS]
    # The same numbers as the estimator on the same counts and the shipped model's int8 matrix.
    metrics = json.loads((settings.SHIPPED_MODEL_DIR / "metrics.json").read_text())
    expected = corrected_mix([(detected(MUSEUM_EVENTS), confusion_from_metrics(metrics, variant="int8"))])
    for i, row in enumerate(answer["emotions"]):
        assert row["detections"] == expected.detections[i]
        assert row["estimated_percent"] == round(expected.shares[i] * 100, 1)
        assert (row["low_percent"], row["high_percent"]) == (round(expected.low[i] * 100, 1),
                                                             round(expected.high[i] * 100, 1))
        assert row["low_percent"] <= row["estimated_percent"] <= row["high_percent"]
        assert row["recall"] == metrics["int8"]["per_class"][EMOTIONS[i]]["recall"] and row["note"]
    assert abs(sum(row["estimated_percent"] for row in answer["emotions"]) - 100) < 0.5
    assert answer["models"][0]["confusion_matrix"].startswith("3,589 validation faces (int8, TTA")
    assert answer["level"] == 0.9 and "bootstrap" in answer["method"]


def test_it_applies_the_summarys_filters(viewer_api, museum):
    answer = viewer_api.get(URL, {"location_id": museum.hall.pk, "since": "2026-11-21"}).json()
    hall_from_21st = [e for e in MUSEUM_EVENTS if e[1] == "hall" and e[0] >= "2026-11-21"]
    assert answer["detections"] == len(hall_from_21st) == 3
    assert [row["detections"] for row in answer["emotions"]] == detected(hall_from_21st).tolist()


def test_it_answers_no_data_with_the_models_notes_and_no_numbers(viewer_api, museum):
    answer = viewer_api.get(URL, {"since": "2026-11-23"}).json()
    assert answer["status"] == "no_data" and answer["detections"] is None and answer["models"] == []
    assert all(row["estimated_percent"] is None and row["note"] for row in answer["emotions"])


@pytest.mark.parametrize("params, name", [
    ({"threshold": "0.6"}, "threshold"),  # every detection counts: a threshold would be silently ignored
    ({"since": "yesterday"}, "since"),
    ({"since": "2026-11-22", "until": "2026-11-21"}, "until"),
    ({"location": "Nowhere"}, "location"),
    ({"camera": "0"}, "camera"),
    ({"exhibit": "999999"}, "exhibit"),
    ({"fill_zeros": "true"}, "fill_zeros"),
])
def test_it_refuses_a_bad_parameter_with_a_400_naming_it(viewer_api, museum, params, name):
    response = viewer_api.get(URL, params)
    assert response.status_code == 400 and list(response.json()) == [name]


def test_it_is_for_signed_in_readers_only(museum):
    assert APIClient().get(URL).status_code == 401
