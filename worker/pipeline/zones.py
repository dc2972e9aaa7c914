"""The pipeline's privacy gates: which faces (privacy zones) and which moments (analysis hours)
may be analysed. Plain Python, no Django: the server workers and an edge device run the same gates.

Zones come validated from the camera (cameras/privacy_rules.py): polygons in 0..1 frame
coordinates, `exclude` or `include`. A face counts as inside a zone when its box centre is.
Hours come parsed from the location: weekday -> [(start, end) minutes], dated closures, and
the staff-area flag (a staff area is never open to analysis).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo


def point_in_polygon(x: float, y: float, points: list[list[float]] | tuple) -> bool:
    """Even-odd ray casting; a point on an edge may fall either way (zones are drawn with a margin)."""
    inside = False
    count = len(points)
    for i in range(count):
        x1, y1 = points[i]
        x2, y2 = points[(i + 1) % count]
        if (y1 > y) != (y2 > y):
            crossing = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < crossing:
                inside = not inside
    return inside


@dataclass(frozen=True)
class ZoneGate:
    """Which face boxes the pipeline may look at, from a camera's privacy zones."""

    zones: tuple = ()

    @classmethod
    def from_zones(cls, zones: list[dict] | None) -> ZoneGate:
        return cls(tuple((z["kind"], tuple(tuple(p) for p in z["points"])) for z in zones or ()))

    def allows(self, box: tuple, width: int, height: int) -> bool:
        """Is the face whose box (x, y, w, h in pixels) is given outside every exclude zone and,
        when there are include zones, inside one of them?"""
        if not self.zones:
            return True
        x, y, w, h = box
        cx, cy = (x + w / 2.0) / max(width, 1), (y + h / 2.0) / max(height, 1)
        included = None
        for kind, points in self.zones:
            inside = point_in_polygon(cx, cy, points)
            if kind == "exclude" and inside:
                return False
            if kind == "include":
                included = bool(included) or inside
        return included is not False


@dataclass(frozen=True)
class AnalysisHours:
    """When a location's cameras may analyse: weekly hours in local time, minus closures.

    `weekly` None: no hours set, open at any time (closures and the staff flag still apply).
    """

    time_zone: str = "UTC"
    weekly: dict[int, tuple[tuple[int, int], ...]] | None = None
    closures: tuple[tuple[date, date], ...] = field(default_factory=tuple)
    staff_area: bool = False

    def open_at(self, moment: datetime) -> bool:
        """Is analysis allowed at this instant (an aware datetime)?"""
        if self.staff_area:
            return False
        local = moment.astimezone(ZoneInfo(self.time_zone))
        day = local.date()
        if any(first <= day <= last for first, last in self.closures):
            return False
        if self.weekly is None:
            return True
        minute = local.hour * 60 + local.minute
        return any(start <= minute < end for start, end in self.weekly.get(local.weekday(), ()))
