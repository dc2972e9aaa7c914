"""Privacy zones and analysis hours as staff enter them: validation and parsing, plain Python.

A camera's `privacy_zones` is a list of polygons in frame coordinates normalised
to 0..1: `[{"kind": "exclude" | "include", "points": [[x, y], ...]}, ...]`.
A location's `opening_hours` maps weekdays to "HH:MM-HH:MM" ranges:
`{"mon": ["09:00-13:00", "14:00-18:00"], "sun": []}`; a weekday left out is closed,
and an empty mapping means "no hours set" (analysis is not limited by the clock).

The worker turns the parsed values into the pipeline's Django-free gates
(worker/pipeline/zones.py); this module only checks and parses what staff typed,
so the admin, the API and the model all give the same clear messages.
"""
from __future__ import annotations

import math

from django.core.exceptions import ValidationError

ZONE_KINDS = ("exclude", "include")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday() order
MAX_ZONES = 32
MAX_POINTS = 64


def _zone_error(index: int, message: str) -> ValidationError:
    return ValidationError(f"zone {index}: {message}", code="invalid_zone")


def _point_checked(index: int, point) -> list[float]:
    if not isinstance(point, (list, tuple)) or len(point) != 2:
        raise _zone_error(index, f"point {point!r} is not [x, y]")
    coords = []
    for value in point:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise _zone_error(index, f"point {point!r} has a non-number")
        if not 0.0 <= value <= 1.0:
            raise _zone_error(index, f"point {point!r} is outside 0..1 (coordinates are fractions of the frame)")
        coords.append(float(value))
    return coords


def privacy_zones_validate(value) -> list[dict]:
    """The zones, checked and normalised; ValidationError naming the zone otherwise."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValidationError("privacy zones must be a list of {kind, points} objects", code="invalid_zone")
    if len(value) > MAX_ZONES:
        raise ValidationError(f"at most {MAX_ZONES} privacy zones", code="invalid_zone")
    zones = []
    for index, zone in enumerate(value):
        if not isinstance(zone, dict) or set(zone) != {"kind", "points"}:
            raise _zone_error(index, 'must be an object with exactly "kind" and "points"')
        if zone["kind"] not in ZONE_KINDS:
            raise _zone_error(index, f"kind must be one of {', '.join(ZONE_KINDS)}, not {zone['kind']!r}")
        points = zone["points"]
        if not isinstance(points, list) or not 3 <= len(points) <= MAX_POINTS:
            raise _zone_error(index, f"needs 3 to {MAX_POINTS} points")
        zones.append({"kind": zone["kind"], "points": [_point_checked(index, p) for p in points]})
    return zones


def _minutes(text: str, weekday: str) -> int:
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValidationError(f"{weekday}: {text!r} is not HH:MM", code="invalid_hours")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > 24 * 60:
        raise ValidationError(f"{weekday}: {text!r} is not a time of day", code="invalid_hours")
    return value


def opening_hours_parse(value) -> dict[int, list[tuple[int, int]]]:
    """{"mon": ["09:00-18:00"]} -> {0: [(540, 1080)]}: weekday -> [(start, end) minutes], end exclusive."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationError('opening hours must map weekdays to ranges, e.g. {"mon": ["09:00-18:00"]}',
                              code="invalid_hours")
    parsed: dict[int, list[tuple[int, int]]] = {}
    for weekday, ranges in value.items():
        if weekday not in WEEKDAYS:
            raise ValidationError(f"{weekday!r} is not a weekday ({', '.join(WEEKDAYS)})", code="invalid_hours")
        if not isinstance(ranges, list) or not all(isinstance(r, str) for r in ranges):
            raise ValidationError(f'{weekday}: give a list of "HH:MM-HH:MM" ranges', code="invalid_hours")
        spans = []
        for text in ranges:
            start, dash, end = text.partition("-")
            if not dash:
                raise ValidationError(f"{weekday}: {text!r} is not HH:MM-HH:MM", code="invalid_hours")
            span = (_minutes(start, weekday), _minutes(end, weekday))
            if span[1] <= span[0]:
                raise ValidationError(f"{weekday}: {text!r} ends before it starts", code="invalid_hours")
            spans.append(span)
        parsed[WEEKDAYS.index(weekday)] = sorted(spans)
    return parsed


def opening_hours_validate(value) -> None:
    opening_hours_parse(value)
