"""Bulk ingest of emotion events from edge devices that run detection themselves.

A request is all-or-nothing: every item is validated first, and one bad item
rejects the whole batch with a list of every problem (index, id, field,
reason); nothing is written then. Items carry a client-supplied `id`, stored
as the event_key "api:<id>", so a device that retries after a timeout adds
nothing the second time (the first write wins).

An event may name its visit (`visit`: the client id the visit was sent with to
POST /api/visits/, emotions/services/visit_ingest.py), sent before it. A device
token may write only its own camera's rows (`only_camera`): items without a
camera get it, an item naming another camera is forbidden (403, nothing stored).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cameras.models import Camera, Exhibit, Location
from cameras.validators import control_character_problem
from emotions.labels import EMOTIONS, parse_label
from emotions.models import EmotionEvent, ModelVersion, Visit
from emotions.time_bounds import event_time_problem

EVENT_KEY_PREFIX = "api:"
# event_key is 64 characters; the prefix takes 4.
CLIENT_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,60}$")

REQUIRED_FIELDS = ("id", "timestamp", "emotion", "confidence")
OPTIONAL_FIELDS = ("location", "camera", "exhibit", "scores", "track_id", "visit", "model_version")


@dataclass(frozen=True)
class IngestResult:
    received: int
    created: int
    duplicates: int


class IngestRejected(Exception):
    """The batch was not stored; `problems` has one entry per bad item."""

    def __init__(self, problems: list[dict], *, received: int, detail: str | None = None):
        self.problems = problems
        self.received = received
        super().__init__(detail or f"{len(problems)} of {received} events are invalid; nothing was stored")


class IngestTooLarge(Exception):
    """More items than INGEST_MAX_ITEMS: nothing was read further, nothing stored."""

    def __init__(self, *, received: int, noun: str = "events"):
        self.received = received
        super().__init__(
            f"{received} {noun} in one request; at most {settings.INGEST_MAX_ITEMS} items "
            f"and {settings.INGEST_MAX_BYTES} bytes per request (INGEST_MAX_ITEMS, INGEST_MAX_BYTES): "
            "send them in several requests; nothing was stored"
        )


def ingest_items_of(body, key: str = "events") -> list:
    """The list of items in a request body: a bare list, or {"events": [...]} (`key`: "visits" for visits).

    Raises IngestRejected (index None) for any other shape, saying what was sent.
    """
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        extra = sorted(set(body) - {key})
        if extra:
            problem = f"unknown key(s) {', '.join(map(repr, extra))}: the object holds only '{key}'"
        elif not isinstance(body.get(key), list):
            problem = f"'{key}' must be a list of {key[:-1]} objects, got {_json_type(body.get(key))}"
        else:
            return body[key]
    else:
        problem = f"the body must be a list of {key} or an object {{\"{key}\": [...]}}, got {_json_type(body)}"
    raise IngestRejected(
        [{"index": None, "id": None, "errors": {key: problem}}], received=0,
        detail=f"Not a batch of {key} ({problem}); nothing was stored",
    )


class IngestForbidden(Exception):
    """A device's batch names a camera that is not the device's: nothing stored (403)."""


def items_for_camera(items: list, camera: Camera | None) -> list:
    """A device's items: each gets the device's camera unless it names one; naming another is forbidden."""
    if camera is None:
        return items
    scoped = []
    for index, item in enumerate(items):
        if isinstance(item, dict):
            named = item.get("camera")
            if named is not None and named != camera.pk:
                raise IngestForbidden(
                    f"item {index} names camera {named!r}; this device writes only camera {camera.pk} "
                    f"({camera.name!r}); nothing was stored")
            item = {**item, "camera": camera.pk}
        scoped.append(item)
    return scoped


def _json_type(value) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def event_key_for(client_id: str) -> str:
    return EVENT_KEY_PREFIX + client_id


def _number_0_1(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("must be a number between 0 and 1")
    value = float(value)
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"must be between 0 and 1, got {value!r}")
    return value


def ingest_timestamp(value, now: datetime) -> datetime:
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date-time string")
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date-time (2026-11-20T14:03:07.250+01:00)") from None
    if timezone.is_naive(moment):
        # replace, not make_aware: a naive 0001-01-01 must reach the bounds check, not overflow.
        moment = moment.replace(tzinfo=timezone.get_default_timezone())
    if problem := event_time_problem(moment, now=now):
        raise ValueError(f"{value!r} {problem}")
    return moment


def ingest_emotion(value) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be one of {', '.join(EMOTIONS)} (any case)")
    return parse_label(value)


def ingest_scores(value) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ValueError(f"must be an object of emotion -> score ({', '.join(EMOTIONS)})")
    scores = {}
    for name, score in value.items():
        try:
            label = parse_label(str(name))
        except ValueError as exc:
            raise ValueError(str(exc)) from None
        try:
            scores[label] = _number_0_1(score)
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    return scores


@dataclass
class IngestPlaces:
    """Every location, camera, exhibit, visit and model version a batch names, fetched with one query each."""

    locations: dict[str, Location]
    cameras: dict[int, Camera]
    exhibits: dict[int, Exhibit]
    visits: dict[str, Visit]
    model_versions: dict[int, ModelVersion]

    @classmethod
    def for_items(cls, items: list) -> IngestPlaces:
        dicts = [item for item in items if isinstance(item, dict)]
        # A name with control characters can't exist (and PostgreSQL refuses NUL in a query).
        names = {
            item["location"] for item in dicts
            if isinstance(item.get("location"), str) and control_character_problem(item["location"]) is None
        }
        camera_ids = {item["camera"] for item in dicts if _is_id(item.get("camera"))}
        exhibit_ids = {item["exhibit"] for item in dicts if _is_id(item.get("exhibit"))}
        visit_keys = {event_key_for(item["visit"]) for item in dicts
                      if isinstance(item.get("visit"), str) and CLIENT_ID.match(item["visit"])}
        version_ids = {item["model_version"] for item in dicts if _is_id(item.get("model_version"))}
        return cls(
            visits={v.visit_key: v for v in Visit.objects.filter(visit_key__in=visit_keys)},
            model_versions={v.pk: v for v in ModelVersion.objects.filter(pk__in=version_ids)},
            locations={loc.name: loc for loc in Location.objects.filter(name__in=names)},
            cameras={cam.pk: cam for cam in Camera.objects.filter(pk__in=camera_ids)},
            exhibits={ex.pk: ex for ex in Exhibit.objects.filter(pk__in=exhibit_ids)},
        )


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def item_places(item: dict, places: IngestPlaces, errors: dict[str, str]) -> tuple:
    """(camera, location, exhibit) an item names, checked to fit together; problems go to `errors`."""
    camera = location = exhibit = None
    if item.get("camera") is not None:
        camera = places.cameras.get(item["camera"]) if _is_id(item["camera"]) else None
        if camera is None:
            errors["camera"] = f"no camera with id {item['camera']!r}"
    if item.get("location") is not None:
        location = places.locations.get(item["location"]) if isinstance(item["location"], str) else None
        if location is None:
            errors["location"] = f"no location named {item['location']!r} (staff create locations in admin)"
    elif camera is not None:
        location = camera.location
    elif "camera" not in errors:
        errors["location"] = "is required unless a camera is given"
    if camera is not None and location is not None and camera.location_id != location.pk:
        errors["location"] = f"camera {camera.pk} is in {camera.location.name!r}, not {location.name!r}"
    if item.get("exhibit") is not None:
        exhibit = places.exhibits.get(item["exhibit"]) if _is_id(item["exhibit"]) else None
        if exhibit is None:
            errors["exhibit"] = f"no exhibit with id {item['exhibit']!r}"
        elif location is not None and exhibit.location_id != location.pk:
            errors["exhibit"] = f"exhibit {exhibit.pk} is not in {location.name!r}"
    elif camera is not None:
        exhibit = camera.exhibit  # as the camera pipeline does: the exhibit it faces now
    return camera, location, exhibit


def item_fields_checked(item: dict, errors: dict[str, str], *, required: tuple, optional: tuple,
                        checks: tuple) -> dict:
    """The checked values of an item's fields (field -> value); missing, unknown and bad fields go
    to `errors`, and so do a bad `id` and `track_id` (every ingest has both)."""
    for field in required:
        if item.get(field) is None:
            errors[field] = "is required"
    for field in item:
        if field not in required + optional:
            errors[field] = f"unknown field (allowed: {', '.join(required + optional)})"
    client_id = item.get("id")
    if client_id is not None and not (isinstance(client_id, str) and CLIENT_ID.match(client_id)):
        errors["id"] = "must be a string of 1-60 letters, digits or . _ : - (a UUID is ideal)"
    fields: dict = {}
    for field, check in checks:
        if item.get(field) is not None:
            try:
                fields[field] = check(item[field])
            except ValueError as exc:
                errors[field] = str(exc)
    track_id = item.get("track_id")
    if track_id is not None and not (
        isinstance(track_id, str) and len(track_id) <= 64 and control_character_problem(track_id) is None
    ):
        errors["track_id"] = "must be a string of at most 64 characters, without control characters"
    return fields


def _build_event(item: dict, places: IngestPlaces, now: datetime, errors: dict[str, str]) -> EmotionEvent | None:
    """The event an item describes, or None with `errors` filled (field -> reason)."""
    fields = item_fields_checked(item, errors, required=REQUIRED_FIELDS, optional=OPTIONAL_FIELDS, checks=(
        ("timestamp", lambda v: ingest_timestamp(v, now)),
        ("emotion", ingest_emotion),
        ("confidence", _number_0_1),
        ("scores", ingest_scores),
    ))
    client_id, track_id = item.get("id"), item.get("track_id")
    camera, location, exhibit = item_places(item, places, errors)
    visit = _visit_of(item, places, camera, location, errors)
    model_version = item_model_version(item, places, errors)

    if errors:
        return None
    return EmotionEvent(
        timestamp=fields["timestamp"],
        location=location,
        camera=camera,
        exhibit=exhibit,
        emotion=fields["emotion"],
        confidence=fields["confidence"],
        scores=fields.get("scores"),
        track_id=track_id or "",
        visit=visit,
        model_version=model_version,
        source=EmotionEvent.Source.API,
        event_key=event_key_for(client_id),
    )


def item_model_version(item: dict, places: IngestPlaces, errors: dict[str, str]) -> ModelVersion | None:
    """The model version (id) that classified the item, if it says (an edge device: the model it downloaded)."""
    value = item.get("model_version")
    if value is None:
        return None
    version = places.model_versions.get(value) if _is_id(value) else None
    if version is None:
        errors["model_version"] = f"no model version with id {value!r}"
    return version


def _visit_of(item: dict, places: IngestPlaces, camera, location, errors: dict[str, str]) -> Visit | None:
    """The visit an item names (sent before to POST /api/visits/), in the item's camera and location."""
    client_id = item.get("visit")
    if client_id is None:
        return None
    visit = places.visits.get(event_key_for(client_id)) if isinstance(client_id, str) else None
    if visit is None:
        errors["visit"] = f"no visit with id {client_id!r} (send it to /api/visits/ first)"
    elif (camera is not None and visit.camera_id != camera.pk) or (
            location is not None and visit.location_id != location.pk):
        errors["visit"] = f"visit {client_id!r} was seen by another camera or in another location"
    return visit


def items_validated(items: list, build, *, noun: str) -> list:
    """`build(item, errors)` for every item; raises IngestRejected listing every bad one (and repeated ids)."""
    problems: list[dict] = []
    built: list = []
    first_index_of: dict[str, int] = {}
    for index, item in enumerate(items):
        errors: dict[str, str] = {}
        if not isinstance(item, dict):
            problems.append({"index": index, "id": None, "errors": {"item": "must be a JSON object"}})
            continue
        row = build(item, errors)
        client_id = item.get("id")
        if isinstance(client_id, str) and "id" not in errors:
            if client_id in first_index_of:
                errors["id"] = f"repeats the id of item {first_index_of[client_id]}"
                row = None
            else:
                first_index_of[client_id] = index
        if errors:
            problems.append({"index": index, "id": client_id if isinstance(client_id, str) else None, "errors": errors})
        elif row is not None:
            built.append(row)
    if problems:
        raise IngestRejected(problems, received=len(items),
                             detail=f"{len(problems)} of {len(items)} {noun} are invalid; nothing was stored")
    return built


@transaction.atomic
def events_ingest(*, items, only_camera: Camera | None = None) -> IngestResult:
    """Validate every item, then store the new ones in one transaction.

    `items`: the request's body (a list, or {"events": [...]}). Raises
    IngestRejected (nothing stored) if it is another shape or any item is invalid.
    Raises IngestTooLarge past INGEST_MAX_ITEMS items, IngestForbidden when
    `only_camera` is set (a device) and an item names another camera.
    """
    items = ingest_items_of(items)
    if len(items) > settings.INGEST_MAX_ITEMS:
        raise IngestTooLarge(received=len(items))
    items = items_for_camera(items, only_camera)
    now = timezone.now()
    places = IngestPlaces.for_items(items)
    events = items_validated(items, lambda item, errors: _build_event(item, places, now, errors), noun="events")

    keys = [e.event_key for e in events]
    existing: set[str] = set()
    for start in range(0, len(keys), 500):  # SQLite caps the parameters of one query
        existing.update(
            EmotionEvent.objects.filter(event_key__in=keys[start : start + 500]).values_list("event_key", flat=True)
        )
    new_events = [e for e in events if e.event_key not in existing]
    # ignore_conflicts: a concurrent retry of the same batch must not fail this one.
    EmotionEvent.objects.bulk_create(new_events, batch_size=1000, ignore_conflicts=True)
    return IngestResult(received=len(items), created=len(new_events), duplicates=len(existing))
