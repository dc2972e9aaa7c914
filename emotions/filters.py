"""One filter shape for every read of events and visits (analytics command, API, reports; CSV export)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from emotions.models import EmotionEvent, Visit


@dataclass(frozen=True)
class EventFilter:
    """Which events (or visits) a report covers. `until` is exclusive.

    `location` is a Location name, as in the legacy CSV's CameraLocation column;
    the ids come from the API and the reports' drop-downs.
    """

    since: datetime | None = None
    until: datetime | None = None
    location: str | None = None
    location_id: int | None = None
    exhibit_id: int | None = None
    camera_id: int | None = None

    def events(self, queryset: QuerySet[EmotionEvent] | None = None) -> QuerySet[EmotionEvent]:
        return self._apply(EmotionEvent.objects.all() if queryset is None else queryset, "timestamp")

    def visits(self, queryset: QuerySet[Visit] | None = None) -> QuerySet[Visit]:
        # A visit belongs to the period it started in.
        return self._apply(Visit.objects.all() if queryset is None else queryset, "started_at")

    def _apply(self, qs: QuerySet, time_field: str) -> QuerySet:
        if self.since is not None:
            qs = qs.filter(**{f"{time_field}__gte": self.since})
        if self.until is not None:
            qs = qs.filter(**{f"{time_field}__lt": self.until})
        if self.location is not None:
            qs = qs.filter(location__name=self.location)
        if self.location_id is not None:
            qs = qs.filter(location_id=self.location_id)
        if self.exhibit_id is not None:
            qs = qs.filter(exhibit_id=self.exhibit_id)
        if self.camera_id is not None:
            qs = qs.filter(camera_id=self.camera_id)
        return qs
