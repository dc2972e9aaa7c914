"""`manage.py classify_faces`: one JSON object per file; unreadable files get an error line."""
from __future__ import annotations

import io
import json

import cv2
import numpy as np
import pytest
from django.core.management import call_command

from emotions.labels import EMOTIONS


def run(*args: str) -> tuple[list[str], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("classify_faces", *args, stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue()


@pytest.fixture
def crops(tmp_path):
    folder = tmp_path / "crops"
    (folder / "nested").mkdir(parents=True)
    cv2.imwrite(str(folder / "a.png"), np.full((48, 48), 90, np.uint8))
    cv2.imwrite(str(folder / "nested" / "b.jpg"), np.full((160, 120, 3), 140, np.uint8))
    (folder / "broken.jpg").write_bytes(b"not an image")
    return folder


def test_it_prints_one_json_object_per_file(crops, shipped_model_dir):
    lines, err = run(str(crops), str(crops / "missing.png"), "--json", "--artifact", str(shipped_model_dir))

    rows = [json.loads(line) for line in lines]
    assert [r["file"] for r in rows] == [
        str(crops / "a.png"), str(crops / "broken.jpg"), str(crops / "nested" / "b.jpg"), str(crops / "missing.png"),
    ]
    good = [rows[0], rows[2]]
    for row in good:
        assert set(row) == {"file", "emotion", "confidence", "scores"}
        assert row["emotion"] in EMOTIONS and list(row["scores"]) == list(EMOTIONS)
        assert row["confidence"] == pytest.approx(row["scores"][row["emotion"]], abs=1e-4)
    assert rows[1] == {"file": str(crops / "broken.jpg"), "error": "not a readable image"}
    assert rows[3] == {"file": str(crops / "missing.png"), "error": "file not found"}
    assert "4 file(s), 2 error(s)" in err


def test_it_prints_a_readable_line_without_json(crops, shipped_model_dir):
    lines, _ = run(str(crops / "a.png"), str(crops / "broken.jpg"), "--artifact", str(shipped_model_dir))

    file_name, emotion, confidence = lines[0].split("\t")
    assert file_name.endswith("a.png") and emotion in EMOTIONS and 0 <= float(confidence) <= 1
    assert lines[1].endswith("\tERROR\tnot a readable image")


@pytest.mark.django_db
def test_it_uses_the_active_model_by_default(crops):
    from worker.ml.active import reset_active_classifier

    reset_active_classifier()
    lines, err = run(str(crops / "a.png"), "--json")

    assert json.loads(lines[0])["emotion"] in EMOTIONS
    assert "model shipped" in err
    reset_active_classifier()
