"""Shared by the tests of the trigger-kept hourly counts (PostgreSQL only): the skip rule, and the
counts compared both ways, as the triggers keep them and as a GROUP BY over the events gives them."""
from datetime import timezone

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncHour

from analytics.models import EventHourlyCount
from emotions.models import EmotionEvent
from tests.conftest import require_service


def require_hourly_counts() -> None:
    if connection.vendor != "postgresql":
        require_service("the hourly counts are kept by PostgreSQL triggers: set DATABASE_URL=postgres://...")


@pytest.fixture
def postgresql(db):
    require_hourly_counts()


def counts_from_events() -> dict:
    rows = (
        EmotionEvent.objects.order_by()
        .annotate(hour=TruncHour("timestamp", tzinfo=timezone.utc))
        .values("hour", "location_id", "camera_id", "exhibit_id", "emotion", "model_version_id")
        .annotate(events=Count("*"), valid=Count("id", filter=Q(confidence__gte=0.6)))
    )
    return {
        (r["hour"], r["location_id"], r["camera_id"] or 0, r["exhibit_id"] or 0, r["emotion"],
         r["model_version_id"] or 0): (r["events"], r["valid"])
        for r in rows
    }


def counts_kept() -> dict:
    return {
        (c.hour, c.location_id, c.camera_key, c.exhibit_key, c.emotion, c.model_version_key):
        (c.events, c.events_at_threshold)
        for c in EventHourlyCount.objects.all()
        if c.events  # keys whose events were all deleted or moved stay at zero
    }
