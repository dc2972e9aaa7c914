"""PostgreSQL keeps hourly event counts by trigger; reads from them equal reads from the events.

The API and reports answer from analytics_eventhourlycount when they can
(see analytics/selectors/event_counts.py). These tests change events every way
the site does and compare the counts with a GROUP BY over the events, then
compare every analytics endpoint answered both ways.
"""
import json
from datetime import datetime, timedelta, timezone

import pytest
from django.db import connection
from django.test import override_settings

from analytics.legacy_summary import emotion_summary
from analytics.selectors.event_counts import hourly_counts_answer
from analytics.selectors.summary import legacy_summary
from emotions.filters import EventFilter
from emotions.models import EmotionEvent
from tests.analytics.hourly_count_tools import counts_from_events, counts_kept, postgresql  # noqa: F401
from tests.analytics.web_fixtures import local, museum, staff_api, viewer_api, viewer_user  # noqa: F401
from tests.factories import CameraFactory, EmotionEventFactory, ModelVersionFactory


@pytest.mark.integration
@pytest.mark.django_db
def test_it_counts_every_kind_of_write(postgresql, museum, staff_api):
    assert counts_kept() == counts_from_events()
    # Inserts: the ingest API (bulk_create), one more camera, a raw INSERT .. SELECT like the CSV import.
    staff_api.post("/api/events/", {"events": [
        {"id": f"c-{n}", "timestamp": f"2026-11-20T16:0{n}:00+01:00", "camera": museum.cam_hall.pk,
         "emotion": "sad", "confidence": 0.5 + n / 10} for n in range(5)
    ]}, format="json")
    spare = CameraFactory(location=museum.hall)
    EmotionEventFactory.create_batch(3, camera=spare, location=museum.hall, timestamp=local("2026-11-20 16:30"))
    old_model, new_model = ModelVersionFactory(), ModelVersionFactory()
    EmotionEventFactory.create_batch(4, location=museum.hall, model_version=old_model,
                                     timestamp=local("2026-11-20 16:40"))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO emotions_emotionevent (timestamp, location_id, emotion, confidence, source, track_id, event_key)"
            " SELECT timestamp + interval '1 day', location_id, emotion, confidence, 'import', '', 'copy:' || id"
            " FROM emotions_emotionevent"
        )
    assert counts_kept() == counts_from_events()
    # Updates: an emotion relabelled, confidences lowered, a camera deleted (its events' camera set NULL).
    EmotionEvent.objects.filter(emotion="happy").update(emotion="neutral")
    EmotionEvent.objects.filter(confidence__gte=0.9).update(confidence=0.61)
    spare.delete()
    # Reclassified by a newer model, and a model version deleted (its events' version set NULL).
    EmotionEvent.objects.filter(emotion="sad").update(model_version=new_model)
    assert counts_kept() == counts_from_events()
    old_model.delete()
    EmotionEvent.objects.filter(emotion="sad").update(track_id="relabelled")  # nothing counted changes
    assert counts_kept() == counts_from_events()
    # Deletes, then everything.
    EmotionEvent.objects.filter(location=museum.entrance).delete()
    assert counts_kept() == counts_from_events()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # runs the deferred FK checks TRUNCATE would wait on
        cursor.execute("TRUNCATE emotions_emotionevent CASCADE")
    assert counts_kept() == {} == counts_from_events()


def dst_events(museum):
    """Events around the 2026-10-25 clock change (03:00 CEST -> 02:00 CET), each hour on both sides."""
    start = datetime(2026, 10, 24, 22, 0, tzinfo=timezone.utc)
    emotions = ["happy", "sad", "neutral", "angry", "surprise", "fear", "disgust"]
    for n in range(8 * 12):
        camera = museum.cam_hall if n % 3 else museum.cam_entrance
        EmotionEventFactory(
            timestamp=start + timedelta(minutes=5 * n + 1), camera=camera, location=camera.location,
            exhibit=camera.exhibit, emotion=emotions[n % 7], confidence=(n % 10) / 10 + 0.05,
        )


FILTERS = [
    EventFilter(),
    EventFilter(since=local("2026-11-20 00:00"), until=local("2026-11-21 00:00")),
    EventFilter(location="Exhibit Hall A"),
    EventFilter(since=local("2026-10-25 00:00"), until=local("2026-10-26 00:00")),  # a 25-hour day
    EventFilter(exhibit_id=1, since=local("2026-10-25 01:00")),
    EventFilter(camera_id=1, until=local("2026-11-22 00:00")),
]


@pytest.mark.integration
@pytest.mark.django_db
def test_it_gives_the_legacy_summary_exactly(postgresql, museum):
    dst_events(museum)
    for event_filter in FILTERS:
        event_filter = EventFilter(**{
            **event_filter.__dict__,
            **({"exhibit_id": museum.mona_lisa.pk} if event_filter.exhibit_id else {}),
            **({"camera_id": museum.cam_entrance.pk} if event_filter.camera_id else {}),
        })
        assert hourly_counts_answer(event_filter=event_filter, threshold=0.6, local_time=False)
        for fill_zeros in (False, True):  # texts, not dicts: the order of tied counts must match too
            assert json.dumps(legacy_summary(event_filter=event_filter, threshold=0.6, fill_zeros=fill_zeros)) == json.dumps(
                emotion_summary(event_filter=event_filter, threshold=0.6, fill_zeros=fill_zeros)
            ), event_filter
    # Off the whole hour, or another threshold: the events answer, same JSON.
    odd = EventFilter(since=local("2026-10-25 01:30"))
    assert not hourly_counts_answer(event_filter=odd, threshold=0.6, local_time=False)
    assert not hourly_counts_answer(event_filter=EventFilter(), threshold=0.7, local_time=False)
    assert json.dumps(legacy_summary(event_filter=odd, threshold=0.6)) == json.dumps(
        emotion_summary(event_filter=odd, threshold=0.6)
    )


@pytest.mark.integration
@pytest.mark.django_db
def test_it_answers_every_endpoint_like_the_events_do(postgresql, museum, viewer_api):
    dst_events(museum)
    urls = ["/api/analytics/summary/", "/api/analytics/series/hourly/", "/api/analytics/series/daily/",
            "/api/analytics/locations/", "/api/analytics/exhibits/", "/api/analytics/corrected-mix/"]
    queries = [{}, {"since": "2026-10-25", "until": "2026-10-26"}, {"location_id": museum.hall.pk},
               {"camera": museum.cam_entrance.pk}, {"exhibit": museum.mona_lisa.pk, "since": "2026-11-01"}]
    for url in urls:
        for query in queries:
            fast = viewer_api.get(url, query).json()
            with override_settings(ANALYTICS_HOURLY_COUNTS=False):
                slow = viewer_api.get(url, query).json()
            assert fast == slow, (url, query)
