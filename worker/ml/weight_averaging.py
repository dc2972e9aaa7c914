"""Cosine warm restarts with the weights averaged over the cycles' ends (SWA).

`retrain --cycle-epochs N` (typically with `--init-from` an existing model)
runs the learning rate from its peak down to peak/100 every N epochs, saves
the weights at the end of each cycle, and at the end of training averages
those snapshots into one network. Averaging the ends of several cycles lands
in a wider, flatter part of the loss surface than any single end, which
generalises better (Izmailov et al. 2018, "Averaging Weights Leads to Wider
Optima"). The average's BatchNorm statistics do not belong to any snapshot,
so one pass over the training data recomputes them before it is measured.
The averaged network is kept only if it beats the best single epoch on the
validation set.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

SNAPSHOT_GLOB = "cycle_*.weights.h5"


def restart_rate(epoch_progress: float, peak: float, cycle_epochs: int) -> float:
    """Learning rate at `epoch_progress` (epochs, fractional): cosine from peak to peak/100 in every cycle."""
    position = (epoch_progress % cycle_epochs) / cycle_epochs
    return float(peak / 100 + (peak - peak / 100) * 0.5 * (1 + math.cos(math.pi * position)))


class CosineRestarts(keras.callbacks.Callback):
    """Sets the rate every batch; saves the weights at the end of every cycle."""

    def __init__(self, *, peak: float, cycle_epochs: int, steps_per_epoch: int, folder: Path, log: Callable[[str], None]):
        super().__init__()
        self.peak, self.cycle_epochs, self.steps = peak, cycle_epochs, steps_per_epoch
        self.folder, self.log = folder, log
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        rate = restart_rate(self.epoch + batch / self.steps, self.peak, self.cycle_epochs)
        self.model.optimizer.learning_rate.assign(rate)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.cycle_epochs == 0:
            cycle = (epoch + 1) // self.cycle_epochs
            self.model.save_weights(self.folder / f"cycle_{cycle:03d}.weights.h5")
            self.log(f"cycle {cycle} ended at epoch {epoch + 1}: weights saved for averaging")


def recompute_batchnorm_statistics(model: keras.Model, train_ds: tf.data.Dataset) -> None:
    """One pass in training mode, no weight update: each BN's moving statistics follow the new weights."""
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = 0.9  # ~0.9^400 of the old value is left after a pass: nothing
    for batch in train_ds:
        model(batch[0], training=True)
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = 0.99


def average_snapshots(model: keras.Model, folder: Path, train_ds: tf.data.Dataset) -> int:
    """Load the mean of the cycle snapshots in `folder` into `model`; returns how many were averaged (0 or >= 2)."""
    snapshots = sorted(folder.glob(SNAPSHOT_GLOB))
    if len(snapshots) < 2:
        return 0
    total = None
    for snapshot in snapshots:
        model.load_weights(snapshot)
        weights = [np.asarray(w, dtype=np.float64) for w in model.get_weights()]
        total = weights if total is None else [t + w for t, w in zip(total, weights)]
    model.set_weights([t / len(snapshots) for t in total])
    recompute_batchnorm_statistics(model, train_ds)
    return len(snapshots)
