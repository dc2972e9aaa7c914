"""The rows the camera pipeline records: visits and emotion events, with their keys.

Plain Python (no Django), like labels.py: the pipeline's recorder builds them
without touching the database, and emotions/services/recording.py writes them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class VisitRow:
    visit_key: str
    track_id: str
    started_at: datetime
    ended_at: datetime
    dwell_seconds: float
    frames_classified: int
    mean_scores: dict
    dominant_emotion: str


@dataclass(frozen=True)
class EventRow:
    event_key: str
    timestamp: datetime
    emotion: str
    confidence: float
    scores: dict
    track_id: str
    visit_key: str  # the visit this event belongs to; written in the same flush or before


@dataclass(frozen=True)
class RecordingResult:
    visits_new: int
    events_new: int
    visit_ids: dict[str, int]
