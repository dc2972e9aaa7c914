"""The SQL path and the pandas --csv path give identical JSON for the same rows."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from emotions.services.legacy_csv import legacy_csv_import
from tests.emotions.legacy_files import museum_csv, write_csv
from tests.emotions.test_it_export_round_trip import generated_rows

pytestmark = pytest.mark.django_db


def analyze(*args: str) -> str:
    out = StringIO()
    call_command("analyze_emotions", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.parametrize(
    "options",
    [
        (),
        ("--threshold", "0.9"),
        ("--threshold", "0.6000000000000001"),
        ("--location", "Museum Entrance"),
        ("--since", "2025-10-26 01:00", "--until", "2025-10-26 14:15:00.250"),
    ],
)
def test_it_gives_identical_json_for_the_museum_fixture(tmp_path, options):
    path = museum_csv(tmp_path)
    legacy_csv_import(source=path)
    assert analyze(*options) == analyze("--csv", str(path), *options)


def test_it_gives_identical_json_for_many_rows_across_a_clock_change(tmp_path):
    path = write_csv(tmp_path / "emotion_log.csv", generated_rows(3000, seed=11))
    legacy_csv_import(source=path)
    assert analyze() == analyze("--csv", str(path))


def test_it_skips_the_same_bad_rows_on_both_paths(tmp_path):
    path = write_csv(tmp_path / "emotion_log.csv", [
        "2025-11-25 10:00:00.000,Cafe,Happy,0.9",
        "2025-03-30 02:30:00.000,Cafe,Happy,0.9",
        "2025-11-25 10:00:01.000,Cafe,Joy,0.9",
        "2025-11-25 10:00:02.000,Cafe,Sad,1.5",
        "2025-11-25 10:00:03.000,Cafe,Sad",
        "2025-11-25 10:00:04.000,Cafe,Sad,0.7",
    ])
    legacy_csv_import(source=path)
    err = StringIO()
    out = StringIO()
    call_command("analyze_emotions", "--csv", str(path), stdout=out, stderr=err)
    assert out.getvalue() == analyze()
    assert "skipped 4 bad rows" in err.getvalue() and "line 3:" in err.getvalue()
