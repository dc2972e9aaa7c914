"""The analysis rate: which frames are analysed (detected, tracked, classified) at `analysis_fps`.

The reader still takes every frame the stream sends (a live stream must be
drained, or it lags); the gate says, from each frame's media time, which of
them are worth decoding to colour and analysing. Time, not frame counts,
decides: 10 analyses a second are 10 a second from a 25, 30 or 60 fps stream,
so visits, dwell and events per second mean the same at any input rate.

The schedule advances by whole intervals from the first analysed frame, not
from "now": frames rarely fall exactly on it, and the average must stay at
the setting. Its state is one number (the next due time), saved with the pipeline's, so a
replayed segment analyses exactly the same frames. Plain Python, no Django.
"""
from __future__ import annotations

# Frame times are float seconds (index / fps): a frame exactly on the schedule must count as on it.
_EPSILON = 1e-6


class AnalysisGate:
    def __init__(self, analysis_fps: float = 0.0):
        self.analysis_fps = max(0.0, float(analysis_fps or 0.0))
        self.interval = 1.0 / self.analysis_fps if self.analysis_fps > 0 else 0.0
        self.next_due: float | None = None

    @property
    def every_frame(self) -> bool:
        return self.interval == 0.0

    def due(self, seconds: float) -> bool:
        """Is the frame at `seconds` to be analysed? Advances the schedule when it is."""
        if self.every_frame:
            return True
        if self.next_due is not None and seconds < self.next_due - _EPSILON:
            return False
        if self.next_due is None or seconds - self.next_due >= self.interval:
            # The first frame, or a gap of more than an interval (a stalled stream): restart here.
            self.next_due = seconds + self.interval
        else:
            self.next_due += self.interval
        return True

    def state(self) -> dict:
        return {"next_due": self.next_due}

    def restore(self, state: dict) -> None:
        next_due = state.get("next_due")
        self.next_due = float(next_due) if next_due is not None else None
