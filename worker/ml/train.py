"""Training, and the whole retrain run: data -> model -> artifact folder.

`run_retrain` is what `manage.py retrain` calls (Django stays in the command):
it loads the data, trains with per-epoch checkpoints (an interrupted run
resumes with `resume=True`), then writes the artifact: model.keras, float and
int8 .tflite, metrics.json for each variant, plots and spec.json.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from emotions import model_artifact  # noqa: E402
from emotions.labels import EMOTIONS  # noqa: E402
from worker.ml import plots  # noqa: E402
from worker.ml.data import Dataset, load_training_data  # noqa: E402
from worker.ml.distill import cached_teacher_targets, soft_targets  # noqa: E402
from worker.ml.evaluate import choose_tta, compute_metrics, predict_dataset  # noqa: E402
from worker.ml.export import calibration_sample, export_float, export_int8  # noqa: E402
from worker.ml.augment import AugmentConfig, augment_batch  # noqa: E402
from worker.ml.model import build_model, describe  # noqa: E402
from worker.ml.warm_start import model_from_tflite  # noqa: E402
from worker.ml.weight_averaging import CosineRestarts, average_snapshots  # noqa: E402
from worker.ml.preprocessing import MODEL_INPUT_SIZE, SPEC, to_model_input, undo_class_weights  # noqa: E402

Log = Callable[[str], None]
CHECKPOINT_DIR = "checkpoints"
INT8_MAX_ACCURACY_DROP = 0.01  # keep the int8 model only within 1 point of float


@dataclass
class TrainConfig:
    epochs: int = 30
    batch_size: int = 64
    seed: int = 1337
    learning_rate: float = 2e-3  # peak of the one-cycle (warm-up + cosine) schedule
    # AdamW's decoupled decay, scaled by the learning rate each step: 1e-2 shrinks
    # weights by ~40% over a 100-epoch run, 1e-4 (Keras' default) by ~0.5%.
    weight_decay: float = 1e-2
    label_smoothing: float = 0.1
    patience: int = 8  # epochs without a better validation accuracy before stopping
    warmup_epochs: float = 2.0
    # Wall-clock budget: the one-cycle schedule runs over this many seconds of
    # training instead of `epochs`, and training stops before the next epoch
    # would overrun it. On a shared 2-core box epoch times vary 2x; this keeps
    # the finish time fixed with a fully annealed learning rate.
    time_budget_s: float | None = None
    # Test-time augmentation the artifact is measured and used with (preprocessing.TTA_VIEWS),
    # for the crops whose first pass scores below tta_below (None: every crop); see tta_scores.
    # "auto": the cheapest mode and threshold within 0.1 point of the best on the validation set.
    tta: str = "auto"
    tta_below: float | None = None
    # Fine-tuning: start from this artifact's float .tflite (warm_start) instead of random weights.
    init_from: str | None = None
    # > 0: cosine warm restarts every this many epochs instead of the one-cycle schedule, and the
    # cycles' end weights averaged at the end (weight_averaging); `epochs` should be a multiple.
    cycle_epochs: int = 0
    # Probability of each camera effect in training augmentation (augment.AugmentConfig.camera).
    camera_augment: float = 0.0
    # Distillation: train towards this artifact's scores averaged over its test-time views
    # (worker/ml/distill.py), mixed with the labels: target = (1 - w) x label + w x teacher.
    distill_from: str | None = None
    distill_weight: float = 0.5
    verbose: int = 1  # Keras progress bar


@dataclass
class TrainOutcome:
    model: keras.Model
    history: dict[str, list[float]]
    seconds: float
    epochs_run: int
    best_epoch: int
    best_val_accuracy: float


@dataclass
class RetrainResult:
    artifact_dir: Path
    spec: dict
    metrics: dict
    training_seconds: float
    skipped: list[tuple[str, str]] = field(default_factory=list)


def class_weights(labels: np.ndarray, num_classes: int) -> np.ndarray:
    """Square-root balanced weights, mean 1 over samples: lifts `disgust` without drowning `happy`.

    The artifact records them (spec "class_weights") and inference divides them back out
    of the scores (preprocessing.undo_class_weights).
    """
    counts = np.maximum(np.bincount(labels, minlength=num_classes), 1).astype(np.float64)
    weights = np.sqrt(counts.sum() / (num_classes * counts))
    return (weights / (weights[labels].mean())).astype(np.float32)


def class_weights_for_spec(labels: np.ndarray, num_classes: int) -> list[float]:
    return [round(float(w), 6) for w in class_weights(labels, num_classes)]


def _train_dataset(data: Dataset, config: TrainConfig, teacher: np.ndarray | None = None) -> tf.data.Dataset:
    weights = class_weights(data.labels, len(EMOTIONS))[data.labels]
    onehot = np.eye(len(EMOTIONS), dtype=np.float32)[data.labels]
    if teacher is not None:
        onehot = soft_targets(onehot, teacher, config.distill_weight)
    augment = AugmentConfig(camera=config.camera_augment)
    batch_size = min(config.batch_size, len(data))
    return (
        tf.data.Dataset.from_tensor_slices((to_model_input(data.images), onehot, weights))
        .shuffle(len(data), seed=config.seed, reshuffle_each_iteration=True)
        # Full batches only: TF 2.21 on CPU was seen crashing on a short final batch.
        .batch(batch_size, drop_remainder=True)
        .map(lambda x, y, w: (augment_batch(x, augment), y, w), num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )


def _val_dataset(data: Dataset) -> tf.data.Dataset:
    onehot = np.eye(len(EMOTIONS), dtype=np.float32)[data.labels]
    return tf.data.Dataset.from_tensor_slices((to_model_input(data.images), onehot)).batch(256)


def one_cycle(progress: float, peak: float, warmup: float) -> float:
    """Learning rate at `progress` (0..1) of the run: linear warm-up from peak/10, cosine down to peak/100."""
    progress = min(max(progress, 0.0), 1.0)
    if progress < warmup:
        return peak / 10 + (peak - peak / 10) * progress / warmup
    cosine = 0.5 * (1 + np.cos(np.pi * (progress - warmup) / max(1 - warmup, 1e-9)))
    return float(peak / 100 + (peak - peak / 100) * cosine)


def _initial_model(config: TrainConfig, train_data: Dataset) -> keras.Model:
    if not config.init_from:
        return build_model(num_classes=len(EMOTIONS))
    pick = np.random.default_rng(config.seed).permutation(len(train_data))[:4096]
    return model_from_tflite(Path(config.init_from), to_model_input(train_data.images[pick]))


def _compiled_model(config: TrainConfig, steps_per_epoch: int, train_data: Dataset) -> keras.Model:
    keras.utils.set_random_seed(config.seed)
    model = _initial_model(config, train_data)
    if config.time_budget_s or config.cycle_epochs:
        schedule = config.learning_rate / 10  # a variable that TimeBudget or CosineRestarts sets every batch
    else:
        total = max(config.epochs * steps_per_epoch, 1)
        warmup = min(int(config.warmup_epochs * steps_per_epoch), total // 3)
        schedule = keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=config.learning_rate / 10,
            decay_steps=max(total - warmup, 1),
            alpha=0.01,
            warmup_target=config.learning_rate,
            warmup_steps=warmup,
        )
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate=schedule, weight_decay=config.weight_decay),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=config.label_smoothing),
        metrics=["accuracy"],
    )
    return model


class TimeBudget(keras.callbacks.Callback):
    """One-cycle learning rate over a wall-clock budget; stop before an epoch would overrun it."""

    def __init__(self, config: TrainConfig, state: dict):
        super().__init__()
        self.config, self.state = config, state
        self.epoch_started = 0.0
        self.warmup = min(0.08, config.warmup_epochs / max(config.epochs, 1))

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_started = time.monotonic()

    def on_train_batch_begin(self, batch, logs=None):
        elapsed = self.state["seconds"] + time.monotonic() - self.epoch_started
        rate = one_cycle(elapsed / self.config.time_budget_s, self.config.learning_rate, self.warmup)
        self.model.optimizer.learning_rate.assign(rate)

    def on_epoch_end(self, epoch, logs=None):
        # EpochCheckpoint (which runs first) has already added this epoch's time.
        mean_epoch = self.state["seconds"] / max(epoch + 1, 1)
        if self.state["seconds"] + mean_epoch > self.config.time_budget_s * 1.02:
            self.state["stopped_by_budget"] = True
            self.model.stop_training = True


class EpochCheckpoint(keras.callbacks.Callback):
    """Every epoch: last.keras + state.json (resume), best.keras on a new best; early stopping."""

    def __init__(self, folder: Path, state: dict, patience: int, log: Log):
        super().__init__()
        self.folder, self.state, self.patience, self.log = folder, state, patience, log
        self.epoch_started = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_started = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.state["seconds"] += time.monotonic() - self.epoch_started
        for key, value in logs.items():
            if key != "learning_rate":
                self.state["history"].setdefault(key, []).append(float(value))
        val_accuracy = float(logs.get("val_accuracy", 0.0))
        if val_accuracy > self.state["best_val_accuracy"]:
            self.state.update(best_val_accuracy=val_accuracy, best_epoch=epoch + 1)
            self.model.save(self.folder / "best.keras")
        self.state["epochs_done"] = epoch + 1
        self.model.save(self.folder / "last.keras")
        if epoch + 1 - self.state["best_epoch"] >= self.patience:
            self.state["stopped_early"] = True
            self.model.stop_training = True
        model_artifact.write_json(self.folder / "state.json", self.state)
        self.log(
            f"epoch {epoch + 1}: val_accuracy {val_accuracy:.4f} (best {self.state['best_val_accuracy']:.4f} "
            f"at {self.state['best_epoch']}), {self.state['seconds']:.0f}s of training so far"
        )


def _schedule_callbacks(config: TrainConfig, state: dict, steps: int, folder: Path, log: Log) -> list:
    if config.cycle_epochs:
        return [CosineRestarts(peak=config.learning_rate, cycle_epochs=config.cycle_epochs, steps_per_epoch=steps,
                               folder=folder, log=log)]
    return [TimeBudget(config, state)] if config.time_budget_s else []


def _keep_average_if_better(model: keras.Model, train_ds, val_data: Dataset, folder: Path, state: dict, log: Log) -> None:
    """Average the cycles' end weights; best.keras becomes the average if it measures better on validation."""
    averaged = average_snapshots(model, folder, train_ds)
    if not averaged:
        state["averaged"] = {"cycles": 0}
        return
    accuracy = float(model.evaluate(_val_dataset(val_data), verbose=0, return_dict=True)["accuracy"])
    kept = accuracy > state["best_val_accuracy"]
    state["averaged"] = {"cycles": averaged, "val_accuracy": accuracy, "kept": kept,
                         "best_single_epoch": state["best_epoch"], "best_single_val_accuracy": state["best_val_accuracy"]}
    log(f"average of {averaged} cycle ends: val_accuracy {accuracy:.4f} against the best epoch's "
        f"{state['best_val_accuracy']:.4f}: {'kept' if kept else 'not kept'}")
    if kept:
        model.save(folder / "best.keras")
        state.update(best_val_accuracy=accuracy)
    model_artifact.write_json(folder / "state.json", state)


def train(train_data: Dataset, val_data: Dataset, config: TrainConfig, folder: Path, *, resume: bool, log: Log) -> TrainOutcome:
    folder.mkdir(parents=True, exist_ok=True)
    state_file = folder / "state.json"
    teacher = None
    if config.distill_from:
        teacher = cached_teacher_targets(Path(config.distill_from), train_data.images,
                                         class_weights(train_data.labels, len(EMOTIONS)), folder, log=log)
    train_ds = _train_dataset(train_data, config, teacher)
    steps = int(train_ds.cardinality().numpy())
    if resume and state_file.exists() and (folder / "last.keras").exists():
        state = json.loads(state_file.read_text())
        model = keras.models.load_model(folder / "last.keras")
        log(f"resuming after epoch {state['epochs_done']} from {folder / 'last.keras'}")
    else:
        state = {"epochs_done": 0, "best_epoch": 0, "best_val_accuracy": -1.0, "seconds": 0.0,
                 "history": {}, "stopped_early": False, "config": asdict(config)}
        model = _compiled_model(config, steps, train_data)
    budget_spent = bool(config.time_budget_s) and state["epochs_done"] > 0 and (
        state["seconds"] * (1 + 1 / state["epochs_done"]) > config.time_budget_s * 1.02
    )
    if state["epochs_done"] < config.epochs and not state["stopped_early"] and not budget_spent:
        model.fit(
            train_ds,
            epochs=config.epochs,
            initial_epoch=state["epochs_done"],
            validation_data=_val_dataset(val_data),
            callbacks=[EpochCheckpoint(folder, state, config.patience, log)] + _schedule_callbacks(config, state, steps, folder, log),
            verbose=config.verbose,
        )
    if config.cycle_epochs and "averaged" not in state:
        _keep_average_if_better(model, train_ds, val_data, folder, state, log)
    best = folder / "best.keras"
    if best.exists():
        model = keras.models.load_model(best)
    log(f"best epoch {state['best_epoch']} of {state['epochs_done']}: val_accuracy {state['best_val_accuracy']:.4f}")
    return TrainOutcome(model, state["history"], state["seconds"], state["epochs_done"], state["best_epoch"],
                        state["best_val_accuracy"])


def _keras_scores(model: keras.Model, weights: list[float] | None) -> Callable[[np.ndarray], np.ndarray]:
    """The Keras model's scores as the classifier computes them from the .tflite (weights divided out)."""
    return lambda batch: undo_class_weights(np.asarray(model(batch, training=False), dtype=np.float32), weights)


def _evaluate_variant(artifact_dir: Path, variant: str, val_data: Dataset, *, tta: str) -> dict:
    from worker.ml.classifier import EmotionClassifier

    classifier = EmotionClassifier(artifact_dir, variant=variant, tta=tta != "none")
    scores = np.concatenate(
        [classifier.predict_scores(to_model_input(val_data.images[i : i + 256])) for i in range(0, len(val_data), 256)]
    )
    return compute_metrics(val_data.labels, scores)


def _with_both_tta_modes(measure: Callable[[str], dict], tta: str) -> dict:
    """Full metrics in the spec's TTA mode, plus accuracy and macro-F1 with TTA and without.

    Staff choosing EMOTION_MODEL_TTA (several passes per face or one) see what each costs in accuracy.
    """
    metrics = measure(tta)
    by_mode = {tta: metrics, "none": metrics if tta == "none" else measure("none")}
    # Each mode's confusion matrix too: the corrected mix (analytics) corrects with the one of the mode a site runs.
    metrics["by_tta"] = {mode: {"accuracy": m["accuracy"], "macro_f1": m["macro_f1"],
                                "confusion_matrix": m["confusion_matrix"]} for mode, m in by_mode.items()}
    return metrics


def _measure_scores(score_fn, val_data: Dataset, tta: str, tta_below: float | None) -> dict:
    """metrics.json's entry for a score function (the Keras model), with and without the TTA."""
    return _with_both_tta_modes(
        lambda mode: compute_metrics(
            val_data.labels, predict_dataset(score_fn, val_data.images, tta=mode, tta_below=tta_below)
        ),
        tta,
    )


def _measure_variant(artifact_dir: Path, variant: str, val_data: Dataset, tta: str) -> dict:
    """metrics.json's entry for an exported .tflite variant, run by the classifier with the spec on disk."""
    return _with_both_tta_modes(lambda mode: _evaluate_variant(artifact_dir, variant, val_data, tta=mode), tta)


def _choose_tta(score_fn, val_data: Dataset, log: Log) -> list[dict]:
    """choose_tta on the validation set, the choice logged; the chosen row first."""
    table = choose_tta(score_fn, val_data.images, val_data.labels)
    chosen = table[0]
    below = f" below {chosen['tta_below']}" if chosen["tta_below"] else ""
    log(f"test-time augmentation chosen on validation: {chosen['tta']}{below} "
        f"(accuracy {chosen['accuracy']:.4f}, {chosen['passes_per_face']} passes per face)")
    return table


def _write_metrics(artifact_dir: Path, spec: dict, metrics: dict, val_data: Dataset) -> None:
    """metrics.json (every entry tagged with the spec's TTA and the data) and the confusion-matrix plot."""
    for variant_metrics in metrics.values():
        variant_metrics.update(tta=spec["tta"], tta_below=spec.get("tta_below"), dataset=val_data.source)
    model_artifact.write_json(artifact_dir / model_artifact.METRICS_FILE, metrics)
    default = spec.get("default_variant", "float")
    plots.plot_confusion_matrix(metrics[default], artifact_dir / model_artifact.CONFUSION_PNG,
                                f"{spec.get('name', artifact_dir.name)} ({default}, validation)")


def write_artifact(
    outcome: TrainOutcome,
    train_data: Dataset,
    val_data: Dataset,
    config: TrainConfig,
    artifact_dir: Path,
    *,
    name: str,
    data_source: str,
    int8: bool,
    log: Log,
) -> tuple[dict, dict]:
    """Export and measure every variant; returns (spec, metrics)."""
    weights = class_weights_for_spec(train_data.labels, len(EMOTIONS))
    keras_scores = _keras_scores(outcome.model, weights)
    tta, tta_below, tta_table = config.tta, config.tta_below, None
    if tta == "auto":
        tta_table = _choose_tta(keras_scores, val_data, log)
        tta, tta_below = tta_table[0]["tta"], tta_table[0]["tta_below"]
    spec = {
        "name": name,
        "labels": list(EMOTIONS),
        "input_size": MODEL_INPUT_SIZE,
        "preprocessing": SPEC,
        "class_weights": weights,
        "tta": tta,
        **({"tta_below": tta_below} if tta != "none" and tta_below else {}),
        **({"tta_choice": tta_table} if tta_table else {}),
        "default_variant": "float",
        "variants": ["float"],
        "architecture": describe(),
        "parameters": int(outcome.model.count_params()),
        "training": {
            "data_source": data_source,
            "train_images": len(train_data),
            "validation_images": len(val_data),
            "train_class_counts": train_data.class_counts(),
            "epochs_run": outcome.epochs_run,
            "best_epoch": outcome.best_epoch,
            "training_seconds": round(outcome.seconds, 1),
            "config": asdict(config),
        },
    }
    # A fresh, uncompiled copy: the artifact needs the weights, not the optimizer's state (3x smaller).
    inference_model = build_model(num_classes=len(EMOTIONS))
    inference_model.set_weights(outcome.model.get_weights())
    inference_model.save(artifact_dir / model_artifact.KERAS_FILE)
    metrics: dict = {}
    keras_metrics = metrics["keras"] = _measure_scores(keras_scores, val_data, tta, tta_below)
    export_float(outcome.model, model_artifact.tflite_path(artifact_dir, "float"), MODEL_INPUT_SIZE)
    model_artifact.write_spec(artifact_dir, spec)  # the classifier needs it to measure the .tflite variants
    metrics["float"] = _measure_variant(artifact_dir, "float", val_data, tta)
    log(f"float .tflite: accuracy {metrics['float']['accuracy']:.4f} (keras {keras_metrics['accuracy']:.4f})")
    if int8:
        int8_path = model_artifact.tflite_path(artifact_dir, "int8")
        calibration = calibration_sample(train_data.images, train_data.labels, per_class=72, seed=config.seed)
        export_int8(outcome.model, int8_path, MODEL_INPUT_SIZE, calibration)
        int8_metrics = _measure_variant(artifact_dir, "int8", val_data, tta)
        drop = metrics["float"]["accuracy"] - int8_metrics["accuracy"]
        log(f"int8 .tflite: accuracy {int8_metrics['accuracy']:.4f} ({drop * 100:+.2f} points below float)")
        if drop <= INT8_MAX_ACCURACY_DROP:
            metrics["int8"] = int8_metrics
            spec["variants"].append("int8")
            spec["default_variant"] = "int8"
        else:
            int8_path.unlink()
            spec["int8_rejected"] = f"accuracy {int8_metrics['accuracy']:.4f} is more than 1 point below float"
    model_artifact.write_spec(artifact_dir, spec)
    _write_metrics(artifact_dir, spec, metrics, val_data)
    model_artifact.write_json(artifact_dir / model_artifact.HISTORY_FILE, outcome.history)
    plots.plot_training_curves(outcome.history, artifact_dir / model_artifact.CURVES_PNG)
    return spec, metrics


def remeasure_artifact(
    artifact_dir: Path, val_data: Dataset, *, add_class_weights: bool = False, log: Log = print
) -> tuple[dict, dict]:
    """Measure an artifact's exported variants again after its inference steps changed; no training.

    For an artifact written before retrain recorded something inference now uses: with
    `add_class_weights`, the class weights its training used, from the spec's training class
    counts, exactly as retrain computes them. Then the TTA is chosen again on `val_data` (with
    the float .tflite when there is no model.keras), and metrics.json and the confusion-matrix
    plot are rewritten. The model files are not touched.
    """
    artifact_dir = Path(artifact_dir)
    spec = model_artifact.read_spec(artifact_dir)
    spec.pop("format_version", None)
    if add_class_weights:
        counts = spec.get("training", {}).get("train_class_counts")
        if not counts or set(counts) != set(EMOTIONS):
            raise model_artifact.ArtifactError(f"{artifact_dir / model_artifact.SPEC_FILE}: no training class counts to weigh by")
        labels = np.repeat(np.arange(len(EMOTIONS)), [int(counts[label]) for label in EMOTIONS])
        spec["class_weights"] = class_weights_for_spec(labels, len(EMOTIONS))
    keras_file = artifact_dir / model_artifact.KERAS_FILE
    if keras_file.is_file():
        chooser = _keras_scores(keras.models.load_model(keras_file, compile=False), spec.get("class_weights"))
    else:
        from worker.ml.classifier import EmotionClassifier

        model_artifact.write_spec(artifact_dir, spec)  # the classifier reads class_weights from it
        chooser = EmotionClassifier(artifact_dir, variant="float", tta=False).predict_scores
    table = _choose_tta(chooser, val_data, log)
    spec.update(tta=table[0]["tta"], tta_choice=table)
    spec.pop("tta_below", None)
    if table[0]["tta_below"]:
        spec["tta_below"] = table[0]["tta_below"]
    spec["remeasured"] = {"data": val_data.source, "class_weights_added": add_class_weights,
                          "tta_chosen_with": "keras" if keras_file.is_file() else "float"}
    model_artifact.write_spec(artifact_dir, spec)
    tta, tta_below = spec["tta"], spec.get("tta_below")
    metrics: dict = {}
    if keras_file.is_file():
        metrics["keras"] = _measure_scores(chooser, val_data, tta, tta_below)
    for variant in model_artifact.available_variants(artifact_dir):
        metrics[variant] = _measure_variant(artifact_dir, variant, val_data, tta)
        log(f"{variant}: accuracy {metrics[variant]['accuracy']:.4f}, one pass {metrics[variant]['by_tta']['none']['accuracy']:.4f}")
    _write_metrics(artifact_dir, spec, metrics, val_data)
    return spec, metrics


def run_retrain(
    data: Path,
    output_dir: Path,
    config: TrainConfig,
    *,
    val: Path | None = None,
    val_fraction: float = 0.1,
    limit_per_class: int | None = None,
    cache_dir: Path | None = None,
    resume: bool = False,
    int8: bool = True,
    name: str | None = None,
    log: Log = print,
) -> RetrainResult:
    started = time.monotonic()
    train_data, val_data = load_training_data(
        data, val, seed=config.seed, val_fraction=val_fraction, limit_per_class=limit_per_class, cache_dir=cache_dir
    )
    skipped = train_data.skipped + [s for s in val_data.skipped if s not in train_data.skipped]
    for where, reason in skipped:
        log(f"skipped {where}: {reason}")
    log(f"train: {len(train_data)} images {train_data.class_counts()} from {train_data.source}")
    log(f"validation: {len(val_data)} images from {val_data.source}")
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    name = name or output_dir.name
    outcome = train(train_data, val_data, config, output_dir / CHECKPOINT_DIR, resume=resume, log=log)
    data_source = f"{data}" + (f" (validation: {val})" if val else "")
    spec, metrics = write_artifact(
        outcome, train_data, val_data, config, output_dir, name=name, data_source=data_source, int8=int8, log=log
    )
    log(f"artifact written to {output_dir} in {time.monotonic() - started:.0f}s")
    return RetrainResult(output_dir, spec, metrics, outcome.seconds, skipped)


def copy_for_shipping(artifact_dir: Path, target: Path) -> None:
    """The files a fresh clone needs to classify and to show the model card (no checkpoints)."""
    target.mkdir(parents=True, exist_ok=True)
    for item in target.iterdir():
        if item.is_file():
            item.unlink()
    names = [model_artifact.SPEC_FILE, model_artifact.LABELS_FILE, model_artifact.METRICS_FILE, model_artifact.HISTORY_FILE,
             model_artifact.CURVES_PNG, model_artifact.CONFUSION_PNG, *model_artifact.TFLITE_FILES.values()]
    for file_name in names:
        if (artifact_dir / file_name).exists():
            shutil.copy2(artifact_dir / file_name, target / file_name)
