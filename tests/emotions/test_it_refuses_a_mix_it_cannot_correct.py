"""Input the correction cannot use gives a MixCorrectionError whose message says why, never a wrong number."""
import json

import numpy as np
import pytest
from django.conf import settings

from emotions.labels import EMOTIONS
from emotions.mix_correction import MixCorrectionError, confusion_from_counts, confusion_from_metrics, corrected_mix
from tests.emotions.mix_fixtures import blurry_confusion


def shipped_metrics() -> dict:
    return json.loads((settings.SHIPPED_MODEL_DIR / "metrics.json").read_text())


def test_it_says_there_is_nothing_to_correct_without_detections():
    with pytest.raises(MixCorrectionError, match="no detections"):
        corrected_mix([(np.zeros(7), blurry_confusion())])
    with pytest.raises(MixCorrectionError, match="no detections"):
        corrected_mix([])


def test_it_refuses_counts_that_are_not_seven_non_negative_numbers():
    for counts in ([1, 2, 3], [1, 2, 3, 4, 5, 6, -7], [1, 2, 3, 4, 5, 6, float("nan")]):
        with pytest.raises(MixCorrectionError, match="7 non-negative"):
            corrected_mix([(counts, blurry_confusion())])


def test_it_refuses_a_singular_matrix():
    counts = np.eye(7) * 100
    counts[1] = counts[0]  # disgust faces read exactly as angry ones: the two cannot be told apart
    with pytest.raises(MixCorrectionError, match="singular"):
        confusion_from_counts(counts)


def test_it_refuses_a_matrix_without_faces_of_some_class_or_of_the_wrong_shape():
    counts = np.eye(7) * 100
    counts[1] = 0
    with pytest.raises(MixCorrectionError, match="no Disgust faces"):
        confusion_from_counts(counts)
    with pytest.raises(MixCorrectionError, match="not 7 x 7"):
        confusion_from_counts(np.eye(6))
    with pytest.raises(MixCorrectionError, match="not the 7 emotions"):
        confusion_from_counts(np.eye(7), labels=[*EMOTIONS[:6], "contempt"])


def test_it_says_when_the_metrics_have_no_matrix():
    with pytest.raises(MixCorrectionError, match="model-x has no metrics.json"):
        confusion_from_metrics({}, variant="int8", source="model-x")
    with pytest.raises(MixCorrectionError, match="no figures for its int8 model"):
        confusion_from_metrics({"float": shipped_metrics()["float"]}, variant="int8", source="model-x")
    metrics = shipped_metrics()
    del metrics["int8"]["confusion_matrix"]
    with pytest.raises(MixCorrectionError, match="no confusion matrix for its int8 model"):
        confusion_from_metrics(metrics, variant="int8", source="model-x")


def test_it_reorders_the_matrix_to_the_emotions_order_and_prefers_a_per_tta_one():
    metrics = shipped_metrics()
    matrix = metrics["int8"]["confusion_matrix"]
    confusion = confusion_from_metrics(metrics, variant="int8")
    assert confusion.tta == metrics["int8"]["tta"]
    reversed_labels = {"labels": matrix["labels"][::-1],
                       "rows_true_cols_predicted": [row[::-1] for row in matrix["rows_true_cols_predicted"][::-1]]}
    again = confusion_from_metrics({"int8": {"confusion_matrix": reversed_labels}}, variant="int8")
    np.testing.assert_array_equal(again.counts, confusion.counts)
    # A one-pass matrix, where metrics.json has one, is the one for a site running without TTA.
    one_pass = {"labels": list(EMOTIONS), "rows_true_cols_predicted": (np.eye(7) * 50 + 5).astype(int).tolist()}
    metrics["int8"]["by_tta"]["none"]["confusion_matrix"] = one_pass
    chosen = confusion_from_metrics(metrics, variant="int8", tta="none")
    assert chosen.tta == "none" and chosen.counts[0, 0] == 55
    assert confusion_from_metrics(metrics, variant="int8", tta="hflip").tta == metrics["int8"]["tta"]


def test_it_refuses_a_matrix_of_fractions_or_labels_that_are_not_a_list():
    rates = np.full((7, 7), 0.4 / 6)
    np.fill_diagonal(rates, 0.6)
    with pytest.raises(MixCorrectionError, match="fractions, not counts"):
        confusion_from_counts(np.round(rates, 4))
    for labels in (None, "angry", 7):
        with pytest.raises(MixCorrectionError, match="not a list of the 7 emotions"):
            confusion_from_counts(np.eye(7) * 100, labels=labels)
