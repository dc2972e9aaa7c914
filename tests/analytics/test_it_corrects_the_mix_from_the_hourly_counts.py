"""On PostgreSQL the corrected mix counts each model version's detections from the hourly counts
(kept per version by the triggers, analytics migration 0004), not from the events: the same
answer as counting the events, without a GROUP BY over them."""
from datetime import datetime, timedelta, timezone

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from analytics.models import EventHourlyCount
from emotions.models import EventRollup
from tests.analytics.test_it_corrects_each_model_versions_detections_with_its_matrix import OLD_METRICS, shipped_metrics
from tests.analytics.hourly_count_tools import postgresql  # noqa: F401
from tests.analytics.web_fixtures import viewer_api, viewer_user  # noqa: F401
from tests.factories import EmotionEventFactory, LocationFactory, ModelVersionFactory

URL = "/api/analytics/corrected-mix/"
START = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def three_sources(postgresql):
    """An active model, an older one, and detections without a version, over several hours and two places."""
    active = ModelVersionFactory(name="new", artifact_dir=str(settings.SHIPPED_MODEL_DIR), is_active=True,
                                 metrics=shipped_metrics())
    old = ModelVersionFactory(name="old", metrics=OLD_METRICS)
    hall, foyer = LocationFactory(name="Hall"), LocationFactory(name="Foyer")
    labels = ["happy", "fear", "sad", "neutral", "angry", "surprise", "disgust"]
    for n in range(7 * 40):
        version = (active, old, None)[n % 3]
        EmotionEventFactory(location=(hall, foyer)[n % 2], model_version=version, emotion=labels[n % 7],
                            confidence=(n % 10) / 10 + 0.05, timestamp=START + timedelta(minutes=7 * n))
    return active, old, hall


def answered_from_counts(viewer_api, query: dict) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        answer = viewer_api.get(URL, query).json()
    return answer, [q["sql"] for q in queries.captured_queries]


QUERIES = [{}, {"since": "2026-11-20", "until": "2026-11-21"}, {"location": "Hall"}]


@pytest.mark.integration
@pytest.mark.parametrize("query", QUERIES)
def test_it_gives_the_answer_the_events_give(viewer_api, three_sources, query):
    fast, sql = answered_from_counts(viewer_api, query)
    with override_settings(ANALYTICS_HOURLY_COUNTS=False):
        slow = viewer_api.get(URL, query).json()
    assert fast["status"] == "estimated"
    assert {m["name"] for m in fast["models"]} == {"new", "old"}
    assert fast == slow
    # The per-version detections came from the hourly counts: no query groups the events by version.
    assert not [q for q in sql if "emotions_emotionevent" in q and "model_version_id" in q and "GROUP BY" in q]
    assert [q for q in sql if "analytics_eventhourlycount" in q and "model_version_key" in q]


@pytest.mark.integration
def test_it_moves_a_deleted_versions_detections_to_the_active_matrix(viewer_api, three_sources):
    _, old, _ = three_sources
    before, _ = answered_from_counts(viewer_api, {})
    old.delete()  # its events' model_version set NULL: the triggers move their counts to "no version"
    assert not EventHourlyCount.objects.filter(model_version_key=old.pk, events__gt=0).exists()
    after, _ = answered_from_counts(viewer_api, {})
    with override_settings(ANALYTICS_HOURLY_COUNTS=False):
        assert after == viewer_api.get(URL).json()
    assert [m["name"] for m in after["models"]] == ["new"]
    assert after["detections"] == before["detections"]


@pytest.mark.integration
def test_it_adds_purged_rollups_and_survives_a_version_it_cannot_find(viewer_api, three_sources):
    active, _, hall = three_sources
    EventRollup.objects.create(hour=START - timedelta(days=30), local_date=(START - timedelta(days=30)).date(),
                               local_hour=9, location=hall, exhibit_key=0, camera_key=0, emotion="sad",
                               confidence_step=12, events=25, unlinked_events=25, first_timestamp=START - timedelta(days=30),
                               last_timestamp=START - timedelta(days=30), first_event_id=1)
    with_rollups, _ = answered_from_counts(viewer_api, {})
    with override_settings(ANALYTICS_HOURLY_COUNTS=False):
        assert with_rollups == viewer_api.get(URL).json()
    # A count under a version id that is not registered (written around the triggers, or the version
    # deleted meanwhile) is corrected with the active model's matrix and said so; no error.
    EventHourlyCount.objects.create(hour=START, location_id=hall.pk, camera_key=0, exhibit_key=0, emotion="happy",
                                    model_version_key=active.pk + 1000, events=9, events_at_threshold=9)
    response = viewer_api.get(URL)
    assert response.status_code == 200
    answer = response.json()
    assert answer["status"] == "estimated" and answer["detections"] == with_rollups["detections"] + 9
    assert f"9 detections of model version {active.pk + 1000} were corrected with the active model's matrix " \
           "(no longer registered)." in answer["notes"]
