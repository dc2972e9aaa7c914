"""Bad rows are reported with their line numbers and skipped; the good rows are kept."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from emotions.models import EmotionEvent
from emotions.services.legacy_csv import legacy_csv_import
from tests.emotions.legacy_files import write_csv

pytestmark = pytest.mark.django_db

GOOD_FIRST = "2025-11-25 10:00:00.000,Cafe,Happy,0.9"
GOOD_LAST = "2025-11-25 10:00:09.000,Cafe,Sad,0.4"
BAD_ROWS = {
    3: ("2025-11-25 25:00:00.000,Cafe,Happy,0.9", "bad timestamp '2025-11-25 25:00:00.000'"),
    4: ("25/11/2025 10:00,Cafe,Happy,0.9", "bad timestamp '25/11/2025 10:00'"),
    5: ("2025-02-30 10:00:00.000,Cafe,Happy,0.9", "(no such date)"),
    6: ("2025-03-30 02:30:00.000,Cafe,Happy,0.9", "does not exist in Europe/Rome (clocks went forward)"),
    7: ("2025-11-25 10:00:01.000,Cafe,Joy,0.9", "unknown emotion 'Joy'"),
    8: ("2025-11-25 10:00:02.000,Cafe,Happy,1.5", "confidence '1.5' is outside 0..1"),
    9: ("2025-11-25 10:00:03.000,Cafe,Happy,-0.1", "confidence '-0.1' is outside 0..1"),
    10: ("2025-11-25 10:00:04.000,Cafe,Happy,high", "bad confidence 'high'"),
    11: ("2025-11-25 10:00:05.000,Cafe,Happy", "missing value for Confidence"),
    12: ("2025-11-25 10:00:06.000,,Happy,0.5", "missing value for CameraLocation"),
    13: ("2025-11-25 10:00:07.000,Cafe,,0.5", "missing value for Emotion"),
    14: (",Cafe,Happy,0.5", "missing value for Timestamp"),
    15: ("2025-11-25 10:00:08.000,Cafe,Happy,nan", "bad confidence 'nan'"),
}


@pytest.fixture
def bad_file(tmp_path):
    rows = [GOOD_FIRST] + [BAD_ROWS[line][0] for line in sorted(BAD_ROWS)] + [GOOD_LAST]
    return write_csv(tmp_path / "emotion_log.csv", rows)


def test_it_reports_each_bad_row_with_its_line_number_and_keeps_the_good_ones(bad_file):
    out, err = StringIO(), StringIO()
    call_command("import_emotion_log", str(bad_file), "--no-progress", stdout=out, stderr=err)

    reported = err.getvalue().splitlines()
    assert len(reported) == len(BAD_ROWS)
    for report, (line, (_, reason)) in zip(reported, sorted(BAD_ROWS.items())):
        assert report.startswith(f"{bad_file}: line {line}: "), report
        assert reason in report
    assert f"15 rows read, 2 imported, 0 already present, {len(BAD_ROWS)} bad rows skipped" in out.getvalue()
    assert sorted(EmotionEvent.objects.values_list("emotion", flat=True)) == ["happy", "sad"]


def test_it_can_fail_the_command_after_keeping_the_good_rows(bad_file):
    with pytest.raises(CommandError, match="13 bad rows"):
        call_command("import_emotion_log", str(bad_file), "--no-progress", "--fail-on-bad-rows",
                     stdout=StringIO(), stderr=StringIO())
    assert EmotionEvent.objects.count() == 2


def test_it_reports_bad_rows_in_quoted_files_at_their_physical_line(tmp_path):
    # A quoted field spanning two lines: the rows after it are one line further down.
    # (A name with a line break is itself bad, reported where its record ends.)
    path = write_csv(tmp_path / "quoted.csv", ['2025-11-25 10:00:00.000,"Hall\nA",Happy,0.5', GOOD_FIRST, BAD_ROWS[7][0]])
    result = legacy_csv_import(source=path)
    assert [(row.line, row.message.split(" (")[0]) for row in result.bad_rows] == [
        (3, "CameraLocation must not contain control characters"),
        (5, "unknown emotion 'Joy'"),
    ]
    assert result.rows_inserted == 1


def test_it_reports_bytes_that_are_not_utf8_as_a_bad_row(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"Timestamp,CameraLocation,Emotion,Confidence\n"
                     b"2025-11-25 10:00:00.000,Caf\xe9,Happy,0.9\n" + GOOD_FIRST.encode() + b"\n")
    result = legacy_csv_import(source=path)
    assert [(row.line, row.message) for row in result.bad_rows] == [(2, "CameraLocation is not valid UTF-8 text")]
    assert result.rows_inserted == 1
