"""import_emotion_log reads a spreadsheet's CSV: `;`-separated, decimal commas, a BOM, CRLF.

Detected from the header, or forced with --delimiter/--decimal; contradictions are
clear errors; bad rows are still reported by line; the events are the same as from
the prototype's format (export gives that format back, and re-importing it adds nothing).
"""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from emotions.models import EmotionEvent
from tests.emotions.legacy_files import MUSEUM_ROWS, museum_csv

pytestmark = pytest.mark.django_db


def spreadsheet_csv(path, rows=MUSEUM_ROWS, *, bom=True, quoted=False):
    """What Excel in Italian writes for the museum fixture: ';', decimal commas, CRLF, a BOM."""
    def field(text):
        return f'"{text}"' if quoted else text

    lines = ["Timestamp;CameraLocation;Emotion;Confidence"] + [
        ";".join([field(ts), field(place), field(emotion), field(confidence.replace(".", ","))])
        for ts, place, emotion, confidence in rows
    ]
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "\r\n".join(lines + [""]).encode("utf-8"))
    return path


def run(command: str, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_log(*args: str) -> tuple[str, str]:
    return run("import_emotion_log", *args, "--no-progress")


@pytest.mark.parametrize("quoted", [False, True])  # pandas' reader, and the csv module's for quoted files
def test_it_detects_semicolons_and_decimal_commas_and_gives_the_same_events(tmp_path, quoted):
    out, err = import_log(str(spreadsheet_csv(tmp_path / "excel.csv", quoted=quoted)))
    assert "12 rows read, 12 imported" in out and err == ""
    # Exported in the prototype's format: exactly the prototype's file.
    assert run("export_emotion_log")[0] == museum_csv(tmp_path).read_text(encoding="utf-8")
    # Same content keys: the prototype's file adds nothing.
    assert "0 imported, 12 already present" in import_log(str(museum_csv(tmp_path)))[0]


def test_it_analyses_a_spreadsheet_csv_like_the_database(tmp_path):
    path = spreadsheet_csv(tmp_path / "emotion_log.csv", bom=False)
    from_csv = run("analyze_emotions", "--csv", str(path))[0]
    import_log(str(path))
    assert from_csv == run("analyze_emotions")[0]
    assert json.loads(from_csv)["overall_emotion_counts"]["Happy"] == 4


def test_it_analyses_with_the_same_flags(tmp_path):
    path = spreadsheet_csv(tmp_path / "emotion_log.csv")
    forced = run("analyze_emotions", "--csv", str(path), "--delimiter", ";", "--decimal", ",")[0]
    assert forced == run("analyze_emotions", "--csv", str(path))[0]
    with pytest.raises(CommandError, match="does not split the header"):
        run("analyze_emotions", "--csv", str(path), "--delimiter", ",")
    with pytest.raises(CommandError, match="use them with --csv"):
        run("analyze_emotions", "--decimal", ",")


def test_it_takes_the_dialect_from_the_flags(tmp_path):
    path = spreadsheet_csv(tmp_path / "excel.csv")
    assert "12 imported" in import_log(str(path), "--delimiter", ";", "--decimal", ",")[0]
    # ';'-separated with decimal points: --decimal . (a decimal comma file also reads points).
    points = tmp_path / "points.csv"
    points.write_text(path.read_text(encoding="utf-8-sig").replace(",", "."), encoding="utf-8")
    assert "12 already present" in import_log(str(points), "--decimal", ".")[0]
    assert "12 already present" in import_log(str(points))[0]


def test_it_reports_bad_rows_of_a_spreadsheet_csv_by_line(tmp_path):
    path = spreadsheet_csv(tmp_path / "excel.csv", rows=[
        ("2025-11-25 10:00:00.000", "Cafe", "Happy", "0.87"),
        ("2025-11-25 10:00:01.000", "Cafe", "Joy", "0.6"),
        ("2025-11-25 10:00:02.000", "Cafe", "Sad", "1.5"),
        ("2025-11-25 10:00:03.000", "Cafe", "Sad", "0.4.1"),
    ])
    out, err = import_log(str(path))
    assert "4 rows read, 1 imported" in out
    assert "line 3: unknown emotion 'Joy'" in err
    assert "line 4: confidence '1,5' is outside 0..1" in err
    assert "line 5: bad confidence '0,4,1'" in err
    assert EmotionEvent.objects.get().confidence == 0.87


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        ("spreadsheet", ("--delimiter", ","), "--delimiter ',' does not split the header .* it is ';'-separated"),
        ("prototype", ("--delimiter", ";"), "--delimiter ';' does not split the header .* it is ','-separated"),
        ("prototype", ("--decimal", ","), "--decimal ',' needs a ';'-separated file"),
        ("spreadsheet", ("--delimiter", ",", "--decimal", ","), "--decimal ',' needs --delimiter ';'"),
    ],
)
def test_it_refuses_flags_that_contradict_the_file(tmp_path, make, args, message):
    path = spreadsheet_csv(tmp_path / "excel.csv") if make == "spreadsheet" else museum_csv(tmp_path)
    with pytest.raises(CommandError, match=message):
        import_log(str(path), *args)
    assert not EmotionEvent.objects.exists()


def test_it_reports_decimal_commas_read_with_a_decimal_point_by_line(tmp_path):
    out, err = import_log(str(spreadsheet_csv(tmp_path / "excel.csv")), "--decimal", ".")
    assert "12 rows read, 0 imported" in out and "12 bad rows" in out
    assert "line 2: bad confidence '0,6' (expected a number between 0 and 1; for decimal commas use --decimal ',')" in err


def test_it_still_names_missing_columns_of_a_semicolon_file(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("Timestamp;CameraLocation;Confidence\r\n2025-11-25 10:00:00.000;Cafe;0,5\r\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"missing required column\(s\)"):
        import_log(str(path))
