"""Turns tracked, classified faces into EmotionEvents and Visits, buffered.

Per track: every classification becomes an event (the pipeline classifies a
face at most `events_per_second` times a second, default 4/s like the
prototype) with the track's smoothed reading at that moment (label, confidence,
scores: smoother.py, EMOTION_SMOOTHING_SECONDS; the frame's own time); the visit
holds dwell time, the mean of the classifier's own (unsmoothed) scores per
emotion and the dominant emotion by a confidence-weighted vote of its own
labels, so smoothing never changes a visit. A track shorter than
`min_track_seconds` is noise: neither its visit nor its events are written.

Buffered rows go to the database in one transaction every `flush_seconds`
(and on `flush()`: a clean stop). An open visit is written (upserted) at each
flush, so a crash loses at most one flush window, never a whole visit.
Keys are hashes of (camera, track id, event number): the same frames replayed
from the same state give the same keys, and the database ignores them.
"""
from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from emotions.labels import EMOTIONS
from emotions.recording_rows import EventRow, RecordingResult, VisitRow
from worker.pipeline.pipeline import FrameResult

log = logging.getLogger(__name__)

Writer = Callable[[list[VisitRow], list[EventRow]], RecordingResult]


def row_key(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


@dataclass
class TrackRecord:
    track_id: str
    first_at: datetime
    last_at: datetime
    frames_classified: int = 0
    score_sums: dict[str, float] = field(default_factory=lambda: {e: 0.0 for e in EMOTIONS})
    votes: dict[str, float] = field(default_factory=lambda: {e: 0.0 for e in EMOTIONS})
    event_seq: int = 0
    pending: list[EventRow] = field(default_factory=list)
    dirty: bool = False
    finished: bool = False

    @property
    def dwell_seconds(self) -> float:
        return max(0.0, (self.last_at - self.first_at).total_seconds())

    def to_state(self) -> dict:
        return {
            "track_id": self.track_id, "first_at": self.first_at.isoformat(), "last_at": self.last_at.isoformat(),
            "frames_classified": self.frames_classified, "score_sums": self.score_sums, "votes": self.votes,
            "event_seq": self.event_seq, "dirty": self.dirty, "finished": self.finished,
            "pending": [{**e.__dict__, "timestamp": e.timestamp.isoformat()} for e in self.pending],
        }

    @classmethod
    def from_state(cls, s: dict) -> TrackRecord:
        pending = [EventRow(**{**e, "timestamp": datetime.fromisoformat(e["timestamp"])}) for e in s["pending"]]
        return cls(track_id=s["track_id"], first_at=datetime.fromisoformat(s["first_at"]),
                   last_at=datetime.fromisoformat(s["last_at"]), frames_classified=s["frames_classified"],
                   score_sums=s["score_sums"], votes=s["votes"], event_seq=s["event_seq"], pending=pending,
                   dirty=s["dirty"], finished=s["finished"])


@dataclass
class FlushTotals:
    faces: int = 0
    events_written: int = 0
    visits_written: int = 0


class Recorder:
    def __init__(self, *, camera_id: int, track_prefix: str, writer: Writer,
                 min_track_seconds: float = 1.0, flush_seconds: float = 2.0):
        self.camera_id = camera_id
        self.track_prefix = track_prefix
        self.writer = writer
        self.min_track_seconds = min_track_seconds
        self.flush_seconds = flush_seconds
        self.records: dict[int, TrackRecord] = {}
        self.totals = FlushTotals()
        self._last_flush = time.monotonic()

    def track_id(self, number: int) -> str:
        return f"{self.track_prefix}-{number}"

    def visit_key(self, track_id: str) -> str:
        return row_key("visit", self.camera_id, track_id)

    def _qualified(self, record: TrackRecord) -> bool:
        return record.frames_classified > 0 and record.dwell_seconds >= self.min_track_seconds

    def consume(self, result: FrameResult) -> None:
        at = result.frame.captured_at
        for face in result.faces:
            record = self.records.get(face.track_number)
            if record is None:
                self.totals.faces += 1
                record = TrackRecord(track_id=self.track_id(face.track_number), first_at=at, last_at=at)
                self.records[face.track_number] = record
            if face.detected:
                record.last_at = at
                record.dirty = True
            p = face.prediction
            if p is not None:
                raw = face.raw_prediction if face.raw_prediction is not None else p
                record.frames_classified += 1
                for label in EMOTIONS:
                    record.score_sums[label] += float(raw.scores.get(label, 0.0))
                record.votes[raw.label] += float(raw.confidence)
                record.event_seq += 1
                record.pending.append(EventRow(
                    event_key=row_key("event", self.camera_id, record.track_id, record.event_seq),
                    timestamp=at, emotion=p.label, confidence=float(p.confidence),
                    scores={k: round(float(v), 4) for k, v in p.scores.items()},
                    track_id=record.track_id, visit_key=self.visit_key(record.track_id),
                ))
        for track in result.ended_tracks:
            record = self.records.get(track.number)
            if record is None:
                continue
            if self._qualified(record):
                record.finished = True
                record.dirty = True
            else:
                del self.records[track.number]  # noise: too short to be a visit

    def end_tracks(self, numbers: list[int]) -> None:
        for number in numbers:
            record = self.records.get(number)
            if record is not None:
                if self._qualified(record):
                    record.finished = record.dirty = True
                else:
                    del self.records[number]

    def flush_due(self) -> bool:
        return time.monotonic() - self._last_flush >= self.flush_seconds

    def _visit_row(self, record: TrackRecord) -> VisitRow:
        n = max(record.frames_classified, 1)
        means = {label: round(record.score_sums[label] / n, 4) for label in EMOTIONS}
        dominant = max(EMOTIONS, key=lambda label: (record.votes[label], means[label]))
        return VisitRow(visit_key=self.visit_key(record.track_id), track_id=record.track_id,
                        started_at=record.first_at, ended_at=record.last_at,
                        dwell_seconds=round(record.dwell_seconds, 3),
                        frames_classified=record.frames_classified, mean_scores=means, dominant_emotion=dominant)

    def flush(self) -> RecordingResult | None:
        """Write what is buffered for visits long enough to count, in one transaction."""
        self._last_flush = time.monotonic()
        ready = [(n, r) for n, r in self.records.items() if self._qualified(r)]
        visits = [self._visit_row(r) for _, r in ready if r.dirty]
        events = [e for _, r in ready for e in r.pending]
        if not visits and not events:
            self._drop_finished()
            return None
        result = self.writer(visits, events)
        self.totals.events_written += result.events_new
        self.totals.visits_written += result.visits_new
        for _, r in ready:
            r.pending.clear()
            r.dirty = False
        self._drop_finished()
        return result

    def _drop_finished(self) -> None:
        for number in [n for n, r in self.records.items() if r.finished and not r.dirty and not r.pending]:
            del self.records[number]

    def state(self) -> dict:
        return {"records": {str(n): r.to_state() for n, r in self.records.items()}}

    def restore(self, state: dict) -> None:
        self.records = {int(n): TrackRecord.from_state(s) for n, s in state.get("records", {}).items()}
