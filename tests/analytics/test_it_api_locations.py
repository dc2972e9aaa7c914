"""Per-location stats: event emotions (at or above the threshold) and visits with dwell times."""
import pytest

from tests.analytics.web_fixtures import museum, viewer_api, viewer_user  # noqa: F401


@pytest.mark.django_db
def test_it_counts_emotions_and_visits_per_location(viewer_api, museum):
    rows = {row["location"]: row for row in viewer_api.get("/api/analytics/locations/").json()}
    assert list(rows) == ["Exhibit Hall A", "Museum Entrance"]
    hall, entrance = rows["Exhibit Hall A"], rows["Museum Entrance"]
    assert hall["total"] == 5
    assert hall["emotion_counts"]["Happy"] == 2
    assert hall["sentiment_counts"] == {"Positive": 2, "Negative": 2, "Neutral": 1}
    assert hall["dominant_emotion"] == "Happy"
    assert (hall["visits"], hall["mean_dwell_seconds"], hall["total_dwell_seconds"]) == (3, 20.0, 60.0)
    # The entrance visit without an exhibit still counts for its location.
    assert (entrance["visits"], entrance["mean_dwell_seconds"]) == (2, 6.0)
    assert entrance["total"] == 4


@pytest.mark.django_db
def test_it_lists_only_locations_in_the_filter(viewer_api, museum):
    rows = viewer_api.get("/api/analytics/locations/", {"camera": museum.cam_hall.pk}).json()
    assert [row["location"] for row in rows] == ["Exhibit Hall A"]
