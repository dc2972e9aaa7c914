"""The camera pipeline's writes: emotion events and visits, in bulk, idempotent.

Every row carries a deterministic key (`event_key`, `visit_key`) computed by the
recorder, so a retried or redelivered segment that writes the same rows again
adds nothing: events are inserted with ON CONFLICT DO NOTHING, visits are
upserted (ON CONFLICT DO UPDATE) because an open visit is written at each flush
and grows until its track ends.
"""
from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from emotions.models import EmotionEvent, Visit
from emotions.recording_rows import EventRow, RecordingResult, VisitRow

_VISIT_UPDATE_FIELDS = ["ended_at", "dwell_seconds", "frames_classified", "mean_scores", "dominant_emotion"]


@transaction.atomic
def visits_record(
    *, camera_id: int | None, location_id: int, exhibit_id: int | None,
    model_version_id: int | None, visits: Sequence[VisitRow],
) -> tuple[int, dict[str, int]]:
    """Insert new visits, update the growing ones. Returns (new visits, visit_key -> id)."""
    if not visits:
        return 0, {}
    keys = [v.visit_key for v in visits]
    existing = set(Visit.objects.filter(visit_key__in=keys).values_list("visit_key", flat=True))
    Visit.objects.bulk_create(
        [
            Visit(
                camera_id=camera_id, location_id=location_id, exhibit_id=exhibit_id,
                model_version_id=model_version_id, track_id=v.track_id, started_at=v.started_at,
                ended_at=v.ended_at, dwell_seconds=v.dwell_seconds, frames_classified=v.frames_classified,
                mean_scores=v.mean_scores, dominant_emotion=v.dominant_emotion, visit_key=v.visit_key,
            )
            for v in visits
        ],
        update_conflicts=True, unique_fields=["visit_key"], update_fields=_VISIT_UPDATE_FIELDS,
    )
    ids = dict(Visit.objects.filter(visit_key__in=keys).values_list("visit_key", "id"))
    return len(set(keys) - existing), ids


@transaction.atomic
def events_record(
    *, camera_id: int | None, location_id: int, exhibit_id: int | None,
    model_version_id: int | None, events: Sequence[EventRow], visit_ids: dict[str, int] | None = None,
) -> int:
    """Insert events, skipping keys already stored. Returns how many were new."""
    if not events:
        return 0
    visit_ids = dict(visit_ids or {})
    missing = {e.visit_key for e in events if e.visit_key and e.visit_key not in visit_ids}
    if missing:
        visit_ids.update(Visit.objects.filter(visit_key__in=missing).values_list("visit_key", "id"))
    keys = [e.event_key for e in events]
    existing = EmotionEvent.objects.filter(event_key__in=keys).count()
    EmotionEvent.objects.bulk_create(
        [
            EmotionEvent(
                timestamp=e.timestamp, location_id=location_id, camera_id=camera_id, exhibit_id=exhibit_id,
                emotion=e.emotion, confidence=min(1.0, max(0.0, float(e.confidence))), scores=e.scores,
                track_id=e.track_id, visit_id=visit_ids.get(e.visit_key),
                model_version_id=model_version_id, source=EmotionEvent.Source.CAMERA, event_key=e.event_key,
            )
            for e in events
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    return len(set(keys)) - existing


@transaction.atomic
def recording_flush(
    *, camera_id: int | None, location_id: int, exhibit_id: int | None,
    model_version_id: int | None, visits: Sequence[VisitRow], events: Sequence[EventRow],
) -> RecordingResult:
    """One flush of the recorder: visits first (events point at them), all in one transaction."""
    common = dict(camera_id=camera_id, location_id=location_id, exhibit_id=exhibit_id,
                  model_version_id=model_version_id)
    visits_new, visit_ids = visits_record(visits=visits, **common)
    events_new = events_record(events=events, visit_ids=visit_ids, **common)
    return RecordingResult(visits_new=visits_new, events_new=events_new, visit_ids=visit_ids)
