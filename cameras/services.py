"""Writes for cameras: staff start/stop, and the health a camera's worker reports."""
from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cameras.models import Camera


@transaction.atomic
def camera_enable(*, camera: Camera) -> Camera:
    """Staff start a camera: `camera_workers` sees `enabled` and starts its worker."""
    if camera.location.staff_area:
        raise ValidationError(f"{camera.location.name} is a staff area: its cameras may not analyse")
    camera.enabled = True
    camera.state = Camera.State.STARTING
    camera.status_updated_at = timezone.now()
    camera.save(update_fields=["enabled", "state", "status_updated_at"])
    return camera


@transaction.atomic
def camera_disable(*, camera: Camera) -> Camera:
    """Staff stop a camera: its running segment ends and does not re-enqueue."""
    camera.enabled = False
    camera.status_updated_at = timezone.now()
    camera.save(update_fields=["enabled", "status_updated_at"])
    return camera


def camera_status_update(
    *,
    camera_id: int,
    state: str,
    last_frame_at: datetime | None = None,
    fps: float | None = None,
    input_fps: float | None = None,
    frames_dropped: int | None = None,
    faces_per_minute: float | None = None,
    error: str | None = None,
    error_at: datetime | None = None,
    heartbeat: bool = False,
) -> None:
    """Record a worker's view of its camera. One UPDATE, no read: cheap enough per segment.

    `error_at`: when an error that could only be recorded later (the database was
    down) happened. `heartbeat`: the worker is making progress now.
    """
    now = timezone.now()
    fields: dict = {"state": state, "status_updated_at": now}
    if heartbeat:
        fields["heartbeat_at"] = now
    if last_frame_at is not None:
        fields["last_frame_at"] = last_frame_at
    if fps is not None:
        fields["fps"] = fps
    if input_fps is not None:
        fields["input_fps"] = input_fps
    if frames_dropped is not None:
        fields["frames_dropped"] = frames_dropped
    if faces_per_minute is not None:
        fields["faces_per_minute"] = faces_per_minute
    if error:
        fields["last_error"] = error
        fields["last_error_at"] = error_at or now
    elif error == "":
        # A healthy (re)start clears the message but keeps when the last error happened.
        fields["last_error"] = ""
    Camera.objects.filter(pk=camera_id).update(**fields)


def camera_heartbeat(*, camera_id: int) -> None:
    """The camera's worker is making progress (the runner calls it every few seconds)."""
    Camera.objects.filter(pk=camera_id).update(heartbeat_at=timezone.now())


def camera_error_record(*, camera_id: int, error: str) -> None:
    """Note a problem the camera lives through (its state stays as it is), e.g. the broker unreachable."""
    now = timezone.now()
    Camera.objects.filter(pk=camera_id).update(last_error=error, last_error_at=now, status_updated_at=now)


def camera_restart_record(*, camera_id: int, error: str, error_at: datetime | None = None) -> None:
    """The camera's worker process died, or its segment chain had to be started again."""
    now = timezone.now()
    Camera.objects.filter(pk=camera_id).update(
        restarts=F("restarts") + 1, state=Camera.State.ERROR, last_error=error, last_error_at=error_at or now,
        status_updated_at=now,
    )
