"""Reads the camera workers need: which cameras should run, and whether one still should."""
from __future__ import annotations

from dataclasses import dataclass

from cameras.models import Camera


@dataclass(frozen=True)
class CameraSupervision:
    camera_id: int
    enabled: bool
    state: str


def camera_supervision_list() -> list[CameraSupervision]:
    """Every camera's switch and state, in one query (camera_workers polls this every few seconds)."""
    return [
        CameraSupervision(camera_id=pk, enabled=enabled, state=state)
        for pk, enabled, state in Camera.objects.order_by("pk").values_list("pk", "enabled", "state")
    ]


def camera_is_enabled(*, camera_id: int) -> bool:
    """Primary-key lookup, polled about once a second by a running segment."""
    return Camera.objects.filter(pk=camera_id, enabled=True).exists()
