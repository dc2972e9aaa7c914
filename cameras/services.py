"""Writes for cameras: staff start/stop, and the health a camera's worker reports."""
from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
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
    frames_dropped: int | None = None,
    faces_per_minute: float | None = None,
    error: str | None = None,
) -> None:
    """Record a worker's view of its camera. One UPDATE, no read: cheap enough per segment."""
    now = timezone.now()
    fields: dict = {"state": state, "status_updated_at": now}
    if last_frame_at is not None:
        fields["last_frame_at"] = last_frame_at
    if fps is not None:
        fields["fps"] = fps
    if frames_dropped is not None:
        fields["frames_dropped"] = frames_dropped
    if faces_per_minute is not None:
        fields["faces_per_minute"] = faces_per_minute
    if error:
        fields["last_error"] = error
        fields["last_error_at"] = now
    elif error == "":
        # A healthy (re)start clears the message but keeps when the last error happened.
        fields["last_error"] = ""
    Camera.objects.filter(pk=camera_id).update(**fields)
