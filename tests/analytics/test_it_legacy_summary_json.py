"""analyze_emotions' JSON against the prototype's output worked out by hand (fixture: tests/emotions/legacy_files.py).

The prototype printed pandas value_counts(): only the labels that occur, largest count
first, ties in order of first appearance (for these counts every numpy sorts them so,
with or without AVX2; test_it_legacy_matches_the_prototype_script.py covers the rest).
Key order matters to the prototype's consumers, so JSON texts are compared, not dicts.
"""
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


def sentiment(counts: dict, percentages: dict) -> dict:
    return {
        "total_valid_detections": sum(counts.values()),
        "sentiment_counts": counts,
        "sentiment_percentages": percentages,
    }


def group(emotion_counts: dict, counts: dict, percentages: dict) -> dict:
    return {"overall_sentiment": sentiment(counts, percentages), "emotion_counts": emotion_counts}


# Threshold 0.6: rows 1 (exactly 0.6), 2, 4-7, 9-12 count; row 3 (0.59999999) and row 8
# (Disgust 0.0) don't, so Disgust appears nowhere. Counted rows in file order:
#  1 Entrance Happy 14h, 2 Hall Angry 14h, 4 Hall Surprise 15h, 5 Entrance Happy 01h,
#  6 Hall Neutral 02h, 7 Entrance Fear 03h, 9 Entrance Happy 14h, 10 Hall Happy 14h,
#  11 Cafe Neutral 09h, 12 Cafe Sad 09h.
EXPECTED_AT_0_6 = {
    "metadata": {
        "log_file": "emotion_log.csv",
        "confidence_threshold": 0.6,
        "total_rows_read": 12,
        "rows_analyzed": 10,
        "time_zone": "Europe/Rome",
        "first_timestamp": "2025-10-25 14:00:00.000",
        "last_timestamp": "2025-11-01 09:06:00.000",
        "filters": NO_FILTERS,
    },
    # Negative (Angry, row 2) ties Neutral (Surprise, row 4) at 3: Negative appeared first.
    "overall_sentiment_summary": sentiment(
        {"Positive": 4, "Negative": 3, "Neutral": 3}, {"Positive": 40.0, "Negative": 30.0, "Neutral": 30.0}
    ),
    # Four emotions tied at 1, in the order they first appear.
    "overall_emotion_counts": {"Happy": 4, "Neutral": 2, "Angry": 1, "Surprise": 1, "Fear": 1, "Sad": 1},
    "analysis_by_location": {
        # Neutral (row 11) before Sad (row 12); no Positive at all.
        "Cafe": group({"Neutral": 1, "Sad": 1}, {"Neutral": 1, "Negative": 1}, {"Neutral": 50.0, "Negative": 50.0}),
        "Exhibit Hall A": group(
            {"Angry": 1, "Surprise": 1, "Neutral": 1, "Happy": 1},
            {"Neutral": 2, "Negative": 1, "Positive": 1},
            {"Neutral": 50.0, "Negative": 25.0, "Positive": 25.0},
        ),
        "Museum Entrance": group(
            {"Happy": 3, "Fear": 1}, {"Positive": 3, "Negative": 1}, {"Positive": 75.0, "Negative": 25.0}
        ),
    },
    "analysis_by_hour": {
        "01:00 - 01:59": group({"Happy": 1}, {"Positive": 1}, {"Positive": 100.0}),
        # 02:30 on the night clocks went back: local hour 02 either way.
        "02:00 - 02:59": group({"Neutral": 1}, {"Neutral": 1}, {"Neutral": 100.0}),
        "03:00 - 03:59": group({"Fear": 1}, {"Negative": 1}, {"Negative": 100.0}),
        "09:00 - 09:59": group({"Neutral": 1, "Sad": 1}, {"Neutral": 1, "Negative": 1}, {"Neutral": 50.0, "Negative": 50.0}),
        "14:00 - 14:59": group({"Happy": 3, "Angry": 1}, {"Positive": 3, "Negative": 1}, {"Positive": 75.0, "Negative": 25.0}),
        "15:00 - 15:59": group({"Surprise": 1}, {"Neutral": 1}, {"Neutral": 100.0}),
    },
}


def all_emotions(**counts: int) -> dict:
    names = ("Angry", "Disgust", "Fear", "Happy", "Neutral", "Sad", "Surprise")
    return {name: counts.get(name, 0) for name in names}


def fixed_sentiment(positive: int, negative: int, neutral: int, percentages: tuple[float, float, float]) -> dict:
    return sentiment(
        {"Positive": positive, "Negative": negative, "Neutral": neutral},
        dict(zip(("Positive", "Negative", "Neutral"), percentages)),
    )


def fixed_group(emotion_counts: dict, *sentiment_args) -> dict:
    return {"overall_sentiment": fixed_sentiment(*sentiment_args), "emotion_counts": emotion_counts}


# --fill-zeros: every label everywhere, fixed order; same metadata.
EXPECTED_FILLED_AT_0_6 = {
    "metadata": EXPECTED_AT_0_6["metadata"],
    "overall_sentiment_summary": fixed_sentiment(4, 3, 3, (40.0, 30.0, 30.0)),
    "overall_emotion_counts": all_emotions(Angry=1, Fear=1, Happy=4, Neutral=2, Sad=1, Surprise=1),
    "analysis_by_location": {
        "Cafe": fixed_group(all_emotions(Neutral=1, Sad=1), 0, 1, 1, (0.0, 50.0, 50.0)),
        "Exhibit Hall A": fixed_group(all_emotions(Angry=1, Happy=1, Neutral=1, Surprise=1), 1, 1, 2, (25.0, 25.0, 50.0)),
        "Museum Entrance": fixed_group(all_emotions(Fear=1, Happy=3), 3, 1, 0, (75.0, 25.0, 0.0)),
    },
    "analysis_by_hour": {
        "01:00 - 01:59": fixed_group(all_emotions(Happy=1), 1, 0, 0, (100.0, 0.0, 0.0)),
        "02:00 - 02:59": fixed_group(all_emotions(Neutral=1), 0, 0, 1, (0.0, 0.0, 100.0)),
        "03:00 - 03:59": fixed_group(all_emotions(Fear=1), 0, 1, 0, (0.0, 100.0, 0.0)),
        "09:00 - 09:59": fixed_group(all_emotions(Neutral=1, Sad=1), 0, 1, 1, (0.0, 50.0, 50.0)),
        "14:00 - 14:59": fixed_group(all_emotions(Angry=1, Happy=3), 3, 1, 0, (75.0, 25.0, 0.0)),
        "15:00 - 15:59": fixed_group(all_emotions(Surprise=1), 0, 0, 1, (0.0, 0.0, 100.0)),
    },
}


@pytest.fixture
def imported(tmp_path):
    path = museum_csv(tmp_path)
    legacy_csv_import(source=path)
    return path


def analyze_text(*args: str) -> str:
    out = StringIO()
    call_command("analyze_emotions", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def analyze(*args: str) -> dict:
    return json.loads(analyze_text(*args))


def test_it_prints_what_the_prototype_printed_key_for_key_in_order(imported):
    assert analyze_text() == json.dumps(EXPECTED_AT_0_6, indent=2, ensure_ascii=False) + "\n"
    assert analyze_text("--csv", str(imported)) == analyze_text()


def test_it_puts_the_prototypes_metadata_keys_first(imported):
    assert list(analyze()["metadata"])[:4] == ["log_file", "confidence_threshold", "total_rows_read", "rows_analyzed"]


def test_it_names_the_csv_file_it_read(imported, tmp_path):
    copy = tmp_path / "log_2025.csv"
    copy.write_bytes(imported.read_bytes())
    assert analyze("--csv", str(copy))["metadata"]["log_file"] == "log_2025.csv"


def test_it_fills_zeros_in_a_fixed_order_when_asked(imported):
    expected = json.dumps(EXPECTED_FILLED_AT_0_6, indent=2, ensure_ascii=False) + "\n"
    assert analyze_text("--fill-zeros") == expected
    assert analyze_text("--fill-zeros", "--csv", str(imported)) == expected


def test_it_rounds_percentages_to_two_decimals(imported):
    # >= 0.9: Angry 0.95, Surprise 1.0, Happy 0.99: a third each, in the order they appear.
    summary = analyze("--threshold", "0.9")
    assert json.dumps(summary["overall_sentiment_summary"]) == json.dumps(sentiment(
        {"Negative": 1, "Neutral": 1, "Positive": 1}, {"Negative": 33.33, "Neutral": 33.33, "Positive": 33.33}
    ))
    assert summary["metadata"]["rows_analyzed"] == 3 and summary["metadata"]["total_rows_read"] == 12


def test_it_counts_confidence_equal_to_the_threshold_and_nothing_below(imported):
    just_above = analyze("--threshold", "0.6000000000000001")
    # Rows at exactly 0.6 (Museum Entrance Happy, Cafe Sad) drop out; 0.6000000000000001 stays.
    assert just_above["metadata"]["rows_analyzed"] == 8
    assert just_above["analysis_by_location"]["Cafe"]["emotion_counts"] == {"Neutral": 1}
    assert analyze("--threshold", "0")["metadata"]["rows_analyzed"] == 12
    assert analyze("--threshold", "1")["overall_emotion_counts"] == {"Surprise": 1}


def test_it_filters_by_location_and_time(imported):
    entrance = analyze("--location", "Museum Entrance")
    assert entrance["metadata"]["total_rows_read"] == 6
    assert list(entrance["analysis_by_location"]) == ["Museum Entrance"]
    assert entrance["metadata"]["filters"]["location"] == "Museum Entrance"

    night = analyze("--since", "2025-10-26", "--until", "2025-11-01")
    assert (night["metadata"]["total_rows_read"], night["metadata"]["rows_analyzed"]) == (6, 5)
    assert night["metadata"]["filters"]["since"] == "2025-10-26T00:00:00+02:00"
    assert night["metadata"]["filters"]["until"] == "2025-11-01T00:00:00+01:00"
    assert night["metadata"]["first_timestamp"] == "2025-10-26 01:59:59.999"


def test_it_says_no_data_meets_threshold_like_the_prototype(imported):
    # Rows exist but none reaches 1.0 at Museum Entrance; and no rows at all in 2030.
    assert analyze("--threshold", "1", "--location", "Museum Entrance") == {"error": "No data meets threshold"}
    assert analyze("--csv", str(imported), "--threshold", "1", "--location", "Museum Entrance") == {
        "error": "No data meets threshold"
    }
    empty = EventFilter(since=datetime(2030, 1, 1, tzinfo=ZoneInfo("UTC")))
    assert emotion_summary(event_filter=empty) == {"error": "No data meets threshold"}


def test_it_gives_a_zero_filled_summary_for_nothing_with_fill_zeros():
    summary = emotion_summary(event_filter=EventFilter(since=datetime(2030, 1, 1, tzinfo=ZoneInfo("UTC"))), fill_zeros=True)
    assert summary["metadata"]["total_rows_read"] == 0 and summary["metadata"]["first_timestamp"] is None
    assert summary["overall_sentiment_summary"] == fixed_sentiment(0, 0, 0, (0.0, 0.0, 0.0))
    assert summary["overall_emotion_counts"] == all_emotions()
    assert summary["analysis_by_location"] == {} and summary["analysis_by_hour"] == {}


def test_it_accepts_the_api_filters(imported):
    from cameras.models import Location

    cafe = Location.objects.get(name="Cafe")
    summary = emotion_summary(event_filter=EventFilter(location_id=cafe.pk), threshold=0.6)
    assert list(summary["analysis_by_location"]) == ["Cafe"]
    assert summary["metadata"]["filters"]["location_id"] == cafe.pk
