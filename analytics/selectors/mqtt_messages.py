"""What the MQTT publisher sends: topic -> JSON, read from the database (docs/mqtt.md).

    <prefix>/summary                    the whole museum: GET /api/analytics/summary/?fill_zeros=true (retained)
    <prefix>/<location-slug>/summary    the same for one location (retained)
    <prefix>/camera/<camera-slug>/state a camera's health, and its edge device's (retained)
    <prefix>/<location-slug>/visit      one finished visit (not retained; MQTT_PUBLISH_VISITS)

Slugs: the name slugified (Django's slugify); a name with no ASCII letters or
digits, or two names with one slug, get "-<id>" so every topic is one place's.
"""
from __future__ import annotations

from datetime import datetime

from django.utils.text import slugify

from analytics.selectors.summary import legacy_summary
from cameras.models import Camera, Location
from cameras.selectors import camera_health_state
from devices.selectors import device_is_offline
from emotions.filters import EventFilter
from emotions.labels import legacy_name
from emotions.models import Visit


def _slugs(objects, kind: str) -> dict[int, str]:
    plain = {obj.pk: slugify(obj.name) for obj in objects}
    taken = [slug for slug in plain.values()]
    return {pk: (slug if slug and taken.count(slug) == 1 else f"{slug or kind}-{pk}") for pk, slug in plain.items()}


def location_slugs() -> dict[int, str]:
    return _slugs(Location.objects.all(), "location")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def summary_messages(*, prefix: str, threshold: float) -> dict[str, dict]:
    """The museum's summary and one per location, exactly as the REST summary with fill_zeros."""
    messages = {f"{prefix}/summary": legacy_summary(event_filter=EventFilter(), threshold=threshold, fill_zeros=True)}
    for pk, slug in location_slugs().items():
        messages[f"{prefix}/{slug}/summary"] = legacy_summary(
            event_filter=EventFilter(location_id=pk), threshold=threshold, fill_zeros=True)
    return messages


def camera_state_messages(*, prefix: str) -> dict[str, dict]:
    """Each camera's health as the admin shows it (with `stalled`), and its edge device's, if any."""
    cameras = list(Camera.objects.select_related("location", "device"))
    slugs = _slugs(cameras, "camera")
    messages = {}
    for camera in cameras:
        device = getattr(camera, "device", None)
        messages[f"{prefix}/camera/{slugs[camera.pk]}/state"] = {
            "camera": camera.name, "camera_id": camera.pk, "location": camera.location.name,
            "enabled": camera.enabled, "state": camera_health_state(camera), "last_error": camera.last_error,
            "last_error_at": _iso(camera.last_error_at),
            "device": None if device is None else {
                "name": device.name, "state": device.state, "online": not device_is_offline(device),
                "agent_version": device.agent_version,
                "last_error": device.last_error, "queued": device.queued, "dropped": device.dropped,
            },
        }
    return messages


def camera_state_changed(old: dict | None, new: dict) -> bool:
    """Health changes (state, error, device state), not the counters that move all the time."""
    if old is None:
        return True
    keys = ("state", "enabled", "last_error")
    device_keys = ("state", "online", "last_error", "agent_version")
    old_device, new_device = old.get("device") or {}, new.get("device") or {}
    return (any(old.get(k) != new.get(k) for k in keys)
            or any(old_device.get(k) != new_device.get(k) for k in device_keys))


def finished_visits(*, ended_after: datetime, ended_until: datetime, limit: int = 1000) -> list[Visit]:
    """Visits that ended in (ended_after, ended_until], oldest end first."""
    return list(Visit.objects.filter(ended_at__gt=ended_after, ended_at__lte=ended_until)
                .select_related("location", "camera", "exhibit").order_by("ended_at", "id")[:limit])


def visit_message(*, prefix: str, visit: Visit, slugs: dict[int, str]) -> tuple[str, dict]:
    return f"{prefix}/{slugs.get(visit.location_id, f'location-{visit.location_id}')}/visit", {
        "id": visit.pk, "location": visit.location.name, "camera": visit.camera.name if visit.camera else None,
        "exhibit": visit.exhibit.title if visit.exhibit else None, "started_at": _iso(visit.started_at),
        "ended_at": _iso(visit.ended_at), "dwell_seconds": visit.dwell_seconds,
        "dominant_emotion": legacy_name(visit.dominant_emotion), "mean_scores": visit.mean_scores,
    }


