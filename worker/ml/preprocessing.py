"""THE preprocessing: one function turns face crops into model input, for training and inference.

Training decodes every dataset image with `crops_to_gray` and scales it with
`to_model_input`; the classifier calls `preprocess_crops`, which is exactly
those two steps. The artifact's spec records the parameters (see SPEC).
"""
from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

MODEL_INPUT_SIZE = 48

# Written into every artifact's spec.json so a model always travels with the
# preprocessing it was trained with.
SPEC: dict = {
    "color": "gray",  # BGR/BGRA -> gray with OpenCV's weights; gray stays as is
    "input_size": MODEL_INPUT_SIZE,  # square, pixels
    "resize": "area when shrinking, linear when enlarging",
    "scale": "x / 255.0 (float32 in [0, 1])",
    "layout": "NHWC, 1 channel",
}


class PreprocessingError(ValueError):
    """A crop that cannot become model input (empty, wrong dtype or shape)."""


def crop_to_gray(crop: np.ndarray, size: int = MODEL_INPUT_SIZE) -> np.ndarray:
    """One crop (H, W), (H, W, 1), (H, W, 3) BGR or (H, W, 4) BGRA -> uint8 (size, size) gray."""
    if not isinstance(crop, np.ndarray):
        raise PreprocessingError(f"a crop must be a numpy array, got {type(crop).__name__}")
    if crop.dtype == np.uint16:
        # 16-bit PNGs: keep the top 8 bits.
        crop = (crop >> 8).astype(np.uint8)
    if crop.dtype != np.uint8:
        raise PreprocessingError(f"a crop must be uint8, got {crop.dtype}")
    if crop.ndim == 3 and crop.shape[2] == 1:
        crop = crop[:, :, 0]
    if crop.ndim == 3 and crop.shape[2] == 3:
        crop = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    elif crop.ndim == 3 and crop.shape[2] == 4:
        crop = cv2.cvtColor(crop, cv2.COLOR_BGRA2GRAY)
    if crop.ndim != 2:
        raise PreprocessingError(f"a crop must be (H, W) gray or (H, W, 3) BGR, got shape {crop.shape}")
    height, width = crop.shape
    if height == 0 or width == 0:
        raise PreprocessingError(f"empty crop, shape {crop.shape}")
    if (height, width) != (size, size):
        shrinking = height * width > size * size
        crop = cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
    return np.ascontiguousarray(crop)


def crops_to_gray(crops: Sequence[np.ndarray], size: int = MODEL_INPUT_SIZE) -> np.ndarray:
    """Crops of any size -> uint8 (N, size, size). Datasets are cached in this form."""
    out = np.empty((len(crops), size, size), dtype=np.uint8)
    for i, crop in enumerate(crops):
        out[i] = crop_to_gray(crop, size)
    return out


def to_model_input(gray: np.ndarray) -> np.ndarray:
    """uint8 (N, H, W) -> float32 (N, H, W, 1) in [0, 1]."""
    return (gray.astype(np.float32) * np.float32(1.0 / 255.0))[..., np.newaxis]


def preprocess_crops(crops: Sequence[np.ndarray], size: int = MODEL_INPUT_SIZE) -> np.ndarray:
    """THE preprocessing function: face crops (any size, BGR or gray uint8) -> model input."""
    return to_model_input(crops_to_gray(crops, size))


# Test-time augmentation: the extra views each mode scores besides the crop itself, as
# (zoom about the centre, mirrored). "hflip-zoom" adds a slightly closer crop, mirrored and not:
# face crops vary in how tight they are. Whether that helps depends on the model, so
# retrain measures every mode on its validation set (evaluate.choose_tta; docs/model.md).
TTA_ZOOM = 1.08
TTA_VIEWS: dict[str, tuple[tuple[float, bool], ...]] = {
    "none": (),
    "hflip": ((1.0, True),),
    "hflip-zoom": ((1.0, True), (TTA_ZOOM, False), (TTA_ZOOM, True)),
}


def tta_view(model_input: np.ndarray, zoom: float, mirrored: bool) -> np.ndarray:
    """Model input (N, H, W, 1) zoomed about the centre (>1: closer) and/or mirrored left-right."""
    view = model_input[:, :, ::-1, :] if mirrored else model_input
    if zoom != 1.0:
        height, width = view.shape[1:3]
        matrix = cv2.getRotationMatrix2D(((width - 1) / 2, (height - 1) / 2), 0, zoom)
        zoomed = [
            cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
            for image in view[..., 0]
        ]
        view = np.stack(zoomed)[..., np.newaxis] if zoomed else view
    return np.ascontiguousarray(view, dtype=np.float32)


def undo_class_weights(scores: np.ndarray, class_weights: Sequence[float] | None) -> np.ndarray:
    """Scores of a model trained with per-class loss weights -> scores for the natural mix of faces.

    Weighting class c's loss by w_c makes the softmax estimate ~ w_c * p(c | face), renormalised,
    so the rare classes the weights lift (disgust, surprise) are over-predicted. Dividing by w_c
    and renormalising undoes that. Nothing is fitted: w is what training used (spec.json
    "class_weights"). fer-vgg-v2 on PublicTest, one pass: accuracy 0.676 -> 0.681, macro-F1
    0.654 -> 0.666; with its TTA the two are within 0.1 point (docs/model.md).
    """
    if class_weights is None:
        return scores
    adjusted = np.asarray(scores, dtype=np.float32) / np.asarray(class_weights, dtype=np.float32)
    return adjusted / np.maximum(adjusted.sum(axis=1, keepdims=True), np.float32(1e-12))


def tta_scores(score_fn, model_input: np.ndarray, *, views: str = "hflip", below: float | None = None) -> np.ndarray:
    """Test-time augmentation: each face's scores averaged over the crop and its `views`.

    `score_fn` maps model input (N, H, W, 1) to scores (N, 7). With `below`, only faces
    whose first-pass top score is under it get the extra views: a confident first pass
    is rarely overturned by them, so this keeps most of TTA's accuracy at a fraction of
    its cost (figures in docs/model.md). `below=None` gives every face every view.
    """
    extra = TTA_VIEWS[views]
    scores = np.array(score_fn(model_input), dtype=np.float32)
    rows = np.arange(len(scores)) if below is None else np.flatnonzero(scores.max(axis=1) < below)
    if extra and rows.size:
        unsure = model_input[rows]
        more = np.asarray(score_fn(np.concatenate([tta_view(unsure, zoom, mirrored) for zoom, mirrored in extra])))
        scores[rows] = (scores[rows] + more.reshape(len(extra), rows.size, -1).sum(axis=0)) / (len(extra) + 1)
    return scores
