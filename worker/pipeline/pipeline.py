"""The one pipeline object: frame in -> tracked, classified faces out.

`FacePipeline.process(frame)` analyses one frame the analysis gate let through
(`gate`, at most `analysis_fps` frames a second; the reader asks it before it
decodes a frame to colour): it detects faces (every `detect_every`-th analysed
frame, on a downscaled copy), moves/matches tracks, and classifies, in one batch, the
tracked faces that are due (a face is classified at most every
`classify_interval` seconds, and only on frames where the detector saw it, so
the crop is where the face really is), and averages each track's scores over
about `smoothing_seconds` of its frames' time (smoother.py; 0: each reading as the
classifier made it). `run_camera`, the Celery segment task (via
runner.camera_segment_run), `detect_emotions` and the edge agent all drive this
object; only what they do with the `FrameResult` differs. No Django here.

Privacy: frames and crops live only in local variables of `process`; nothing
is written anywhere, except with `snapshot_dir` set (only when
settings.DEBUG_SNAPSHOTS is on): then the first classified crop of each track
is saved there as a JPEG, for debugging detection.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from worker.pipeline.detector import FaceDetector
from worker.pipeline.gate import AnalysisGate
from worker.pipeline.motion import SearchPlanner, clip, refresh_box
from worker.pipeline.smoother import ScoreSmoother
from worker.pipeline.sources import Frame
from worker.pipeline.tracker import IouTracker, Track
from worker.pipeline.zones import AnalysisHours, ZoneGate

STAGES = ("decode", "detect", "track", "classify", "write")


class Classifier(Protocol):
    def classify(self, crops: list[np.ndarray]) -> list[Any]: ...


@dataclass
class FaceObservation:
    track_number: int
    box: tuple[int, int, int, int]       # x, y, w, h in full-frame pixels
    detected: bool                       # the detector saw it on this frame (else: predicted)
    prediction: Any = None               # when classified now: the track's smoothed reading (what is logged)
    raw_prediction: Any = None           # ... and the classifier's own Prediction for this crop


@dataclass
class FrameResult:
    frame: Frame
    faces: list[FaceObservation]
    ended_tracks: list[Track] = field(default_factory=list)
    analysed: bool = True                # False: outside the location's analysis hours, nothing looked at


@dataclass
class StageTimer:
    """Cumulative seconds per stage; the runner adds decode and write."""
    seconds: dict[str, float] = field(default_factory=lambda: {s: 0.0 for s in STAGES})
    frames: int = 0

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    def per_frame_ms(self) -> dict[str, float]:
        n = max(self.frames, 1)
        return {s: 1000.0 * v / n for s, v in self.seconds.items()}


# Extra context around the detector's box before classification, as a fraction of the box's side
# added on every side (0.1: a 1.2x wider and taller crop; negative: tighter). The Haar box around a
# FER-2013 face is about the 48x48 training crop itself (side ratio ~1.0), and `evaluate_model
# --scenes` measures the alternatives end to end (docs/model.md, "End to end on scenes").
CROP_MARGIN = 0.0


def crop_face(image: np.ndarray, box: tuple[int, int, int, int], margin: float = CROP_MARGIN) -> np.ndarray | None:
    """The face crop the classifier sees: the detector's box widened by `margin`, clipped to the frame."""
    x, y, w, h = box
    if margin:
        dx, dy = w * margin, h * margin
        x, y, w, h = int(round(x - dx)), int(round(y - dy)), int(round(w + 2 * dx)), int(round(h + 2 * dy))
    height, width = image.shape[:2]
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(width, x + w), min(height, y + h)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    return image[y0:y1, x0:x1]


def opencv_threads_set(threads: int) -> None:
    """OpenCV's thread pool size for this process (PIPELINE_OPENCV_THREADS)."""
    if cv2.getNumThreads() != threads:
        cv2.setNumThreads(threads)


def detect_interval(detect_every: int, analysis_fps: float, classify_interval: float) -> int:
    """Analysed frames per detection: `detect_every`, but often enough that a face can be classified
    `1 / classify_interval` times a second (it is only classified where the detector saw it)."""
    detect_every = max(1, detect_every)
    if analysis_fps > 0 and classify_interval > 0:
        detect_every = min(detect_every, max(1, int(analysis_fps * classify_interval + 1e-9)))
    return detect_every


class FacePipeline:
    def __init__(self, *, detector: FaceDetector, classifier: Classifier, detect_every: int = 3,
                 classify_interval: float = 0.25, max_missed_seconds: float = 1.0,
                 snapshot_dir: Path | None = None, gate_by_motion: bool = True, full_scan_seconds: float = 2.0,
                 zones: ZoneGate | None = None, hours: AnalysisHours | None = None, analysis_fps: float = 0.0,
                 smoothing_seconds: float = 0.0):
        self.detector = detector
        self.zones = zones or ZoneGate()
        self.hours = hours
        self.classifier = classifier
        # Seconds between two classifications of one face; 0 classifies it on every detection.
        self.classify_interval = max(0.0, float(classify_interval))
        self.gate = AnalysisGate(analysis_fps)
        self.detect_every = detect_interval(int(detect_every), self.gate.analysis_fps, self.classify_interval)
        # Analysed frames so far; every detect_every-th is a detection frame. Counted, not taken from
        # frame numbers (the gate skips frames), and part of `state`, so a replay detects on the same frames.
        self.analysed = 0
        self.last_detection_index: int | None = None
        self.last_analysed_index: int | None = None
        self.tracker = IouTracker(max_missed_seconds=max_missed_seconds)
        self.next_classify: dict[int, float] = {}  # track number -> seconds its next classification is due
        # Per track, the scores averaged over about this many seconds (EMOTION_SMOOTHING_SECONDS).
        self.smoother = ScoreSmoother(smoothing_seconds)
        self.timer = StageTimer()
        self.snapshot_dir = snapshot_dir
        # Scan only what moved and where faces are (see motion.py), when the detector can.
        self.planner = (SearchPlanner(full_scan_seconds=full_scan_seconds,
                                      min_face_size=getattr(detector, "min_face_size", 24))
                        if gate_by_motion and getattr(detector, "supports_regions", False) else None)

    def _detect(self, frame: Frame) -> list | None:
        """This frame's detections, or None on a frame the detector skips."""
        detection_frame = self.analysed % self.detect_every == 0
        self.analysed += 1
        self.last_analysed_index = frame.index
        if detection_frame:
            self.last_detection_index = frame.index
        if self.planner is None:
            return self.detector.detect(frame.image) if detection_frame else None
        gray = frame.image if frame.image.ndim == 2 else cv2.cvtColor(frame.image, cv2.COLOR_BGR2GRAY)
        tracks = self.tracker.tracks
        if detection_frame:
            # Young tracks (velocity not yet known) are refreshed on every detection frame.
            refresh = [t.box for t in tracks if t.hits < 3 or self._due(t.number, frame.seconds)]
            regions = self.planner.regions(gray, frame.seconds, [t.box for t in tracks], refresh)
            if regions is None:
                return self.detector.detect(gray)
            return self.detector.detect(gray, regions=regions, face_sizes=self._face_sizes(gray, regions, refresh))
        # In between: only newcomers can be found; known faces keep their predicted boxes.
        regions = self.planner.newcomers(gray, [t.box for t in tracks])
        return self.detector.detect(gray, regions=regions) if regions else []

    def privacy_update(self, *, zones: ZoneGate, hours: AnalysisHours | None) -> None:
        """Staff changed the camera's zones or its location's hours: they apply from the next frame."""
        self.zones, self.hours = zones, hours

    def _face_sizes(self, gray: np.ndarray, regions: list, refresh: list) -> list[float | None]:
        """Per region, the side of the one tracked face it was opened for (the detector then looks
        only for faces about that big: a third of the cascade's work), or None (new, merged)."""
        height, width = gray.shape[:2]
        sides = {clip(refresh_box(b, self.planner.min_face_size), width, height): max(b[2], b[3]) for b in refresh}
        return [sides.get(tuple(r)) for r in regions]

    def process(self, frame: Frame) -> FrameResult:
        self.timer.frames += 1
        if self.hours is not None and frame.captured_at is not None and not self.hours.open_at(frame.captured_at):
            # Outside analysis hours (or a staff area): no detection at all; open visits end here.
            return FrameResult(frame=frame, faces=[], ended_tracks=self.close_tracks(), analysed=False)
        t0 = time.perf_counter()
        detections = self._detect(frame)
        height, width = frame.image.shape[:2]
        if detections:
            # Privacy zones: a face there never reaches the tracker, so it is never classified or recorded.
            detections = [d for d in detections if self.zones.allows(d.box, width, height)]
        t1 = time.perf_counter()
        ended: list[Track] = []
        if detections is None:
            self.tracker.predict(frame.seconds)
        else:
            _, ended = self.tracker.update([d.box for d in detections], frame.seconds)
        self.timer.add("detect", t1 - t0)
        self.timer.add("track", time.perf_counter() - t1)
        for t in ended:
            self.next_classify.pop(t.number, None)
            self.smoother.forget(t.number)

        faces = [FaceObservation(track_number=t.number, box=tuple(int(round(v)) for v in t.box),
                                 detected=t.detected_now) for t in self.tracker.tracks
                 if self.zones.allows(t.box, width, height)]  # a predicted box may drift into a zone
        due: list[tuple[FaceObservation, np.ndarray]] = []
        for face in faces:
            if not face.detected:
                continue
            if not self._due(face.track_number, frame.seconds):
                continue
            crop = crop_face(frame.image, face.box)
            if crop is not None:
                due.append((face, crop))
        if due:
            t0 = time.perf_counter()
            predictions = self.classifier.classify([crop for _, crop in due])
            self.timer.add("classify", time.perf_counter() - t0)
            for (face, crop), prediction in zip(due, predictions):
                face.raw_prediction = prediction
                face.prediction = self.smoother.update(face.track_number, frame.seconds, prediction)
                if self.snapshot_dir is not None and face.track_number not in self.next_classify:
                    self._snapshot(crop, face.track_number, frame.index)
                # Advance the schedule, not "now + interval": detection frames rarely fall
                # exactly on the schedule, and the average rate must stay at the setting.
                previous = self.next_classify.get(face.track_number, frame.seconds)
                self.next_classify[face.track_number] = max(previous + self.classify_interval, frame.seconds)
        return FrameResult(frame=frame, faces=faces, ended_tracks=ended)

    def _snapshot(self, crop: np.ndarray, track_number: int, frame_index: int) -> None:
        self.snapshot_dir.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(self.snapshot_dir / f"track-{track_number}-frame-{frame_index}.jpg"), crop)

    def _due(self, track_number: int, seconds: float) -> bool:
        """Is this face's next classification due (it has none yet, or its time has come)?"""
        next_due = self.next_classify.get(track_number)
        return next_due is None or seconds >= next_due - 1e-6

    def warm(self, frame: Frame) -> None:
        """A frame before the resume point of a restored pipeline: the planner takes in the last
        detection frame and the last analysed one, as it did when they were processed."""
        if self.planner is None or frame.index not in (self.last_detection_index, self.last_analysed_index):
            return
        gray = frame.image if frame.image.ndim == 2 else cv2.cvtColor(frame.image, cv2.COLOR_BGR2GRAY)
        self.planner.warm(gray, detection_frame=frame.index == self.last_detection_index)

    def warm_from(self, position: int) -> int:
        """The first frame `warm` needs to see before resuming at `position` (the last detection frame)."""
        if self.planner is None or position <= 0 or self.last_detection_index is None:
            return position
        return min(self.last_detection_index, position)

    def close_tracks(self) -> list[Track]:
        """End every open track (source finished)."""
        ended = self.tracker.close_all()
        self.next_classify.clear()
        self.smoother.clear()
        return ended

    def state(self) -> dict:
        return {"tracker": self.tracker.state(),
                "next_classify": {str(k): v for k, v in self.next_classify.items()},
                "smoother": self.smoother.state(),
                "planner": self.planner.state() if self.planner is not None else {},
                "gate": self.gate.state(), "analysed": self.analysed,
                "last_detection_index": self.last_detection_index, "last_analysed_index": self.last_analysed_index}

    def restore(self, state: dict) -> None:
        self.tracker.restore(state.get("tracker", {}))
        self.gate.restore(state.get("gate", {}))
        self.analysed = int(state.get("analysed", 0))
        self.last_detection_index = state.get("last_detection_index")
        self.last_analysed_index = state.get("last_analysed_index")
        self.next_classify = {int(k): float(v) for k, v in state.get("next_classify", {}).items()}
        self.smoother.restore(state.get("smoother", {}))
        if self.planner is not None:
            self.planner.restore(state.get("planner", {}))
