"""Visits (one tracked face in front of one camera) for lists and exports."""
from __future__ import annotations

from django.db.models import QuerySet

from emotions.filters import EventFilter
from emotions.models import Visit


def visit_list(*, event_filter: EventFilter) -> QuerySet[Visit]:
    """Newest first; served by visit_started / visit_location_started / visit_exhibit_started."""
    return (
        event_filter.visits()
        .select_related("location", "exhibit", "camera")
        .order_by("-started_at", "-id")
    )
