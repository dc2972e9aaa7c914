"""One filter shape for every analytics read (command, API, reports)."""
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
        qs = EmotionEvent.objects.all() if queryset is None else queryset
        if self.since is not None:
            qs = qs.filter(timestamp__gte=self.since)
        if self.until is not None:
            qs = qs.filter(timestamp__lt=self.until)
        if self.location is not None:
            qs = qs.filter(location__name=self.location)
        if self.location_id is not None:
            qs = qs.filter(location_id=self.location_id)
        if self.exhibit_id is not None:
            qs = qs.filter(exhibit_id=self.exhibit_id)
        if self.camera_id is not None:
            qs = qs.filter(camera_id=self.camera_id)
        return qs

    def visits(self, queryset: QuerySet[Visit] | None = None) -> QuerySet[Visit]:
        qs = Visit.objects.all() if queryset is None else queryset
        if self.since is not None:
            qs = qs.filter(started_at__gte=self.since)
        if self.until is not None:
            qs = qs.filter(started_at__lt=self.until)
        if self.location is not None:
            qs = qs.filter(location__name=self.location)
        if self.location_id is not None:
            qs = qs.filter(location_id=self.location_id)
        if self.exhibit_id is not None:
            qs = qs.filter(exhibit_id=self.exhibit_id)
        if self.camera_id is not None:
            qs = qs.filter(camera_id=self.camera_id)
        return qs
