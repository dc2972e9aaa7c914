"""Hourly and daily series bucket events by local (Europe/Rome) hour and day, in SQL."""
import pytest

from tests.analytics.web_fixtures import MUSEUM_EXPECTED, museum, viewer_api, viewer_user  # noqa: F401


@pytest.mark.django_db
def test_it_buckets_by_local_hour(viewer_api, museum):
    points = viewer_api.get("/api/analytics/series/hourly/").json()
    assert {p["hour"]: p["total"] for p in points} == MUSEUM_EXPECTED["hourly_totals"]
    first = points[0]
    assert first["emotion_counts"] == {
        "Angry": 0, "Disgust": 0, "Fear": 0, "Happy": 2, "Neutral": 0, "Sad": 1, "Surprise": 0,
    }
    assert first["sentiment_counts"] == {"Positive": 2, "Negative": 1, "Neutral": 0}


@pytest.mark.django_db
def test_it_buckets_by_local_day_and_fills_gaps(viewer_api, museum):
    points = viewer_api.get("/api/analytics/series/daily/").json()
    # 00:30 in Rome on the 22nd is 23:30 UTC on the 21st: it belongs to the 22nd.
    assert {p["date"]: p["total"] for p in points} == MUSEUM_EXPECTED["daily_totals"]
    gap = viewer_api.get("/api/analytics/series/daily/", {"location": "Museum Entrance"}).json()
    assert [(p["date"], p["total"]) for p in gap] == [("2026-11-20", 3), ("2026-11-21", 0), ("2026-11-22", 1)]


@pytest.mark.django_db
def test_it_applies_the_threshold(viewer_api, museum):
    points = viewer_api.get("/api/analytics/series/daily/", {"threshold": "0"}).json()
    assert sum(p["total"] for p in points) == MUSEUM_EXPECTED["total_rows"]
