"""Command-line options shared by the legacy commands (export_emotion_log, analyze_emotions)."""
from __future__ import annotations

import argparse
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import CommandError

from cameras.models import Location
from emotions.filters import EventFilter
from emotions.time_bounds import filter_end_problem, filter_start_problem


def local_datetime(text: str) -> datetime:
    """'2025-11-25', '2025-11-25 14:00' or ISO 8601 with an offset; naive means TIME_ZONE."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date or time (use YYYY-MM-DD, 'YYYY-MM-DD HH:MM' or ISO 8601)"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return value


def _bounded(check):
    def parse(text: str) -> datetime:
        value = local_datetime(text)
        if problem := check(value):
            raise argparse.ArgumentTypeError(f"{text!r} {problem}")
        return value

    return parse


def add_event_filter_arguments(parser) -> None:
    parser.add_argument(
        "--since", type=_bounded(filter_start_problem),
        help="Events at or after this time (local time unless an offset is given).",
    )
    parser.add_argument(
        "--until", type=_bounded(filter_end_problem),
        help="Events before this time (exclusive); a date means its midnight.",
    )
    parser.add_argument("--location", help="Only this location (its name, as in the CSV's CameraLocation).")


def event_filter_from_options(options: dict, *, check_location: bool = True) -> EventFilter:
    since, until, location = options.get("since"), options.get("until"), options.get("location")
    if since is not None and until is not None and until <= since:
        raise CommandError(f"--until ({until.isoformat()}) must be after --since ({since.isoformat()})")
    if check_location and location is not None and not Location.objects.filter(name=location).exists():
        known = ", ".join(Location.objects.values_list("name", flat=True)[:20]) or "none yet"
        raise CommandError(f"no location named {location!r} (known: {known})")
    return EventFilter(since=since, until=until, location=location)


