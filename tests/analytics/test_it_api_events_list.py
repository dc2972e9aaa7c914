"""GET /api/events/: oldest first, cursor-paginated, filterable, legacy emotion spelling."""
import pytest

from tests.analytics.web_fixtures import MUSEUM_EXPECTED, museum, viewer_api, viewer_user  # noqa: F401


@pytest.mark.django_db
def test_it_pages_through_every_event_in_time_order(viewer_api, museum):
    seen, url, params = [], "/api/events/", {"page_size": 4}
    while url:
        body = viewer_api.get(url, params).json()
        seen += body["results"]
        url, params = body["next"], None
    assert len(seen) == MUSEUM_EXPECTED["total_rows"]
    assert [e["timestamp"] for e in seen] == sorted(e["timestamp"] for e in seen)
    first = seen[0]
    assert first["timestamp"] == "2026-11-20T09:15:01.250000+01:00"
    assert (first["location"], first["emotion"], first["confidence"]) == ("Museum Entrance", "Happy", 0.9)
    assert first["camera_id"] == museum.cam_entrance.pk and first["exhibit_id"] == museum.welcome_wall.pk


@pytest.mark.django_db
def test_it_filters_events(viewer_api, museum):
    body = viewer_api.get("/api/events/", {"since": "2026-11-21", "location": "Exhibit Hall A"}).json()
    assert [e["emotion"] for e in body["results"]] == ["Fear", "Happy", "Disgust"]


@pytest.mark.django_db
def test_it_takes_the_largest_page_size(viewer_api, museum):
    body = viewer_api.get("/api/events/", {"page_size": 1000}).json()
    assert len(body["results"]) == MUSEUM_EXPECTED["total_rows"]  # fewer than 1000 exist
