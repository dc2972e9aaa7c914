"""Analytics migration 0004 splits the existing hourly counts by model version, and reverses cleanly.

A site upgraded with millions of events must not lose or double a count: the migration
recounts from the events under a lock; reversing it restores 0002's counts and triggers.
"""
from datetime import datetime, timedelta, timezone

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from emotions.models import EmotionEvent
from tests.analytics.hourly_count_tools import counts_from_events, counts_kept, require_hourly_counts
from tests.factories import EmotionEventFactory, LocationFactory, ModelVersionFactory

BEFORE = [("analytics", "0003_privacy_notice")]
AFTER = [("analytics", "0004_hourly_counts_per_model_version")]
START = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def counts_without_version() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT hour, location_id, camera_key, exhibit_key, emotion, events, events_at_threshold"
                       " FROM analytics_eventhourlycount WHERE events <> 0")
        return {tuple(row[:5]): tuple(row[5:]) for row in cursor.fetchall()}


def sum_over_versions(counts: dict) -> dict:
    merged: dict = {}
    for key, (events, valid) in counts.items():
        old = merged.get(key[:5], (0, 0))
        merged[key[:5]] = (old[0] + events, old[1] + valid)
    return merged


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_it_recounts_per_version_forwards_and_back():
    require_hourly_counts()
    try:
        migrate(BEFORE)
        # Written under 0002's triggers, which count without the version.
        hall = LocationFactory(name="Hall")
        first, second = ModelVersionFactory(), ModelVersionFactory()
        for n in range(60):
            EmotionEventFactory(location=hall, model_version=(first, second, None)[n % 3],
                                emotion=("happy", "sad", "fear")[n % 5 % 3], confidence=(n % 10) / 10,
                                timestamp=START + timedelta(minutes=11 * n))
        old_shape = counts_without_version()
        assert sum(events for events, _ in old_shape.values()) == 60

        migrate(AFTER)
        assert counts_kept() == counts_from_events()
        assert {key[5] for key in counts_kept()} == {first.pk, second.pk, 0}
        assert sum_over_versions(counts_kept()) == old_shape
        # The new triggers keep the version too.
        EmotionEvent.objects.filter(model_version=first).update(model_version=second)
        assert counts_kept() == counts_from_events()

        migrate(BEFORE)
        assert counts_without_version() == old_shape  # 0002's counts, and its triggers count again
        EmotionEventFactory(location=hall, emotion="angry", confidence=0.9, timestamp=START)
        assert sum(events for events, _ in counts_without_version().values()) == 61
    finally:
        migrate(AFTER)
