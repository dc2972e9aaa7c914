"""GET /api/visits/: newest first, cursor-paginated, filterable."""
import pytest

from tests.analytics.web_fixtures import museum, viewer_api, viewer_user  # noqa: F401


@pytest.mark.django_db
def test_it_lists_visits_newest_first_in_pages(viewer_api, museum):
    first = viewer_api.get("/api/visits/", {"page_size": 3}).json()
    assert [v["dwell_seconds"] for v in first["results"]] == [8.0, 4.0, 30.0]
    assert first["results"][0]["exhibit"] is None
    wall_visit = first["results"][1]
    assert (wall_visit["location"], wall_visit["exhibit"], wall_visit["camera"], wall_visit["dominant_emotion"]) == (
        "Museum Entrance", "Welcome Wall", "cam-entrance", "Sad",
    )
    assert wall_visit["started_at"] == "2026-11-20T10:03:00+01:00"
    second = viewer_api.get(first["next"]).json()
    assert [v["dwell_seconds"] for v in second["results"]] == [20.0, 10.0]
    assert second["next"] is None


@pytest.mark.django_db
def test_it_filters_visits(viewer_api, museum):
    body = viewer_api.get("/api/visits/", {"exhibit": museum.mona_lisa.pk}).json()
    assert sorted(v["dwell_seconds"] for v in body["results"]) == [10.0, 20.0, 30.0]
