"""GET /api/events.csv streams the legacy emotion_log.csv, byte for byte what the exporter writes."""
import io

import pytest

from emotions.filters import EventFilter
from emotions.legacy_export import legacy_csv_export
from tests.analytics.web_fixtures import local, museum, viewer_api, viewer_user  # noqa: F401


def body_of(response) -> str:
    return b"".join(response.streaming_content).decode()


@pytest.mark.django_db
def test_it_writes_the_legacy_format(viewer_api, museum):
    response = viewer_api.get("/api/events.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="emotion_log.csv"' in response["Content-Disposition"]
    lines = body_of(response).splitlines()
    assert lines[0] == "Timestamp,CameraLocation,Emotion,Confidence"
    assert lines[1] == "2026-11-20 09:15:01.250,Museum Entrance,Happy,0.9"
    assert lines[-1] == "2026-11-22 00:30:00.000,Museum Entrance,Neutral,0.8"
    assert len(lines) == 12


@pytest.mark.django_db
def test_it_matches_the_exporter_for_the_same_filter(viewer_api, museum):
    expected = io.StringIO()
    legacy_csv_export(out=expected, event_filter=EventFilter(since=local("2026-11-21 00:00"), location="Exhibit Hall A"))
    response = viewer_api.get("/api/events.csv", {"since": "2026-11-21", "location": "Exhibit Hall A"})
    assert body_of(response) == expected.getvalue()


@pytest.mark.django_db
def test_it_answers_bad_filters_with_a_json_400(viewer_api, museum):
    response = viewer_api.get("/api/events.csv", {"since": "yesterday"})
    assert response.status_code == 400
    assert "since" in response.json()
