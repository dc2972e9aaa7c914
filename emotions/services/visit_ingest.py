"""Bulk ingest of visits from edge devices, the twin of the events ingest (ingest.py).

All-or-nothing and validated like events: one bad item rejects the batch with
every problem listed, nothing written. Items carry a client id stored as the
visit_key "api:<id>". A visit grows while its visitor stays (an edge device
sends it again at every flush with a later end), so a known id is updated
(upserted) to what was sent, not ignored: re-sending a batch changes nothing,
and the last send of a visit wins. A known id of another camera or location is
refused (a device can't overwrite another's visits).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cameras.models import Camera
from emotions.models import Visit
from emotions.services.ingest import (
    CLIENT_ID,
    IngestPlaces,
    IngestTooLarge,
    event_key_for,
    ingest_emotion,
    ingest_items_of,
    ingest_scores,
    ingest_timestamp,
    item_fields_checked,
    item_model_version,
    item_places,
    items_for_camera,
    items_validated,
)

REQUIRED_FIELDS = ("id", "started_at", "ended_at", "dominant_emotion")
OPTIONAL_FIELDS = ("location", "camera", "exhibit", "dwell_seconds", "frames_classified", "mean_scores", "track_id",
                   "model_version")
_UPDATE_FIELDS = ["ended_at", "dwell_seconds", "frames_classified", "mean_scores", "dominant_emotion"]
# A visit is one visitor in front of one camera: longer than a day is a device's clock gone wrong.
MAX_VISIT_SECONDS = 24 * 3600


@dataclass(frozen=True)
class VisitIngestResult:
    received: int
    created: int
    updated: int


def _count(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**9:
        raise ValueError("must be a whole number from 0")
    return value


def _seconds(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or math.isinf(value):
        raise ValueError("must be a number of seconds")
    if not 0 <= value <= MAX_VISIT_SECONDS:
        raise ValueError(f"must be between 0 and {MAX_VISIT_SECONDS}, got {value!r}")
    return float(value)


def _fields_checked(item: dict, now: datetime, errors: dict[str, str]) -> dict:
    fields = item_fields_checked(item, errors, required=REQUIRED_FIELDS, optional=OPTIONAL_FIELDS, checks=(
        ("started_at", lambda v: ingest_timestamp(v, now)), ("ended_at", lambda v: ingest_timestamp(v, now)),
        ("dominant_emotion", ingest_emotion), ("mean_scores", ingest_scores),
        ("dwell_seconds", _seconds), ("frames_classified", _count),
    ))
    if "started_at" in fields and "ended_at" in fields:
        span = (fields["ended_at"] - fields["started_at"]).total_seconds()
        if span < 0:
            errors["ended_at"] = "is before started_at"
        elif span > MAX_VISIT_SECONDS:
            errors["ended_at"] = f"is more than {MAX_VISIT_SECONDS} s after started_at"
        elif fields.get("dwell_seconds", 0.0) > span + 1.0:
            errors["dwell_seconds"] = f"is longer than the visit ({span:.3f} s from started_at to ended_at)"
        fields.setdefault("dwell_seconds", max(span, 0.0))
    return fields


def _build_visit(item: dict, places: IngestPlaces, known: dict[str, Visit], now: datetime,
                 errors: dict[str, str]) -> Visit | None:
    fields = _fields_checked(item, now, errors)
    camera, location, exhibit = item_places(item, places, errors)
    model_version = item_model_version(item, places, errors)
    key = event_key_for(item["id"]) if isinstance(item.get("id"), str) else None
    stored = known.get(key)
    if stored is not None and location is not None and (
            stored.location_id != location.pk or stored.camera_id != (camera.pk if camera else None)):
        errors["id"] = f"visit {item['id']!r} exists for another camera or location"
    if errors:
        return None
    return Visit(
        camera=camera, location=location, exhibit=exhibit, track_id=item.get("track_id") or "",
        started_at=fields["started_at"], ended_at=fields["ended_at"], dwell_seconds=fields["dwell_seconds"],
        frames_classified=fields.get("frames_classified", 0), mean_scores=fields.get("mean_scores") or {},
        dominant_emotion=fields["dominant_emotion"], model_version=model_version, visit_key=key,
    )


@transaction.atomic
def visits_ingest(*, items, only_camera: Camera | None = None) -> VisitIngestResult:
    """Validate every item, then insert the new visits and update the known ones, in one transaction.

    `items`: a list, or {"visits": [...]}. Raises IngestRejected (nothing stored),
    IngestTooLarge past INGEST_MAX_ITEMS, IngestForbidden when `only_camera` is set
    (a device) and an item names another camera.
    """
    items = ingest_items_of(items, key="visits")
    if len(items) > settings.INGEST_MAX_ITEMS:
        raise IngestTooLarge(received=len(items), noun="visits")
    items = items_for_camera(items, only_camera)
    now = timezone.now()
    places = IngestPlaces.for_items(items)
    keys = [event_key_for(i["id"]) for i in items
            if isinstance(i, dict) and isinstance(i.get("id"), str) and CLIENT_ID.match(i["id"])]
    known = {}
    for start in range(0, len(keys), 500):  # SQLite caps the parameters of one query
        known.update({v.visit_key: v for v in Visit.objects.select_for_update().filter(
            visit_key__in=keys[start : start + 500])})
    visits = items_validated(items, lambda item, errors: _build_visit(item, places, known, now, errors),
                             noun="visits")
    Visit.objects.bulk_create(visits, batch_size=500, update_conflicts=True, unique_fields=["visit_key"],
                              update_fields=_UPDATE_FIELDS)
    updated = sum(1 for v in visits if v.visit_key in known)
    return VisitIngestResult(received=len(items), created=len(visits) - updated, updated=updated)
