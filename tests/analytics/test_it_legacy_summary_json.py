"""analyze_emotions' JSON against numbers worked out by hand (fixture: tests/emotions/legacy_files.py)."""
from __future__ import annotations

import json
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from analytics.legacy_summary import emotion_summary
from emotions.filters import EventFilter
from emotions.services.legacy_csv import legacy_csv_import
from tests.emotions.legacy_files import museum_csv

pytestmark = pytest.mark.django_db
NO_FILTERS = {"since": None, "until": None, "location": None, "location_id": None, "exhibit_id": None, "camera_id": None}


def emotions(**counts: int) -> dict:
    names = ("Angry", "Disgust", "Fear", "Happy", "Neutral", "Sad", "Surprise")
    return {name: counts.get(name, 0) for name in names}


def sentiment(positive: int, negative: int, neutral: int, percentages: tuple[float, float, float]) -> dict:
    return {
        "total_valid_detections": positive + negative + neutral,
        "sentiment_counts": {"Positive": positive, "Negative": negative, "Neutral": neutral},
        "sentiment_percentages": dict(zip(("Positive", "Negative", "Neutral"), percentages)),
    }


def group(emotion_counts: dict, *sentiment_args) -> dict:
    return {"overall_sentiment": sentiment(*sentiment_args), "emotion_counts": emotion_counts}


# Threshold 0.6: rows 1 (exactly 0.6), 2, 4-7, 9-12 count; row 3 (0.59999999) and row 8 (0.0) don't.
EXPECTED_AT_0_6 = {
    "metadata": {
        "confidence_threshold": 0.6,
        "time_zone": "Europe/Rome",
        "total_rows": 12,
        "valid_rows": 10,
        "first_timestamp": "2025-10-25 14:00:00.000",
        "last_timestamp": "2025-11-01 09:06:00.000",
        "filters": NO_FILTERS,
    },
    "overall_sentiment_summary": sentiment(4, 3, 3, (40.0, 30.0, 30.0)),
    "overall_emotion_counts": emotions(Angry=1, Fear=1, Happy=4, Neutral=2, Sad=1, Surprise=1),
    "analysis_by_location": {
        "Cafe": group(emotions(Neutral=1, Sad=1), 0, 1, 1, (0.0, 50.0, 50.0)),
        "Exhibit Hall A": group(emotions(Angry=1, Happy=1, Neutral=1, Surprise=1), 1, 1, 2, (25.0, 25.0, 50.0)),
        "Museum Entrance": group(emotions(Fear=1, Happy=3), 3, 1, 0, (75.0, 25.0, 0.0)),
    },
    "analysis_by_hour": {
        "01:00 - 01:59": group(emotions(Happy=1), 1, 0, 0, (100.0, 0.0, 0.0)),
        # 02:30 on the night clocks went back: local hour 02 either way.
        "02:00 - 02:59": group(emotions(Neutral=1), 0, 0, 1, (0.0, 0.0, 100.0)),
        "03:00 - 03:59": group(emotions(Fear=1), 0, 1, 0, (0.0, 100.0, 0.0)),
        "09:00 - 09:59": group(emotions(Neutral=1, Sad=1), 0, 1, 1, (0.0, 50.0, 50.0)),
        "14:00 - 14:59": group(emotions(Angry=1, Happy=3), 3, 1, 0, (75.0, 25.0, 0.0)),
        "15:00 - 15:59": group(emotions(Surprise=1), 0, 0, 1, (0.0, 0.0, 100.0)),
    },
}


@pytest.fixture
def imported(tmp_path):
    legacy_csv_import(source=museum_csv(tmp_path))


def analyze(*args: str) -> dict:
    out = StringIO()
    call_command("analyze_emotions", *args, stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_it_matches_the_hand_computed_summary(imported):
    assert analyze() == EXPECTED_AT_0_6


def test_it_keeps_the_key_order_dashboards_read(imported):
    summary = analyze()
    assert list(summary) == [
        "metadata", "overall_sentiment_summary", "overall_emotion_counts", "analysis_by_location", "analysis_by_hour",
    ]
    assert list(summary["analysis_by_hour"]) == sorted(summary["analysis_by_hour"])
    # What a Node-RED flow reads: msg.payload.overall_sentiment_summary.sentiment_counts.Positive
    assert summary["overall_sentiment_summary"]["sentiment_counts"]["Positive"] == 4


def test_it_rounds_percentages_to_two_decimals(imported):
    # >= 0.9: Angry 0.95, Surprise 1.0, Happy 0.99: a third each.
    summary = analyze("--threshold", "0.9")
    assert summary["overall_sentiment_summary"] == sentiment(1, 1, 1, (33.33, 33.33, 33.33))
    assert summary["metadata"]["valid_rows"] == 3 and summary["metadata"]["total_rows"] == 12


def test_it_counts_confidence_equal_to_the_threshold_and_nothing_below(imported):
    just_above = analyze("--threshold", "0.6000000000000001")
    # Rows at exactly 0.6 (Museum Entrance Happy, Cafe Sad) drop out; 0.6000000000000001 stays.
    assert just_above["metadata"]["valid_rows"] == 8
    assert just_above["analysis_by_location"]["Cafe"]["emotion_counts"] == emotions(Neutral=1)
    assert analyze("--threshold", "0")["metadata"]["valid_rows"] == 12
    assert analyze("--threshold", "1")["overall_emotion_counts"] == emotions(Surprise=1)


def test_it_filters_by_location_and_time(imported):
    entrance = analyze("--location", "Museum Entrance")
    assert entrance["metadata"]["total_rows"] == 6
    assert list(entrance["analysis_by_location"]) == ["Museum Entrance"]
    assert entrance["metadata"]["filters"]["location"] == "Museum Entrance"

    night = analyze("--since", "2025-10-26", "--until", "2025-11-01")
    assert (night["metadata"]["total_rows"], night["metadata"]["valid_rows"]) == (6, 5)
    assert night["metadata"]["filters"]["since"] == "2025-10-26T00:00:00+02:00"
    assert night["metadata"]["filters"]["until"] == "2025-11-01T00:00:00+01:00"
    assert night["metadata"]["first_timestamp"] == "2025-10-26 01:59:59.999"


def test_it_gives_an_empty_summary_when_nothing_matches():
    summary = emotion_summary(event_filter=EventFilter(since=datetime(2030, 1, 1, tzinfo=ZoneInfo("UTC"))))
    assert summary["metadata"]["total_rows"] == 0 and summary["metadata"]["first_timestamp"] is None
    assert summary["overall_sentiment_summary"] == sentiment(0, 0, 0, (0.0, 0.0, 0.0))
    assert summary["analysis_by_location"] == {} and summary["analysis_by_hour"] == {}


def test_it_accepts_the_api_filters(imported):
    from cameras.models import Location

    cafe = Location.objects.get(name="Cafe")
    summary = emotion_summary(event_filter=EventFilter(location_id=cafe.pk), threshold=0.6)
    assert list(summary["analysis_by_location"]) == ["Cafe"]
    assert summary["metadata"]["filters"]["location_id"] == cafe.pk
