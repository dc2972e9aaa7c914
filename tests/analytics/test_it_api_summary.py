"""GET /api/analytics/summary/ is exactly the legacy JSON of analyze_emotions, for any filter."""
import json

import pytest

from analytics.legacy_summary import emotion_summary
from emotions.filters import EventFilter
from tests.analytics.web_fixtures import MUSEUM_EXPECTED, local, museum, staff_api, viewer_api, viewer_user  # noqa: F401

URL = "/api/analytics/summary/"


def sentiment(counts: dict, percentages: dict) -> dict:
    return {"total_valid_detections": sum(counts.values()), "sentiment_counts": counts, "sentiment_percentages": percentages}


def group(emotions: dict, counts: dict, percentages: dict) -> dict:
    return {"overall_sentiment": sentiment(counts, percentages), "emotion_counts": emotions}


# The museum fixture's 9 counted events (>= 0.6) in time order: entrance happy, happy, sad
# (09h); hall happy, angry, surprise (14h, 20th); hall fear, happy (14h, 21st); entrance
# neutral (00h). Worked out by hand as pandas value_counts() lists them: largest first,
# ties in order of first appearance; Disgust never counts, so it is nowhere.
HALL = group(
    {"Happy": 2, "Angry": 1, "Surprise": 1, "Fear": 1},
    {"Positive": 2, "Negative": 2, "Neutral": 1},  # Positive (14:30) before Negative (14:31)
    {"Positive": 40.0, "Negative": 40.0, "Neutral": 20.0},
)
EXPECTED_BODY_AFTER_METADATA = {
    "overall_sentiment_summary": sentiment(
        {"Positive": 4, "Negative": 3, "Neutral": 2}, {"Positive": 44.44, "Negative": 33.33, "Neutral": 22.22}
    ),
    "overall_emotion_counts": {"Happy": 4, "Sad": 1, "Angry": 1, "Surprise": 1, "Fear": 1, "Neutral": 1},
    "analysis_by_location": {
        "Exhibit Hall A": HALL,
        "Museum Entrance": group(
            {"Happy": 2, "Sad": 1, "Neutral": 1},
            {"Positive": 2, "Negative": 1, "Neutral": 1},
            {"Positive": 50.0, "Negative": 25.0, "Neutral": 25.0},
        ),
    },
    "analysis_by_hour": {
        "00:00 - 00:59": group({"Neutral": 1}, {"Neutral": 1}, {"Neutral": 100.0}),
        "09:00 - 09:59": group({"Happy": 2, "Sad": 1}, {"Positive": 2, "Negative": 1}, {"Positive": 66.67, "Negative": 33.33}),
        "14:00 - 14:59": HALL,
    },
}


@pytest.mark.django_db
def test_it_returns_the_prototypes_json_in_the_prototypes_order(viewer_api, museum):
    response = viewer_api.get(URL)
    assert response.status_code == 200
    body = response.json()
    metadata = body.pop("metadata")
    assert list(metadata)[:4] == ["log_file", "confidence_threshold", "total_rows_read", "rows_analyzed"]
    assert (metadata["log_file"], metadata["confidence_threshold"]) == ("emotion_log.csv", 0.6)
    assert (metadata["total_rows_read"], metadata["rows_analyzed"]) == (MUSEUM_EXPECTED["total_rows"], MUSEUM_EXPECTED["valid"])
    assert json.dumps(body) == json.dumps(EXPECTED_BODY_AFTER_METADATA)  # key order included
    assert {"metadata": metadata, **body} == emotion_summary(event_filter=EventFilter(), threshold=0.6)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["true", "1", "TRUE"])
def test_it_fills_zeros_when_asked(viewer_api, museum, value):
    body = viewer_api.get(URL, {"fill_zeros": value}).json()
    assert body == emotion_summary(event_filter=EventFilter(), threshold=0.6, fill_zeros=True)
    assert list(body["overall_emotion_counts"].items()) == list(MUSEUM_EXPECTED["emotion_counts"].items())
    assert list(body["overall_sentiment_summary"]["sentiment_counts"]) == ["Positive", "Negative", "Neutral"]
    hour = body["analysis_by_hour"]["00:00 - 00:59"]
    assert hour["overall_sentiment"]["sentiment_percentages"] == {"Positive": 0.0, "Negative": 0.0, "Neutral": 100.0}
    assert len(hour["emotion_counts"]) == 7
    assert viewer_api.get(URL, {"fill_zeros": "false"}).json() == viewer_api.get(URL).json()


@pytest.mark.django_db
def test_it_answers_no_data_like_the_prototype_with_200(viewer_api, museum):
    response = viewer_api.get(URL, {"since": "2001-01-01", "until": "2001-01-02"})
    assert response.status_code == 200
    assert response.json() == {"error": "No data meets threshold"}
    # Events exist, none reaches the threshold.
    assert viewer_api.get(URL, {"threshold": "1"}).json() == {"error": "No data meets threshold"}
    filled = viewer_api.get(URL, {"since": "2001-01-01", "until": "2001-01-02", "fill_zeros": "true"}).json()
    assert filled["overall_sentiment_summary"]["total_valid_detections"] == 0


@pytest.mark.django_db
def test_it_refuses_a_fill_zeros_that_is_not_a_boolean(viewer_api, museum):
    response = viewer_api.get(URL, {"fill_zeros": "yes please"})
    assert response.status_code == 400
    assert "fill_zeros" in response.json()


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
