"""`manage.py retrain` on Kaggle's fer2013.csv: Usage splits, or a seeded stratified split without it."""
from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from emotions.models import ModelVersion
from tests.worker.ml.conftest import write_csv_dataset
from worker.ml.data import load_training_data


@pytest.mark.slow
@pytest.mark.django_db
def test_it_trains_on_the_csv_training_rows_and_validates_on_publictest(csv_dataset, tmp_path):
    output = tmp_path / "run"
    call_command(
        "retrain", "--data", str(csv_dataset), "--epochs", "1", "--batch-size", "8", "--no-int8",
        "--output", str(output), "--name", "tiny-csv", verbosity=0,
    )

    spec = json.loads((output / "spec.json").read_text())
    assert spec["training"]["train_images"] == 7 * 4  # Training rows
    assert spec["training"]["validation_images"] == 7 * 2  # PublicTest rows
    assert json.loads((output / "metrics.json").read_text())["float"]["samples"] == 14
    assert ModelVersion.objects.filter(name="tiny-csv", is_active=False).exists()


def test_it_splits_a_csv_without_usage_column_stratified_and_seeded(tmp_path):
    csv_path = write_csv_dataset(tmp_path / "no_usage.csv", per_class=10, usage=False)

    train, val = load_training_data(csv_path, seed=7, val_fraction=0.2)
    again_train, again_val = load_training_data(csv_path, seed=7, val_fraction=0.2)

    assert len(train) == 56 and len(val) == 14
    assert set(val.class_counts().values()) == {2}  # every class in the validation split
    assert (val.images == again_val.images).all() and (train.labels == again_train.labels).all()
