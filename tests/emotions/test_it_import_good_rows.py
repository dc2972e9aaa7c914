"""import_emotion_log loads a legacy CSV: local times, locations created by name."""
from __future__ import annotations

from datetime import datetime, timezone
from io import StringIO

import pytest
from django.core.management import call_command

from cameras.models import Location
from emotions.models import EmotionEvent
from emotions.services.legacy_csv import legacy_csv_import
from tests.emotions.legacy_files import MUSEUM_ROWS, museum_csv, write_csv

pytestmark = pytest.mark.django_db


def test_it_imports_every_row_with_local_times_read_in_time_zone(tmp_path):
    out = StringIO()
    call_command("import_emotion_log", str(museum_csv(tmp_path)), "--no-progress", stdout=out, stderr=StringIO())

    assert EmotionEvent.objects.count() == len(MUSEUM_ROWS)
    assert "12 rows read, 12 imported, 0 already present, 0 bad rows skipped" in out.getvalue()
    assert set(Location.objects.values_list("name", flat=True)) == {"Museum Entrance", "Exhibit Hall A", "Cafe"}
    first = EmotionEvent.objects.order_by("timestamp").first()
    # 14:00 in Rome on 2025-10-25 is summer time, UTC+2.
    assert first.timestamp == datetime(2025, 10, 25, 12, 0, tzinfo=timezone.utc)
    assert (first.location.name, first.emotion, first.confidence, first.source) == (
        "Museum Entrance", "happy", 0.6, EmotionEvent.Source.IMPORT,
    )
    precise = EmotionEvent.objects.get(confidence__gt=0.87, confidence__lt=0.88)
    assert precise.confidence == 0.8734512329101562
    assert precise.timestamp.microsecond == 250000


def test_it_reads_the_repeated_hour_as_summer_time(tmp_path):
    # 2025-10-26 02:30 happens twice in Rome; the first one is 00:30 UTC.
    call_command("import_emotion_log", str(museum_csv(tmp_path)), "--no-progress", stdout=StringIO())
    event = EmotionEvent.objects.get(emotion="neutral", location__name="Exhibit Hall A")
    assert event.timestamp == datetime(2025, 10, 26, 0, 30, tzinfo=timezone.utc)


def test_it_accepts_bom_spaces_any_case_extra_columns_and_crlf(tmp_path):
    path = tmp_path / "emotion_log.csv"
    path.write_bytes(
        "\ufeffCameraLocation , Timestamp,Emotion,Confidence,Note\r\n"
        " Gift Shop ,2025-11-25 10:00:00, HAPPY ,0.5,x\r\n"
        "\r\n"
        "Gift Shop,2025-11-25 10:00:01.5,surprise, 1 ,y\r\n".encode("utf-8")
    )
    out = StringIO()
    call_command("import_emotion_log", str(path), "--no-progress", stdout=out, stderr=StringIO())
    assert "2 imported" in out.getvalue()
    assert list(EmotionEvent.objects.order_by("timestamp").values_list("location__name", "emotion", "confidence")) == [
        ("Gift Shop", "happy", 0.5), ("Gift Shop", "surprise", 1.0),
    ]


def test_it_imports_quoted_location_names(tmp_path):
    path = write_csv(tmp_path / "quoted.csv", ['2025-11-25 10:00:00.000,"Hall ""B"", North",Sad,0.7'])
    call_command("import_emotion_log", str(path), "--no-progress", stdout=StringIO())
    assert EmotionEvent.objects.get().location.name == 'Hall "B", North'


def test_it_imports_from_an_open_stream():
    result = legacy_csv_import(source=StringIO("Timestamp,CameraLocation,Emotion,Confidence\n2025-11-25 10:00:00.000,Cafe,Fear,0.3\n"))
    assert (result.rows_read, result.rows_inserted) == (1, 1)
    assert EmotionEvent.objects.get().emotion == "fear"
