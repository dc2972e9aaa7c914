"""export_emotion_log writes the legacy format: import then export gives back the same bytes."""
from __future__ import annotations

from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from emotions.services.legacy_csv import legacy_csv_import
from tests.emotions.legacy_files import HEADER, museum_csv, write_csv

pytestmark = pytest.mark.django_db


def generated_rows(count: int, seed: int = 3) -> list[tuple[str, ...]]:
    """Sorted ms timestamps across the 2025 clock change, repr() confidences, a few identical rows."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2025-10-25T20:00:00.000")
    offsets = np.sort(rng.integers(0, 16 * 3_600_000, count)).astype("timedelta64[ms]")
    times = [str(t).replace("T", " ") for t in start + offsets]
    emotions = ["Angry", "Disgust", "Fear", "Happy", "Neutral", "Sad", "Surprise"]
    rows = [
        (t, ["Museum Entrance", "Exhibit Hall A"][i % 2], emotions[int(rng.integers(0, 7))], repr(float(rng.random())))
        for i, t in enumerate(times)
    ]
    rows[10:10] = [rows[10], rows[10]]  # two faces in one frame, same everything
    return rows


def export(*args: str) -> str:
    out = StringIO()
    call_command("export_emotion_log", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_gives_back_the_original_file_byte_for_byte(tmp_path):
    path = write_csv(tmp_path / "emotion_log.csv", generated_rows(500))
    legacy_csv_import(source=path)
    assert export() == path.read_text(encoding="utf-8")


def test_it_gives_back_quoted_names_byte_for_byte(tmp_path):
    path = write_csv(tmp_path / "emotion_log.csv", [
        '2025-11-25 10:00:00.000,"Hall ""B"", North",Sad,0.7',
        "2025-11-25 10:00:00.001,Cafe,Happy,0.123456789",
    ])
    legacy_csv_import(source=path)
    assert export() == path.read_text(encoding="utf-8")


def test_it_writes_to_a_file(tmp_path):
    path = museum_csv(tmp_path)
    legacy_csv_import(source=path)
    target = tmp_path / "out.csv"
    call_command("export_emotion_log", str(target), stdout=StringIO(), stderr=StringIO())
    assert target.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_it_filters_by_time_and_location(tmp_path):
    legacy_csv_import(source=museum_csv(tmp_path))
    text = export("--since", "2025-10-26", "--until", "2025-10-26 14:15:00.250", "--location", "Museum Entrance")
    assert text == HEADER + (
        "2025-10-26 01:59:59.999,Museum Entrance,Happy,0.61\n"
        "2025-10-26 03:00:00.000,Museum Entrance,Fear,0.8\n"
    )


def test_it_refuses_an_unknown_location_and_a_backwards_range(tmp_path):
    legacy_csv_import(source=museum_csv(tmp_path))
    with pytest.raises(CommandError, match="no location named 'Nowhere'"):
        export("--location", "Nowhere")
    with pytest.raises(CommandError, match="must be after --since"):
        export("--since", "2025-11-01", "--until", "2025-10-01")


def test_it_refuses_a_target_it_cannot_write(tmp_path):
    with pytest.raises(CommandError, match="cannot write"):
        call_command("export_emotion_log", str(tmp_path / "no" / "such" / "dir.csv"), stdout=StringIO(), stderr=StringIO())
