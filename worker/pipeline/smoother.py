"""Steadier labels per visitor: each track's emotion scores averaged over a short time window.

The classifier reads every crop on its own, so one frame where a mouth is open mid-word can
read as fear inside a track that is neutral or happy throughout. `ScoreSmoother` keeps, per
track, an exponentially weighted average of the classifier's 7-score vectors in which a
classification made `a` seconds ago weighs `exp(-a / window)`: with the default window of
1 s a reading 1 s old counts 37 % of a new one, 2 s old 14 %, 3 s old 5 %. The logged label
is the arg-max of the average, its confidence that average's top score.

Time, not frame counts: the weights come from the frames' own timestamps (`Frame.seconds`),
so a window keeps its meaning at any analysis rate and events-per-second setting, and a
track that was not classified for a while (missed detections) carries that old weight only
as much as its age allows. The average is normalised by the sum of the weights, so the
first classification of a track is reported as it is (no start-up delay, no bias towards
zero) and each later one moves the average by at least its share of the weight.

`window = 0` turns smoothing off: `update` returns the classifier's prediction itself.
No Django here; the state is JSON-able and travels with the pipeline's (segments, resumes).
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any


@dataclass
class _TrackAverage:
    sums: dict[str, float]   # sum of weight * score per label, weights relative to `seconds`
    weight: float            # sum of the weights
    seconds: float           # time of the last classification folded in


class ScoreSmoother:
    """Per-track time-weighted averages of prediction scores (`update`), forgotten when a track ends."""

    def __init__(self, window_seconds: float = 1.0):
        window_seconds = float(window_seconds)
        if not math.isfinite(window_seconds) or window_seconds < 0:
            raise ValueError(f"smoothing window must be a number of seconds >= 0, not {window_seconds!r}")
        self.window_seconds = window_seconds
        self.tracks: dict[int, _TrackAverage] = {}

    @property
    def enabled(self) -> bool:
        return self.window_seconds > 0

    def update(self, track_number: int, seconds: float, prediction: Any) -> Any:
        """Fold this classification of the track (made at `seconds`) into its average and return the
        prediction to report: the same type as `prediction`, with the averaged label, confidence and scores."""
        if not self.enabled:
            return prediction
        scores = {label: float(value) for label, value in prediction.scores.items()}
        average = self.tracks.get(track_number)
        if average is None:
            self.tracks[track_number] = _TrackAverage(sums=scores, weight=1.0, seconds=float(seconds))
            return prediction  # the first reading is its own average
        # Frames of one track come in time order; a clock that steps back decays nothing.
        decay = math.exp(-max(0.0, float(seconds) - average.seconds) / self.window_seconds)
        sums = {label: value * decay for label, value in average.sums.items()}
        for label, value in scores.items():
            sums[label] = sums.get(label, 0.0) + value
        average.sums, average.weight = sums, average.weight * decay + 1.0
        average.seconds = max(average.seconds, float(seconds))
        smoothed = {label: value / average.weight for label, value in sums.items()}
        label = max(smoothed, key=smoothed.__getitem__)  # ties: the first in the classifier's label order
        return _with_scores(prediction, label=label, confidence=smoothed[label], scores=smoothed)

    def forget(self, track_number: int) -> None:
        """The track ended: its average goes with it."""
        self.tracks.pop(track_number, None)

    def clear(self) -> None:
        self.tracks.clear()

    def state(self) -> dict:
        return {str(n): {"sums": a.sums, "weight": a.weight, "seconds": a.seconds} for n, a in self.tracks.items()}

    def restore(self, state: dict) -> None:
        self.tracks = {int(n): _TrackAverage(sums={k: float(v) for k, v in s["sums"].items()},
                                             weight=float(s["weight"]), seconds=float(s["seconds"]))
                       for n, s in (state or {}).items()}


def _with_scores(prediction: Any, *, label: str, confidence: float, scores: dict[str, float]) -> Any:
    if dataclasses.is_dataclass(prediction):
        return dataclasses.replace(prediction, label=label, confidence=confidence, scores=scores)
    return type(prediction)(label=label, confidence=confidence, scores=scores)
