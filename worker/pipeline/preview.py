"""The staff preview of a camera's view: every face blurred, the privacy zones drawn. No Django.

Built in memory from one frame and handed back as JPEG bytes; the caller keeps it
only in memory or in Redis with a short expiry (worker/preview_store.py). Faces are
found by a full-frame detection of its own (not the pipeline's motion-gated one), so
faces standing still in an exclude zone, which the pipeline never tracks, are
blurred too; each box is widened before blurring so hair and chin go as well.
"""
from __future__ import annotations

import cv2
import numpy as np

PREVIEW_WIDTH = 640
BLUR_MARGIN = 0.35  # each side of a face box, as a fraction of the box
ZONE_COLOURS = {"exclude": (40, 40, 220), "include": (60, 180, 60)}  # BGR


def _blur_box(image: np.ndarray, box: tuple[int, int, int, int]) -> None:
    x, y, w, h = box
    mx, my = int(w * BLUR_MARGIN), int(h * BLUR_MARGIN)
    height, width = image.shape[:2]
    x0, y0, x1, y1 = max(0, x - mx), max(0, y - my), min(width, x + w + mx), min(height, y + h + my)
    if x1 <= x0 or y1 <= y0:
        return
    region = image[y0:y1, x0:x1]
    # Pixelate to 6x6 blocks, then smooth: no detail of the face survives.
    small = cv2.resize(region, (6, 6), interpolation=cv2.INTER_AREA)
    image[y0:y1, x0:x1] = cv2.GaussianBlur(cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR),
                                           (0, 0), sigmaX=max(3.0, (x1 - x0) / 8))


def _draw_zones(image: np.ndarray, zones: list[dict]) -> None:
    height, width = image.shape[:2]
    overlay = image.copy()
    for zone in zones:
        points = np.array([[int(x * (width - 1)), int(y * (height - 1))] for x, y in zone["points"]], np.int32)
        colour = ZONE_COLOURS.get(zone["kind"], (200, 200, 200))
        cv2.fillPoly(overlay, [points], colour)
        cv2.polylines(image, [points], True, colour, 2)
    cv2.addWeighted(overlay, 0.3, image, 0.7, 0, dst=image)


def preview_jpeg(image: np.ndarray, *, face_boxes: list[tuple[int, int, int, int]], zones: list[dict]) -> bytes:
    """A JPEG of `image` scaled to PREVIEW_WIDTH with every face box blurred and the zones drawn."""
    frame = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    frame = frame.copy()
    for box in face_boxes:
        _blur_box(frame, box)
    scale = PREVIEW_WIDTH / frame.shape[1]
    if scale < 1.0:
        frame = cv2.resize(frame, (PREVIEW_WIDTH, int(round(frame.shape[0] * scale))), interpolation=cv2.INTER_AREA)
    _draw_zones(frame, zones)
    ok, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 80])
    if not ok:
        raise RuntimeError("could not encode the preview")
    return encoded.tobytes()
