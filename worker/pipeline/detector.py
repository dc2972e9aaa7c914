"""Face detectors: boxes in full-frame pixels from a downscaled copy of the frame.

Plain OpenCV/numpy, no Django. `HaarFaceDetector` is the baseline (OpenCV's
frontal-face cascade, shipped inside opencv-python). `detector_create` picks
the detector named by a camera/command setting.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np


@dataclass(frozen=True)
class Detection:
    x: int
    y: int
    w: int
    h: int
    score: float = 1.0

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.w, self.h)


class FaceDetector(Protocol):
    name: str
    supports_regions: bool  # detect(image, regions=[...]) scans only those boxes

    def detect(self, image: np.ndarray) -> list[Detection]: ...


def _to_gray(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


class HaarFaceDetector:
    """OpenCV's Viola-Jones frontal-face cascade on a frame downscaled to `detection_width`."""

    name = "haar"

    def __init__(self, *, detection_width: int = 480, min_face_size: int = 24,
                 scale_factor: float = 1.2, min_neighbors: int = 4):
        # 1.2 / 4 rather than the prototype's 1.1 / 5: half the pyramid levels, and on the
        # benchmark frames it finds the same faces (docs/pipeline.md has the figures).
        path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
        self.cascade = cv2.CascadeClassifier(path)
        if self.cascade.empty():
            raise RuntimeError(f"cannot load the Haar cascade from {path}")
        self.detection_width = detection_width
        self.min_face_size = min_face_size
        self.scale_factor = scale_factor
        self.min_neighbors = min_neighbors

    supports_regions = True

    def detect(self, image: np.ndarray, regions: list[tuple[int, int, int, int]] | None = None,
               face_sizes: list[float | None] | None = None) -> list[Detection]:
        """Faces in the whole frame, or only inside `regions` (full-frame boxes); `face_sizes`, per
        region, the side of the face expected there (a tracked one), or None for any size."""
        gray = _to_gray(image)
        height, width = gray.shape[:2]
        scale = min(1.0, self.detection_width / float(width))
        min_side = max(12, int(round(self.min_face_size * scale)))
        found = []
        boxes = [(0, 0, width, height)] if regions is None else regions
        for (x0, y0, w0, h0), expected in zip(boxes, face_sizes or [None] * len(boxes)):
            x0, y0 = max(0, int(x0)), max(0, int(y0))
            x1, y1 = min(width, int(x0 + w0)), min(height, int(y0 + h0))
            # Crop first, then downscale only the crop.
            small_w, small_h = int(round((x1 - x0) * scale)), int(round((y1 - y0) * scale))
            if min(small_w, small_h) < min_side:
                continue
            area = gray[y0:y1, x0:x1]
            if scale < 1.0:
                area = cv2.resize(area, (small_w, small_h), interpolation=cv2.INTER_AREA)
            low, high = min_side, 0
            if expected:
                # A tracked face changes size little between two detections.
                low = max(min_side, int(expected * scale * 0.6))
                high = int(expected * scale * 1.6) + 1
            hits = self.cascade.detectMultiScale(area, scaleFactor=self.scale_factor, minNeighbors=self.min_neighbors,
                                                 minSize=(low, low), maxSize=(high, high))
            sx, sy = (x1 - x0) / float(small_w), (y1 - y0) / float(small_h)
            found.extend(Detection(int(round(x0 + x * sx)), int(round(y0 + y * sy)), int(round(w * sx)),
                                   int(round(h * sy))) for (x, y, w, h) in (hits if len(hits) else []))
        return found


DETECTORS = ("haar", "blazeface-short", "blazeface-full")


def detector_create(name: str = "haar", *, detection_width: int = 480, min_face_size: int = 24) -> FaceDetector:
    """The detector called `name` (settings.PIPELINE_DETECTOR, `--detector`)."""
    if name == "haar":
        return HaarFaceDetector(detection_width=detection_width, min_face_size=min_face_size)
    if name.startswith("blazeface-") and name.split("-", 1)[1] in BLAZEFACE_MODELS:
        return BlazeFaceDetector(variant=name.split("-", 1)[1], min_face_size=min_face_size)
    raise ValueError(f"unknown face detector {name!r} (choose from {', '.join(DETECTORS)})")


# ---- BlazeFace (MediaPipe's face detector) through the LiteRT runtime ----------------

# Model files as mediapipe 0.10.21 ships them, with their SSD anchor layout
# (MediaPipe's face_detection_*.pbtxt graphs): input side, strides, anchors per
# cell, and the score threshold the graphs use.
BLAZEFACE_MODELS = {
    "short": ("face_detection_short_range.tflite", 128, (8, 16, 16, 16), 0.5),
    "full": ("face_detection_full_range_sparse.tflite", 192, (4,), 0.6),
}


def blazeface_model_path(variant: str = "short") -> str | None:
    """The .tflite inside an installed mediapipe package, found without importing it.

    mediapipe itself is never imported (0.10.21 is built for numpy<2); only its
    bundled model file is read, by ai-edge-litert.
    """
    import importlib.util
    import os

    spec = importlib.util.find_spec("mediapipe")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = os.path.join(folder, "modules", "face_detection", BLAZEFACE_MODELS[variant][0])
        if os.path.isfile(path):
            return path
    return None


def _ssd_anchors(size: int, strides: tuple[int, ...]) -> np.ndarray:
    """Anchor centres (N, 2) in 0..1, MediaPipe's SsdAnchorsCalculator with fixed anchor size."""
    anchors = []
    i = 0
    while i < len(strides):
        stride = strides[i]
        per_cell = 0
        # Layers that share a stride share one grid: their anchors are interleaved per cell.
        while i < len(strides) and strides[i] == stride:
            per_cell += 2 if len(strides) > 1 else 1
            i += 1
        grid = int(np.ceil(size / stride))
        for y in range(grid):
            for x in range(grid):
                anchors.extend([((x + 0.5) / grid, (y + 0.5) / grid)] * per_cell)
    return np.array(anchors, dtype=np.float32)


class BlazeFaceDetector:
    """MediaPipe BlazeFace (short range: faces within ~2 m; full range: up to ~5 m).

    The frame is letterboxed to a square and resized to the model's input (128 or
    192 px), so its cost does not depend on the frame size.
    """

    supports_regions = False  # fixed cost per frame: scanning regions would not save anything

    def __init__(self, *, variant: str = "short", min_face_size: int = 24,
                 score_threshold: float | None = None, nms_threshold: float = 0.3, num_threads: int = 1):
        from ai_edge_litert.interpreter import Interpreter

        path = blazeface_model_path(variant)
        if path is None:
            raise RuntimeError("BlazeFace needs the mediapipe==0.10.21 package's model files "
                               "(pip install --no-deps -r requirements-detector.txt)")
        _, self.size, strides, default_threshold = BLAZEFACE_MODELS[variant]
        self.name = f"blazeface-{variant}"
        self.interpreter = Interpreter(model_path=path, num_threads=num_threads)
        self.interpreter.allocate_tensors()
        self.input_index = self.interpreter.get_input_details()[0]["index"]
        outputs = sorted(self.interpreter.get_output_details(), key=lambda d: -int(d["shape"][-1]))
        self.boxes_index, self.scores_index = outputs[0]["index"], outputs[1]["index"]
        self.anchors = _ssd_anchors(self.size, strides)
        self.min_face_size = min_face_size
        self.score_threshold = default_threshold if score_threshold is None else score_threshold
        # Detection scores as logits, so the threshold test needs no sigmoid over every anchor.
        self.logit_threshold = float(np.log(self.score_threshold / (1.0 - self.score_threshold)))
        self.nms_threshold = nms_threshold

    def detect(self, image: np.ndarray) -> list[Detection]:
        if image.ndim == 2:
            image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        height, width = image.shape[:2]
        side = max(width, height)
        # Resize first, pad second: the padding is cheaper at model size.
        scale = self.size / float(side)
        inner_w, inner_h = max(1, int(round(width * scale))), max(1, int(round(height * scale)))
        small = cv2.resize(image, (inner_w, inner_h), interpolation=cv2.INTER_AREA)
        off_x, off_y = (self.size - inner_w) // 2, (self.size - inner_h) // 2
        square = np.zeros((self.size, self.size, 3), dtype=np.uint8)
        square[off_y:off_y + inner_h, off_x:off_x + inner_w] = small
        model_input = cv2.cvtColor(square, cv2.COLOR_BGR2RGB).astype(np.float32) * (2.0 / 255.0) - 1.0
        self.interpreter.set_tensor(self.input_index, model_input[None])
        self.interpreter.invoke()
        logits = self.interpreter.get_tensor(self.scores_index)[0, :, 0]
        keep = np.flatnonzero(logits > self.logit_threshold)
        if keep.size == 0:
            return []
        raw = self.interpreter.get_tensor(self.boxes_index)[0, keep, :4] / self.size
        centres = self.anchors[keep] + raw[:, :2]
        sizes = raw[:, 2:4]
        # Model square (0..1) -> full-frame pixels.
        boxes = []
        for (cx, cy), (w, h) in zip(centres, sizes):
            x = (cx - w / 2) * self.size - off_x
            y = (cy - h / 2) * self.size - off_y
            boxes.append([x / scale, y / scale, w * self.size / scale, h * self.size / scale])
        scores = 1.0 / (1.0 + np.exp(-np.clip(logits[keep], -100, 100)))
        picked = cv2.dnn.NMSBoxes(boxes, scores.tolist(), self.score_threshold, self.nms_threshold)
        result = []
        for i in np.array(picked).reshape(-1):
            x, y, w, h = boxes[i]
            if min(w, h) < self.min_face_size:
                continue
            result.append(Detection(int(round(x)), int(round(y)), int(round(w)), int(round(h)), float(scores[i])))
        return result
