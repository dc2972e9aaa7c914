"""Per-exhibit engagement: visits, mean dwell and dominant emotion from visits, grouped in SQL."""
import pytest

from tests.analytics.web_fixtures import museum, viewer_api, viewer_user  # noqa: F401
from tests.factories import VisitFactory


@pytest.mark.django_db
def test_it_reports_visits_dwell_and_dominant_emotion(viewer_api, museum):
    rows = viewer_api.get("/api/analytics/exhibits/").json()
    assert [row["exhibit"] for row in rows] == ["Mona Lisa", "Welcome Wall"]  # Venus has no data
    mona, wall = rows
    assert mona == {
        "exhibit_id": museum.mona_lisa.pk, "exhibit": "Mona Lisa",
        "location_id": museum.hall.pk, "location": "Exhibit Hall A",
        "visits": 3, "mean_dwell_seconds": 20.0, "total_dwell_seconds": 60.0,
        "dominant_emotion": "Happy",
        "visit_emotion_counts": {"Angry": 1, "Disgust": 0, "Fear": 0, "Happy": 2, "Neutral": 0, "Sad": 0, "Surprise": 0},
        "events": 5, "suppressed": False,
    }
    assert (wall["visits"], wall["mean_dwell_seconds"], wall["dominant_emotion"], wall["events"]) == (1, 4.0, "Sad", 4)


@pytest.mark.django_db
def test_it_breaks_dominant_ties_in_model_order(viewer_api, museum):
    # Venus: one sad and one angry visit: a tie, settled by model order (angry first).
    for dominant in ("sad", "angry"):
        VisitFactory(camera=museum.cam_hall, location=museum.hall, exhibit=museum.venus, dominant_emotion=dominant)
    rows = {row["exhibit"]: row for row in viewer_api.get("/api/analytics/exhibits/").json()}
    assert rows["Venus"]["dominant_emotion"] == "Angry"
    assert rows["Venus"]["events"] == 0


@pytest.mark.django_db
def test_it_filters_visits_by_start_time(viewer_api, museum):
    assert viewer_api.get("/api/analytics/exhibits/", {"since": "2026-11-20T10:01:30"}).json()[0]["visits"] == 1
