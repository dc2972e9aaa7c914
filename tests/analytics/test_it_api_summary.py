"""GET /api/analytics/summary/ is exactly the legacy JSON of analyze_emotions, for any filter."""
import pytest

from analytics.legacy_summary import emotion_summary
from emotions.filters import EventFilter
from tests.analytics.web_fixtures import MUSEUM_EXPECTED, local, museum, staff_api, viewer_api, viewer_user  # noqa: F401

URL = "/api/analytics/summary/"


@pytest.mark.django_db
def test_it_returns_the_legacy_json_with_the_expected_numbers(viewer_api, museum):
    response = viewer_api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body == emotion_summary(event_filter=EventFilter(), threshold=0.6)
    assert list(body) == [
        "metadata", "overall_sentiment_summary", "overall_emotion_counts", "analysis_by_location", "analysis_by_hour",
    ]
    summary = body["overall_sentiment_summary"]
    assert summary["total_valid_detections"] == MUSEUM_EXPECTED["valid"]
    assert summary["sentiment_counts"] == MUSEUM_EXPECTED["sentiment_counts"]
    assert summary["sentiment_percentages"] == {"Positive": 44.44, "Negative": 33.33, "Neutral": 22.22}
    assert body["overall_emotion_counts"] == MUSEUM_EXPECTED["emotion_counts"]
    assert {
        name: group["overall_sentiment"]["total_valid_detections"]
        for name, group in body["analysis_by_location"].items()
    } == MUSEUM_EXPECTED["by_location_total"]
    assert {
        hour: group["overall_sentiment"]["total_valid_detections"] for hour, group in body["analysis_by_hour"].items()
    } == MUSEUM_EXPECTED["hour_of_day_totals"]


@pytest.mark.django_db
def test_it_applies_filters_and_threshold_like_the_command(viewer_api, museum):
    query = {"since": "2026-11-21", "until": "2026-11-22", "location": "Exhibit Hall A", "threshold": "0.5"}
    body = viewer_api.get(URL, query).json()
    expected = emotion_summary(
        event_filter=EventFilter(
            since=local("2026-11-21 00:00"), until=local("2026-11-22 00:00"), location="Exhibit Hall A"
        ),
        threshold=0.5,
    )
    assert body == expected
    # fear 0.61, happy 0.99 and disgust 0.59 (counted at 0.5)
    assert body["overall_sentiment_summary"]["total_valid_detections"] == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("param", "value", "valid"),
    [("location_id", "hall", 5), ("camera", "cam_entrance", 4), ("exhibit", "mona_lisa", 5)],
)
def test_it_filters_by_ids(viewer_api, museum, param, value, valid):
    body = viewer_api.get(URL, {param: getattr(museum, value).pk}).json()
    assert body["overall_sentiment_summary"]["total_valid_detections"] == valid
