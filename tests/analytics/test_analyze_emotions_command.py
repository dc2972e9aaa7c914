"""analyze_emotions prints only JSON on stdout; failures are clear messages and a non-zero exit."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.emotions.legacy_files import museum_csv, write_csv

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


def test_it_prints_only_json_on_stdout_even_with_bad_rows(tmp_path):
    path = write_csv(tmp_path / "emotion_log.csv", ["2025-11-25 10:00:00.000,Cafe,Happy,0.9", "oops,Cafe,Happy,0.9"])
    out, err = StringIO(), StringIO()
    call_command("analyze_emotions", "--csv", str(path), stdout=out, stderr=err)
    assert json.loads(out.getvalue())["metadata"]["total_rows_read"] == 1
    assert "line 3" in err.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--threshold", "1.5"), "threshold must be between 0 and 1"),
        (("--threshold", "nan"), "threshold must be between 0 and 1"),
        (("--location", "Nowhere"), "no location named 'Nowhere'"),
        (("--since", "2025-11-02", "--until", "2025-11-01"), "must be after --since"),
        (("--csv", "/nonexistent/emotion_log.csv"), "no such file"),
    ],
)
def test_it_explains_what_is_wrong(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("analyze_emotions", *args, stdout=StringIO(), stderr=StringIO())


def test_it_names_a_missing_column_of_the_csv(tmp_path):
    path = write_csv(tmp_path / "emotion_log.csv", ["2025-11-25 10:00:00.000,Cafe,0.9"], header="Timestamp,CameraLocation,Confidence\n")
    with pytest.raises(CommandError, match=r"missing required column\(s\): Emotion"):
        call_command("analyze_emotions", "--csv", str(path), stdout=StringIO(), stderr=StringIO())


def test_it_exits_non_zero_with_the_message_on_stderr_and_nothing_on_stdout(tmp_path):
    bad = write_csv(tmp_path / "bad.csv", ["x"], header="Time\n")
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    run = subprocess.run(
        [sys.executable, "manage.py", "analyze_emotions", "--csv", str(bad)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode != 0
    assert run.stdout == ""
    assert "missing required column(s): Timestamp, CameraLocation, Emotion, Confidence" in run.stderr
    assert "Traceback" not in run.stderr


def test_it_runs_as_a_drop_in_for_the_old_script(tmp_path):
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    run = subprocess.run(
        [sys.executable, "manage.py", "analyze_emotions", "--csv", str(museum_csv(tmp_path))],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["overall_sentiment_summary"]["sentiment_counts"] == {
        "Positive": 4, "Negative": 3, "Neutral": 3,
    }
