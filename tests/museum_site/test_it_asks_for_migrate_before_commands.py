"""Commands run against an unmigrated or unreachable database say what to do, without a traceback."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

COMMANDS = [
    ["classify_faces", "{crop}"],
    ["evaluate_model", "--data", "{tmp}"],
    ["detect_emotions", "{crop}"],
    ["run_camera", "1", "--max-frames", "1"],
    ["import_emotion_log", "{csv}"],
    ["export_emotion_log"],
]


def manage(tmp_path, database_url: str, args: list[str]) -> subprocess.CompletedProcess:
    import cv2
    import numpy as np

    crop, csv = tmp_path / "face.png", tmp_path / "emotion_log.csv"
    cv2.imwrite(str(crop), np.full((48, 48), 128, np.uint8))
    csv.write_text("Timestamp,CameraLocation,Emotion,Confidence\n2024-03-01 10:00:00,Hall,happy,0.9\n")
    args = [a.format(crop=crop, csv=csv, tmp=tmp_path) for a in args]
    env = dict(os.environ, DEBUG="true", DATABASE_URL=database_url, MUSEUM_VAR_DIR=str(tmp_path / "var"),
               DJANGO_SETTINGS_MODULE="museum_site.settings")
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_it_asks_for_migrate_on_a_database_without_tables(tmp_path, args):
    empty = tmp_path / "empty.sqlite3"

    result = manage(tmp_path, f"sqlite:///{empty}", args)

    assert result.returncode == 1, result.stderr
    assert "migration(s) not applied: run `python manage.py migrate` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_names_the_database_it_cannot_reach(tmp_path):
    # Port 9 (discard) has no PostgreSQL behind it: connection refused at once.
    result = manage(tmp_path, "postgres://museum@127.0.0.1:9/museum", ["export_emotion_log"])

    assert result.returncode == 1, result.stderr
    assert "cannot read the database museum" in result.stderr and "check DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_runs_the_command_once_migrated(tmp_path):
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert manage(tmp_path, database, ["migrate", "--noinput"]).returncode == 0

    result = manage(tmp_path, database, ["export_emotion_log"])

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Timestamp,CameraLocation,Emotion,Confidence")
