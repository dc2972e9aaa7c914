"""retrain's --tta auto: every TTA setting measured on the validation set, the cheapest good one chosen."""
from __future__ import annotations

import numpy as np

from worker.ml.evaluate import choose_tta


def labelled_faces(n: int = 40):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 255, (n, 48, 48), dtype=np.uint8)
    labels = rng.integers(0, 7, n)
    return images, labels


def test_it_chooses_one_pass_when_no_view_helps():
    images, labels = labelled_faces()
    truth = np.eye(7, dtype=np.float32)[labels] * 0.9 + 0.1 / 7

    def perfect_on_the_plain_crop(model_input):
        return truth[: len(model_input)] if len(model_input) == len(truth) else np.full((len(model_input), 7), 1 / 7)

    rows = choose_tta(perfect_on_the_plain_crop, images, labels, batch_size=1000)

    assert rows[0] == {"tta": "none", "tta_below": None, "accuracy": 1.0, "passes_per_face": 1.0}
    assert {(row["tta"], row["tta_below"]) for row in rows} >= {("hflip", None), ("hflip-zoom", 0.7)}


def test_it_chooses_extra_views_for_the_unsure_faces_when_they_fix_them():
    images, labels = labelled_faces()
    half = len(labels) // 2
    wrong = (labels + 1) % 7
    calls = []

    def views_fix_the_unsure_and_spoil_the_sure(model_input):
        # Plain crops: the first half unsure and wrong (0.4), the second half sure and right (0.9).
        # Every other view: the first half right, the second half wrong, both with 0.95.
        calls.append(len(model_input))
        scores = np.full((len(model_input), 7), 0.01, np.float32)
        rows = np.arange(len(labels))
        if len(calls) == 1:
            scores[rows[:half], wrong[:half]] = 0.4
            scores[rows[half:], labels[half:]] = 0.9
        else:
            scores[rows[:half], labels[:half]] = 0.95
            scores[rows[half:], wrong[half:]] = 0.95
        return scores

    rows = choose_tta(views_fix_the_unsure_and_spoil_the_sure, images, labels, batch_size=1000)

    assert calls[0] == len(labels) and len(calls) == 4  # the plain crops, then each distinct view once
    by_setting = {(row["tta"], row["tta_below"]): row for row in rows}
    assert by_setting[("none", None)]["accuracy"] == 0.5
    assert by_setting[("hflip-zoom", None)]["accuracy"] == 0.5  # every face: fixes half, spoils half
    assert by_setting[("hflip", 0.5)]["accuracy"] == 1.0
    # Several settings reach 1.0; the cheapest is chosen: one extra view for the unsure half.
    assert rows[0] == {"tta": "hflip", "tta_below": 0.5, "accuracy": 1.0, "passes_per_face": 1.5}
