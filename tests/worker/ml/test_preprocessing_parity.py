"""Training and inference turn the same image into the same model input (one function)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from worker.ml.classifier import EmotionClassifier
from worker.ml.data import load_folder, read_image
from worker.ml.evaluate import predict_dataset
from worker.ml.preprocessing import PreprocessingError, preprocess_crops, to_model_input


def test_it_gives_training_and_inference_the_same_input(folder_dataset):
    dataset = load_folder(folder_dataset)  # the training path (files -> cached uint8 -> scaled)
    files = sorted((folder_dataset / "angry").iterdir())

    training_input = to_model_input(dataset.images[: len(files)])
    inference_input = preprocess_crops([read_image(path) for path in files])  # the classifier's path

    assert training_input.dtype == inference_input.dtype == np.float32
    assert training_input.shape == inference_input.shape == (len(files), 48, 48, 1)
    np.testing.assert_array_equal(training_input, inference_input)


def test_it_scores_the_same_in_evaluation_and_classify(folder_dataset, shipped_model_dir):
    dataset = load_folder(folder_dataset)
    classifier = EmotionClassifier(shipped_model_dir)

    evaluated = predict_dataset(classifier.predict_scores, dataset.images)  # the classifier applies TTA
    classified = [p.scores for p in classifier.classify(list(dataset.images))]

    np.testing.assert_allclose(evaluated, [[s[label] for label in classifier.labels] for s in classified], atol=1e-5)


def test_it_accepts_gray_bgr_bgra_of_any_size():
    gray = np.full((120, 90), 200, np.uint8)
    bgr = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    bgra = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGRA)
    tiny = np.full((10, 12, 1), 200, np.uint8)

    batch = preprocess_crops([gray, bgr, bgra, tiny])

    assert batch.shape == (4, 48, 48, 1)
    np.testing.assert_allclose(batch, 200 / 255, atol=1e-6)


@pytest.mark.parametrize(
    "crop, message",
    [
        (np.zeros((0, 10), np.uint8), "empty crop"),
        (np.zeros((10, 10), np.float32), "must be uint8"),
        (np.zeros((10, 10, 2), np.uint8), "shape"),
        ("not an array", "numpy array"),
    ],
)
def test_it_rejects_crops_it_cannot_use(crop, message):
    with pytest.raises(PreprocessingError, match=message):
        preprocess_crops([crop])
