"""(Django side, like runner.py) A camera's privacy settings from the database, as the pipeline's Django-free gates.

The one place the Django side hands zones and hours to the pipeline core
(worker/pipeline/zones.py): `pipeline_for_camera` at a session's start and
`camera_segment_run` at every segment's start (so staff edits apply within a segment).
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from typing import Callable

import redis
from django.conf import settings

from cameras.models import Camera, Location
from cameras.preview_store import preview_put, preview_requested
from cameras.privacy_rules import opening_hours_parse
from worker.pipeline.preview import preview_jpeg
from worker.pipeline.zones import AnalysisHours, ZoneGate

log = logging.getLogger(__name__)


def zone_gate_for(camera: Camera) -> ZoneGate:
    return ZoneGate.from_zones(camera.privacy_zones)


def analysis_hours_for(location: Location) -> AnalysisHours:
    weekly = opening_hours_parse(location.opening_hours)
    return AnalysisHours(
        time_zone=settings.TIME_ZONE,
        weekly={day: tuple(spans) for day, spans in weekly.items()} if weekly else None,
        closures=tuple(location.closures.values_list("first_day", "last_day")),
        staff_area=location.staff_area,
    )


def idle_while_closed(hours: AnalysisHours, *, max_seconds: float,
                      should_continue: Callable[[], bool] | None = None, step: float = 1.0) -> None:
    """Wait (decoding nothing) until the location opens, the segment's time is up or the camera stops."""
    started = time.monotonic()
    while time.monotonic() - started < max_seconds:
        if hours.open_at(datetime.now(timezone.utc)):
            return
        if should_continue is not None and not should_continue():
            return
        time.sleep(min(step, max(0.0, max_seconds - (time.monotonic() - started))))


# camera id -> monotonic time before which the preview store is not asked again (it failed)
_store_unreachable_until: dict[int, float] = {}


class CameraPreviewer:
    """Refreshes a camera's blurred preview (cameras/preview_store.py) while staff ask for one.

    Asks the store at most once a second whether anyone is looking, and builds at most
    one preview every `every_seconds`; costs nothing otherwise.
    """

    def __init__(self, camera: Camera, *, every_seconds: float = 2.0):
        self.camera_id = camera.pk
        self.zones = list(camera.privacy_zones or [])
        self.every_seconds = every_seconds
        self.next_check = 0.0
        self.next_preview = 0.0

    def offer(self, image, detector) -> bool:
        """Maybe turn this frame into the preview; True when it did."""
        now = time.monotonic()
        if now < self.next_check or now < self.next_preview or now < _store_unreachable_until.get(self.camera_id, 0.0):
            return False
        self.next_check = now + 1.0
        try:
            if not preview_requested(self.camera_id):
                return False
            boxes = [d.box for d in detector.detect(image)]
            preview_put(self.camera_id, preview_jpeg(image, face_boxes=boxes, zones=self.zones))
        except (OSError, redis.RedisError) as exc:  # no store: the camera keeps working, staff see no preview
            if self.camera_id not in _store_unreachable_until:
                log.warning("camera %s: no preview store (%s); asking again every 5 minutes", self.camera_id, exc)
            _store_unreachable_until[self.camera_id] = now + 300.0
            return False
        self.next_preview = now + self.every_seconds
        return True
