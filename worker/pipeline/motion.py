"""Where to look for faces: what moved since the last detection, and around known faces.

Museum cameras look at a still room; a face that is not already tracked must
have moved to get there. So on most detection frames the detector scans only
(a) the regions that changed since the previous detection frame and (b) a
margin around every tracked face, and the whole frame only when a camera's
pipeline starts and every `full_scan_seconds` (someone who walked in while the
worker was down and now stands still). Segment boundaries do not reset it: a
resumed segment gets the same decisions as an uninterrupted run (`state`,
`restore`, `warm`), so where segments end never changes what is found. Plain numpy/OpenCV; the only image kept is the
previous detection frame's 160-px thumbnail, in memory, never stored.
"""
from __future__ import annotations

import cv2
import numpy as np

Box = tuple[int, int, int, int]

THUMB_WIDTH = 160


def thumbnail(gray: np.ndarray) -> np.ndarray:
    height, width = gray.shape[:2]
    thumb_h = max(1, int(round(height * THUMB_WIDTH / width)))
    small = cv2.resize(gray, (THUMB_WIDTH, thumb_h), interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small, (3, 3), 0)


def moved_regions(previous: np.ndarray, current: np.ndarray, frame_width: int,
                  *, threshold: int = 20, min_pixels: int = 6) -> list[Box]:
    """Boxes (full-frame pixels) around what changed between two thumbnails."""
    diff = cv2.absdiff(previous, current)
    mask = cv2.dilate((diff > threshold).astype(np.uint8), np.ones((3, 3), np.uint8), iterations=2)
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    scale = frame_width / float(current.shape[1])
    boxes = []
    for x, y, w, h, area in stats[1:count]:
        if area >= min_pixels:
            boxes.append((int(x * scale), int(y * scale), int(np.ceil(w * scale)), int(np.ceil(h * scale))))
    return boxes


def grow(box, margin: float, min_side: int = 0) -> Box:
    x, y, w, h = box
    pad_x = max(w * margin, (min_side - w) / 2.0, 0.0)
    pad_y = max(h * margin, (min_side - h) / 2.0, 0.0)
    return (int(x - pad_x), int(y - pad_y), int(w + 2 * pad_x), int(h + 2 * pad_y))


def clip(box: Box, width: int, height: int) -> Box | None:
    x0, y0 = max(0, box[0]), max(0, box[1])
    x1, y1 = min(width, box[0] + box[2]), min(height, box[1] + box[3])
    if x1 <= x0 or y1 <= y0:
        return None
    return (x0, y0, x1 - x0, y1 - y0)


def merge(boxes: list[Box]) -> list[Box]:
    """Union overlapping boxes until none overlap (a few boxes a frame: quadratic is fine)."""
    boxes = list(boxes)
    merged = True
    while merged:
        merged = False
        out: list[Box] = []
        for b in boxes:
            for i, o in enumerate(out):
                if b[0] < o[0] + o[2] and o[0] < b[0] + b[2] and b[1] < o[1] + o[3] and o[1] < b[1] + b[3]:
                    x0, y0 = min(b[0], o[0]), min(b[1], o[1])
                    x1, y1 = max(b[0] + b[2], o[0] + o[2]), max(b[1] + b[3], o[1] + o[3])
                    out[i] = (x0, y0, x1 - x0, y1 - y0)
                    merged = True
                    break
            else:
                out.append(b)
        boxes = out
    return boxes


def refresh_box(box, min_face_size: int) -> Box:
    """Where to look again for a tracked face: half a face around it covers its movement since its
    last detection, and gives the cascade the context it needs at the crop's edge (at least 96 px)."""
    side = max(2 * min_face_size, 48)
    return grow(tuple(int(v) for v in box), 0.5, max(side, 96))


class SearchPlanner:
    """Decides, per detection frame, the regions to scan (None = the whole frame)."""

    def __init__(self, *, full_scan_seconds: float = 2.0, min_face_size: int = 24, max_fraction: float = 0.8):
        self.full_scan_seconds = full_scan_seconds
        self.min_face_size = min_face_size
        self.max_fraction = max_fraction
        self.reset()

    def reset(self) -> None:
        """Forget the last thumbnail: the next detection frame scans everything (a fresh pipeline)."""
        self._previous: np.ndarray | None = None   # thumbnail of the last detection frame
        self._last_frame: np.ndarray | None = None  # thumbnail of the last frame
        self._last_full: float | None = None
        self.full_scans = 0
        self.partial_scans = 0

    def state(self) -> dict:
        """What a resumed segment needs besides the thumbnails (rebuilt from the file: `warm`)."""
        return {"last_full": self._last_full, "full_scans": self.full_scans, "partial_scans": self.partial_scans}

    def restore(self, state: dict) -> None:
        self.reset()
        last_full = state.get("last_full")
        self._last_full = float(last_full) if last_full is not None else None
        self.full_scans = int(state.get("full_scans", 0))
        self.partial_scans = int(state.get("partial_scans", 0))

    def warm(self, gray: np.ndarray, *, detection_frame: bool) -> None:
        """Take in a frame already processed before a resume point, as `regions`/`newcomers` did,
        so the resumed planner decides exactly as the uninterrupted one would."""
        current = thumbnail(gray)
        self._last_frame = current
        if detection_frame:
            self._previous = current

    def _untracked_changes(self, previous, current, width: int, track_boxes: list) -> list[Box]:
        """Changed regions, except those centred on a tracked face (that face moving)."""
        side = max(2 * self.min_face_size, 48)
        tracked = [grow(tuple(int(v) for v in b), 0.5, side) for b in track_boxes]
        fresh = []
        for box in moved_regions(previous, current, width):
            if max(box[2], box[3]) < self.min_face_size:
                continue
            cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
            if any(t[0] <= cx <= t[0] + t[2] and t[1] <= cy <= t[1] + t[3] for t in tracked):
                continue
            fresh.append(grow(box, 0.05, side))
        return fresh

    def regions(self, gray: np.ndarray, seconds: float, track_boxes: list, refresh_boxes: list) -> list[Box] | None:
        """A detection frame: new changes, plus the tracked faces that need a fresh box now
        (`refresh_boxes`: those due for classification; the others follow their velocity)."""
        height, width = gray.shape[:2]
        current = thumbnail(gray)
        previous, self._previous, self._last_frame = self._previous, current, current
        if previous is None or self._last_full is None or seconds - self._last_full >= self.full_scan_seconds:
            self._last_full = seconds
            self.full_scans += 1
            return None
        side = max(2 * self.min_face_size, 48)
        wanted = self._untracked_changes(previous, current, width, track_boxes)
        wanted += [refresh_box(b, self.min_face_size) for b in refresh_boxes]
        regions = [c for c in (clip(b, width, height) for b in merge(wanted)) if c is not None]
        if sum(w * h for _, _, w, h in regions) > self.max_fraction * width * height:
            self._last_full = seconds
            self.full_scans += 1
            return None  # most of the frame anyway: one full scan is cheaper than many crops
        self.partial_scans += 1
        return merge(regions)

    def newcomers(self, gray: np.ndarray, track_boxes: list) -> list[Box]:
        """Between detection frames: regions that just changed away from every tracked face.

        A visitor stepping into view is scanned on the frame they appear instead of up to
        k-1 frames later.
        """
        height, width = gray.shape[:2]
        current = thumbnail(gray)
        previous, self._last_frame = self._last_frame, current
        if previous is None:
            return []
        fresh = self._untracked_changes(previous, current, width, track_boxes)
        return [c for c in (clip(b, width, height) for b in merge(fresh)) if c is not None]
