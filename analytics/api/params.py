"""Query parameters -> EventFilter (+ threshold), shared by the API and the reports page.

Every problem is a `BadParameter` naming the parameter, so callers answer 400
with a message a dashboard author can act on; nothing falls back silently
(a typo'd location must not quietly report the whole museum).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime

from django.utils import timezone

from analytics.legacy_summary import DEFAULT_THRESHOLD
from cameras.models import Camera, Exhibit, Location
from cameras.validators import control_character_problem
from emotions.filters import EventFilter
from emotions.time_bounds import filter_end_problem, filter_start_problem

FILTER_PARAMS = ("since", "until", "location", "location_id", "exhibit", "camera")
THRESHOLD_PARAM = "threshold"
FILL_ZEROS_PARAM = "fill_zeros"


class BadParameter(ValueError):
    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


def reject_unknown_params(params: Mapping[str, object], allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    for name in params:
        if name not in allowed:
            raise BadParameter(name, f"unknown parameter (expected one of: {', '.join(allowed)})")


def parse_moment(parameter: str, raw: str, *, ends: bool = False) -> datetime:
    """'2026-11-20', '2026-11-20 14:00' or ISO 8601 with an offset -> aware datetime.

    As in the legacy commands' --since/--until: naive values are local
    (TIME_ZONE), and a bare date means its midnight (so `until`, exclusive,
    ends the day before). Within the bounds of emotions.time_bounds (`ends`:
    the parameter is an exclusive end, which may reach further ahead).
    """
    value = raw.strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        hint = " (in a URL, write the offset's '+' as %2B)" if " " in value[10:] else ""
        raise BadParameter(
            parameter, f"{raw!r} is not a date (YYYY-MM-DD) or ISO 8601 date-time{hint}"
        ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=timezone.get_default_timezone())
    if problem := (filter_end_problem if ends else filter_start_problem)(moment):
        raise BadParameter(parameter, f"{raw!r} {problem}")
    return moment


def _parse_id(parameter: str, raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise BadParameter(parameter, f"{raw!r} is not an id (a whole number)") from None
    if value < 1:
        raise BadParameter(parameter, f"{raw!r} is not an id (a positive whole number)")
    return value


def _present(params: Mapping[str, str], name: str) -> str | None:
    """A parameter's value; absent and empty (an untouched form field) are the same."""
    raw = params.get(name)
    if raw is None or str(raw).strip() == "":
        return None
    return str(raw)


# query parameter -> the model its id must exist in
_ID_PARAMS = (("location_id", Location), ("exhibit", Exhibit), ("camera", Camera))


def event_filter_from_params(params: Mapping[str, str]) -> EventFilter:
    """Parse since/until/location/location_id/exhibit/camera; unknown ids and names are errors."""
    since = until = None
    if (raw := _present(params, "since")) is not None:
        since = parse_moment("since", raw)
    if (raw := _present(params, "until")) is not None:
        until = parse_moment("until", raw, ends=True)
    if since is not None and until is not None and until <= since:
        raise BadParameter("until", "must be after since")

    location = None
    if (raw := _present(params, "location")) is not None:
        location = raw.strip()
        # Names have no control characters (and PostgreSQL refuses NUL in a query).
        if control_character_problem(location) or not Location.objects.filter(name=location).exists():
            raise BadParameter("location", f"no location named {location!r}")
    ids = {}
    for parameter, model in _ID_PARAMS:
        if (raw := _present(params, parameter)) is not None:
            ids[parameter] = _parse_id(parameter, raw)
            if not model.objects.filter(pk=ids[parameter]).exists():
                raise BadParameter(parameter, f"no {model._meta.verbose_name} with id {ids[parameter]}")
    return EventFilter(
        since=since, until=until, location=location, location_id=ids.get("location_id"),
        exhibit_id=ids.get("exhibit"), camera_id=ids.get("camera"),
    )


def threshold_from_params(params: Mapping[str, str]) -> float:
    """Minimum confidence for an event to count (legacy default 0.6), 0..1."""
    raw = _present(params, THRESHOLD_PARAM)
    if raw is None:
        return DEFAULT_THRESHOLD
    try:
        value = float(raw)
    except ValueError:
        raise BadParameter(THRESHOLD_PARAM, f"{raw!r} is not a number") from None
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise BadParameter(THRESHOLD_PARAM, f"{raw!r} is outside 0..1")
    return value


def fill_zeros_from_params(params: Mapping[str, str]) -> bool:
    """The summary's fixed shape (every label, zeros included) or, by default, the prototype's."""
    raw = _present(params, FILL_ZEROS_PARAM)
    if raw is None:
        return False
    value = raw.strip().lower()
    if value not in ("true", "false", "1", "0"):
        raise BadParameter(FILL_ZEROS_PARAM, f"{raw!r} is not true or false")
    return value in ("true", "1")
