"""One id per face across frames: greedy IoU matching, centroid distance as a fallback.

Detection may run only every k-th frame; between detections a track's box moves
with its last measured velocity. A track that goes unmatched for `max_missed_seconds`
ends. Plain python, no Django; its whole state is JSON-serialisable (numbers and
boxes only) so a segment can resume exactly where the previous one stopped.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

Box = tuple[float, float, float, float]  # x, y, w, h in full-frame pixels


def iou(a: Box, b: Box) -> float:
    ax2, ay2, bx2, by2 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw = min(ax2, bx2) - max(a[0], b[0])
    ih = min(ay2, by2) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def boxes_matched(truth_boxes, found_boxes, threshold: float = 0.3) -> int:
    """How many true boxes some found box overlaps with IoU > threshold (recall counting)."""
    return sum(1 for t in truth_boxes if any(iou(t, f) > threshold for f in found_boxes))


def _centre(b: Box) -> tuple[float, float]:
    return (b[0] + b[2] / 2.0, b[1] + b[3] / 2.0)


@dataclass
class Track:
    number: int
    box: list[float]                      # current estimate
    first_seconds: float                  # first detection, media/stream seconds
    last_seconds: float                   # last detection
    velocity: list[float] = field(default_factory=lambda: [0.0, 0.0])  # px per second (centre)
    hits: int = 1
    detected_now: bool = True             # matched a detection on the current frame

    @property
    def duration(self) -> float:
        return self.last_seconds - self.first_seconds


class IouTracker:
    def __init__(self, *, iou_threshold: float = 0.2, max_missed_seconds: float = 1.0,
                 centre_factor: float = 0.75, next_number: int = 1):
        self.iou_threshold = iou_threshold
        self.max_missed_seconds = max_missed_seconds
        self.centre_factor = centre_factor
        self.next_number = next_number
        self.tracks: list[Track] = []
        self._last_seconds: float | None = None

    def predict(self, seconds: float) -> None:
        """Move every track along its velocity to `seconds` (frames without detection)."""
        if self._last_seconds is not None:
            dt = seconds - self._last_seconds
            if dt > 0:
                for t in self.tracks:
                    t.box[0] += t.velocity[0] * dt
                    t.box[1] += t.velocity[1] * dt
        self._last_seconds = seconds
        for t in self.tracks:
            t.detected_now = False

    def update(self, boxes: list[Box], seconds: float) -> tuple[list[Track], list[Track]]:
        """Match this frame's detections. Returns (new tracks, ended tracks)."""
        self.predict(seconds)
        pairs = []
        for ti, t in enumerate(self.tracks):
            for di, b in enumerate(boxes):
                score = iou(tuple(t.box), b)
                if score < self.iou_threshold:
                    # Fast movers between sparse detections: accept a close centre.
                    (tx, ty), (bx, by) = _centre(tuple(t.box)), _centre(b)
                    dist = ((tx - bx) ** 2 + (ty - by) ** 2) ** 0.5
                    limit = self.centre_factor * max(t.box[2], b[2])
                    if dist > limit:
                        continue
                    score = 0.01 * (1.0 - dist / limit)  # ranks below any IoU match
                pairs.append((score, ti, di))
        pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
        used_t: set[int] = set()
        used_d: set[int] = set()
        for _, ti, di in pairs:
            if ti in used_t or di in used_d:
                continue
            used_t.add(ti)
            used_d.add(di)
            self._measure(self.tracks[ti], boxes[di], seconds)
        new: list[Track] = []
        for di, b in enumerate(boxes):
            if di not in used_d:
                t = Track(number=self.next_number, box=[float(v) for v in b],
                          first_seconds=seconds, last_seconds=seconds)
                self.next_number += 1
                self.tracks.append(t)
                new.append(t)
        ended = [t for t in self.tracks if seconds - t.last_seconds > self.max_missed_seconds]
        if ended:
            self.tracks = [t for t in self.tracks if t not in ended]
        return new, ended

    def _measure(self, t: Track, b: Box, seconds: float) -> None:
        dt = seconds - t.last_seconds
        if dt > 0:
            (ox, oy), (nx, ny) = _centre(tuple(t.box)), _centre(b)
            # The box was already moved by the old velocity; correct it by what we missed.
            vx = t.velocity[0] + (nx - ox) / dt
            vy = t.velocity[1] + (ny - oy) / dt
            # The second sighting gives the first velocity; later ones are smoothed.
            keep = 0.0 if t.hits == 1 else 0.5
            t.velocity = [keep * t.velocity[0] + (1 - keep) * vx, keep * t.velocity[1] + (1 - keep) * vy]
        t.box = [float(v) for v in b]
        t.last_seconds = seconds
        t.hits += 1
        t.detected_now = True

    def close_all(self) -> list[Track]:
        ended, self.tracks = self.tracks, []
        return ended

    def state(self) -> dict:
        return {"next_number": self.next_number, "last_seconds": self._last_seconds,
                "tracks": [asdict(t) for t in self.tracks]}

    def restore(self, state: dict) -> None:
        self.next_number = int(state.get("next_number", 1))
        self._last_seconds = state.get("last_seconds")
        self.tracks = [Track(**t) for t in state.get("tracks", [])]
