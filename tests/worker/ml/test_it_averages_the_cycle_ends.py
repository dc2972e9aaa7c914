"""`retrain --cycle-epochs N`: cosine warm restarts, and the cycles' end weights averaged (SWA)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from worker.ml.data import load_training_data
from worker.ml.train import TrainConfig, train
from worker.ml.weight_averaging import restart_rate


def test_the_rate_restarts_at_every_cycle():
    peak = 1e-3
    assert restart_rate(0.0, peak, 4) == pytest.approx(peak)
    assert restart_rate(3.999, peak, 4) == pytest.approx(peak / 100, rel=1e-3)
    assert restart_rate(4.0, peak, 4) == pytest.approx(peak)  # the next cycle starts high again
    assert restart_rate(2.0, peak, 4) == pytest.approx((peak + peak / 100) / 2)


@pytest.mark.slow
def test_it_averages_the_cycle_ends_and_records_the_choice(folder_dataset, tmp_path):
    train_data, val_data = load_training_data(folder_dataset, seed=1)
    folder = tmp_path / "checkpoints"
    lines: list[str] = []

    outcome = train(train_data, val_data, TrainConfig(epochs=4, cycle_epochs=2, batch_size=8, patience=10, verbose=0),
                    folder, resume=False, log=lines.append)

    assert sorted(p.name for p in folder.glob("cycle_*.weights.h5")) == ["cycle_001.weights.h5", "cycle_002.weights.h5"]
    state = json.loads((folder / "state.json").read_text())
    averaged = state["averaged"]
    assert averaged["cycles"] == 2
    assert 0.0 <= averaged["val_accuracy"] <= 1.0
    assert averaged["kept"] == (averaged["val_accuracy"] > averaged["best_single_val_accuracy"])
    assert outcome.best_val_accuracy == pytest.approx(max(averaged["val_accuracy"], averaged["best_single_val_accuracy"]))
    assert any("average of 2 cycle ends" in line for line in lines)
    scores = np.asarray(outcome.model(np.zeros((2, 48, 48, 1), np.float32), training=False))
    assert np.isfinite(scores).all()
