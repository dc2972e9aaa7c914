"""Bad training data gives a clear CommandError (or a report), never a bare traceback."""
from __future__ import annotations

import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from emotions.labels import EMOTIONS
from worker.ml.data import load_folder

pytestmark = pytest.mark.django_db  # retrain checks the ModelVersion name before training


def retrain(*args: str):
    call_command("retrain", *args, "--epochs", "1", "--no-cache", verbosity=0)


def test_it_names_the_missing_class_folders(folder_dataset):
    shutil.rmtree(folder_dataset / "disgust")

    with pytest.raises(CommandError, match=r"lacks class folder\(s\): disgust"):
        retrain("--data", str(folder_dataset))


def test_it_rejects_a_dataset_without_images(tmp_path):
    for label in EMOTIONS:
        (tmp_path / "empty" / label).mkdir(parents=True)

    with pytest.raises(CommandError, match="holds no readable images"):
        retrain("--data", str(tmp_path / "empty"))


def test_it_rejects_a_missing_dataset_path(tmp_path):
    with pytest.raises(CommandError, match="dataset not found: .*nowhere"):
        retrain("--data", str(tmp_path / "nowhere"))


def test_it_names_the_missing_csv_columns(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("label,image\n3,0 0 0 0\n")

    with pytest.raises(CommandError, match=r"missing column\(s\) emotion, pixels; found label, image"):
        retrain("--data", str(bad))


def test_it_reports_and_skips_corrupt_images(folder_dataset):
    (folder_dataset / "happy" / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    (folder_dataset / "sad" / "empty.png").write_bytes(b"")

    dataset = load_folder(folder_dataset)

    assert len(dataset) == 7 * 6
    skipped = dict(dataset.skipped)
    assert skipped[str(folder_dataset / "happy" / "broken.jpg")] == "not a readable image"
    assert skipped[str(folder_dataset / "sad" / "empty.png")] == "empty file"


def test_it_skips_bad_csv_rows_and_says_which(csv_dataset):
    from worker.ml.data import load_fer2013_csv

    with csv_dataset.open("a") as handle:
        handle.write("3,1 2 3,Training\n9,0 0 0 0,Training\n")

    splits = load_fer2013_csv(csv_dataset)

    reasons = dict(splits["Training"].skipped)
    assert len(splits["Training"]) == 7 * 4
    assert "square count" in reasons[f"{csv_dataset}:44"]
    assert "bad row" in reasons[f"{csv_dataset}:45"]


def test_it_refuses_to_resume_without_a_checkpoint(folder_dataset, tmp_path):
    with pytest.raises(CommandError, match="nothing to resume"):
        retrain("--data", str(folder_dataset), "--output", str(tmp_path / "new"), "--resume")


def test_it_refuses_to_overwrite_a_run_without_resume(folder_dataset, tmp_path):
    (tmp_path / "run" / "checkpoints").mkdir(parents=True)
    (tmp_path / "run" / "checkpoints" / "state.json").write_text("{}")

    with pytest.raises(CommandError, match="already holds a training run: pass --resume"):
        retrain("--data", str(folder_dataset), "--output", str(tmp_path / "run"))


def test_it_refuses_a_taken_name_before_training(folder_dataset, tmp_path):
    from tests.factories import ModelVersionFactory

    ModelVersionFactory(name="taken")

    with pytest.raises(CommandError, match="a ModelVersion named 'taken' exists already"):
        retrain("--data", str(folder_dataset), "--name", "taken", "--output", str(tmp_path / "run"))


@pytest.mark.parametrize("args, message", [
    (("--tta-below", "0.7"), "--tta-below goes with a --tta mode"),
    (("--tta", "hflip", "--tta-below", "0"), r"--tta-below must be a score in \(0, 1\], got 0.0"),
    (("--tta", "hflip", "--tta-below", "1.5"), r"--tta-below must be a score in \(0, 1\], got 1.5"),
])
def test_it_rejects_a_tta_threshold_it_cannot_use_before_training(folder_dataset, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        retrain("--data", str(folder_dataset), "--output", str(tmp_path / "run"), *args)
    assert not (tmp_path / "run").exists()


def test_it_asks_for_migrate_on_a_database_without_tables(folder_dataset, tmp_path):
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DEBUG="true", MUSEUM_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="museum_site.settings")
    result = subprocess.run(
        [sys.executable, "manage.py", "retrain", "--data", str(folder_dataset), "--epochs", "1"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )

    assert result.returncode == 1
    assert "run `python manage.py migrate` first" in result.stderr and "Traceback" not in result.stderr
