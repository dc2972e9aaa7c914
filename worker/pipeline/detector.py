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

    def detect(self, image: np.ndarray) -> list[Detection]: ...


def _to_gray(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


class HaarFaceDetector:
    """OpenCV's Viola-Jones frontal-face cascade on a frame downscaled to `detection_width`."""

    name = "haar"

    def __init__(self, *, detection_width: int = 480, min_face_size: int = 24,
                 scale_factor: float = 1.1, min_neighbors: int = 5):
        path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
        self.cascade = cv2.CascadeClassifier(path)
        if self.cascade.empty():
            raise RuntimeError(f"cannot load the Haar cascade from {path}")
        self.detection_width = detection_width
        self.min_face_size = min_face_size
        self.scale_factor = scale_factor
        self.min_neighbors = min_neighbors

    def detect(self, image: np.ndarray) -> list[Detection]:
        gray = _to_gray(image)
        height, width = gray.shape[:2]
        scale = min(1.0, self.detection_width / float(width))
        small = cv2.resize(gray, (int(round(width * scale)), int(round(height * scale))),
                           interpolation=cv2.INTER_AREA) if scale < 1.0 else gray
        min_side = max(12, int(round(self.min_face_size * scale)))
        found = self.cascade.detectMultiScale(small, scaleFactor=self.scale_factor,
                                              minNeighbors=self.min_neighbors,
                                              minSize=(min_side, min_side))
        inv = 1.0 / scale
        return [Detection(int(round(x * inv)), int(round(y * inv)), int(round(w * inv)), int(round(h * inv)))
                for (x, y, w, h) in (found if len(found) else [])]


DETECTORS = ("auto", "haar")


def detector_create(name: str = "auto", *, detection_width: int = 480, min_face_size: int = 24) -> FaceDetector:
    if name in ("haar", "auto"):
        return HaarFaceDetector(detection_width=detection_width, min_face_size=min_face_size)
    raise ValueError(f"unknown face detector {name!r} (choose from {', '.join(DETECTORS)})")
