"""An interrupted training run continues from its last checkpoint (`retrain --resume`)."""
from __future__ import annotations

import json

import pytest

from worker.ml.data import load_training_data
from worker.ml.train import TrainConfig, train


@pytest.mark.slow
def test_it_resumes_after_the_last_completed_epoch(folder_dataset, tmp_path):
    train_data, val_data = load_training_data(folder_dataset, seed=1)
    folder = tmp_path / "checkpoints"
    lines: list[str] = []

    first = train(train_data, val_data, TrainConfig(epochs=1, batch_size=8, verbose=0), folder,
                  resume=False, log=lines.append)
    assert first.epochs_run == 1
    state = json.loads((folder / "state.json").read_text())
    assert state["epochs_done"] == 1 and (folder / "last.keras").exists()

    second = train(train_data, val_data, TrainConfig(epochs=2, batch_size=8, verbose=0), folder,
                   resume=True, log=lines.append)

    assert second.epochs_run == 2
    assert len(second.history["loss"]) == 2  # epoch 1 kept, epoch 2 added
    assert any("resuming after epoch 1" in line for line in lines)
