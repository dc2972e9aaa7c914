"""CSV rows timed before EARLIEST_EVENT_DATE or ahead of the server's clock are bad rows: reported by line, skipped, the rest imported."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from emotions.models import EmotionEvent
from emotions.services.legacy_csv import legacy_csv_import
from tests.emotions.legacy_files import write_csv

pytestmark = pytest.mark.django_db


def test_it_skips_rows_out_of_the_time_bounds_and_keeps_the_rest(tmp_path):
    far_future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S.000")
    rows = [
        "2025-11-25 10:00:00.000,Cafe,Happy,0.9",
        "0001-01-01 00:00:00.000,Cafe,Happy,0.9",
        "1970-01-01 00:00:05.000,Cafe,Sad,0.9",
        "1999-12-31 23:59:59.999,Cafe,Sad,0.9",
        f"{far_future},Cafe,Sad,0.9",
        "9999-12-31 23:59:59.000,Cafe,Sad,0.9",
        "2000-01-01 00:00:00.000,Cafe,Fear,0.9",
    ]
    result = legacy_csv_import(source=write_csv(tmp_path / "emotion_log.csv", rows))
    reported = {row.line: row.message for row in result.bad_rows}
    assert sorted(reported) == [3, 4, 5, 6, 7]
    for line in (3, 4, 5):
        assert "is before 2000-01-01, the earliest accepted date (EARLIEST_EVENT_DATE)" in reported[line]
    for line in (6, 7):
        assert "ahead of the server's clock (MAX_CLOCK_SKEW_SECONDS)" in reported[line]
    assert result.rows_inserted == 2
    assert sorted(EmotionEvent.objects.values_list("emotion", flat=True)) == ["fear", "happy"]


def test_it_follows_the_configured_earliest_date(tmp_path, settings):
    settings.EARLIEST_EVENT_DATE = settings.EARLIEST_EVENT_DATE.replace(year=2025, month=11, day=25)
    rows = ["2025-11-24 23:59:59.000,Cafe,Happy,0.9", "2025-11-25 00:00:00.000,Cafe,Sad,0.9"]
    result = legacy_csv_import(source=write_csv(tmp_path / "emotion_log.csv", rows))
    assert [row.line for row in result.bad_rows] == [2]
    assert "2025-11-25" in result.bad_rows[0].message
    assert result.rows_inserted == 1
