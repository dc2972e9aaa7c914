"""A file that can't be read as a whole fails with a message naming the problem, and writes nothing."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from emotions.models import EmotionEvent
from tests.emotions.legacy_files import write_csv

pytestmark = pytest.mark.django_db


def test_it_names_the_missing_column(tmp_path):
    path = write_csv(tmp_path / "emotion_log.csv", ["2025-11-25 10:00:00.000,Cafe,Happy"],
                     header="Timestamp,CameraLocation,Emotion\n")
    with pytest.raises(CommandError, match=r"missing required column\(s\): Confidence"):
        call_command("import_emotion_log", str(path), "--no-progress", stdout=StringIO(), stderr=StringIO())
    assert EmotionEvent.objects.count() == 0


def test_it_names_every_missing_column(tmp_path):
    path = write_csv(tmp_path / "emotion_log.csv", ["x,y"], header="Time,Place\n")
    with pytest.raises(CommandError, match="Timestamp, CameraLocation, Emotion, Confidence"):
        call_command("import_emotion_log", str(path), "--no-progress", stdout=StringIO(), stderr=StringIO())


def test_it_refuses_an_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(CommandError, match="empty"):
        call_command("import_emotion_log", str(path), "--no-progress", stdout=StringIO(), stderr=StringIO())


def test_it_refuses_a_path_that_is_not_a_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_emotion_log", str(tmp_path / "nope.csv"), stdout=StringIO(), stderr=StringIO())
