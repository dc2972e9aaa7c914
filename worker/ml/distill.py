"""Distillation targets: a trained artifact's averaged test-time views, as soft labels for training.

A network scored on four views of a face (the crop, its mirror, a closer crop and its
mirror) is more accurate than on the crop alone (fer-vgg-v2: 0.694 against 0.682 on
PublicTest), but costs four passes. Training a network towards those averaged scores
teaches it to give, in one pass, what the teacher gives in four, and the soft scores
also carry which classes a face is close to (fear next to surprise, sad next to neutral),
which one-hot labels do not.

The targets are computed once per run, on the un-augmented training images, and cached
in the checkpoint folder so a resumed run reuses them. They are expressed in the
student's training space: the teacher's natural-mix scores (its own class weights
divided out) multiplied by the student's class weights, so the student's class weights
can be divided out at inference exactly as for any other run.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from emotions import model_artifact
from worker.ml.evaluate import predict_dataset

TEACHER_VIEWS = "hflip-zoom"  # every face gets every view: the teacher's cost is paid once, offline
TARGETS_FILE = "teacher_targets.npy"


def teacher_natural_scores(artifact_dir: Path, images: np.ndarray, *, log: Callable[[str], None] = print) -> np.ndarray:
    """uint8 (N, 48, 48) faces -> the artifact's float model's scores (N, 7), averaged over TEACHER_VIEWS."""
    from worker.ml.classifier import EmotionClassifier

    variant = "float" if model_artifact.tflite_path(artifact_dir, "float").is_file() else None
    teacher = EmotionClassifier(artifact_dir, variant=variant, tta=False)
    log(f"teacher {teacher.name}: scoring {len(images)} faces on {TEACHER_VIEWS} views")
    return predict_dataset(teacher.predict_scores, images, tta=TEACHER_VIEWS, tta_below=None)


def in_training_space(natural: np.ndarray, class_weights: Sequence[float]) -> np.ndarray:
    """Natural-mix scores -> what a network trained with these class weights should output (undo_class_weights' inverse)."""
    weighted = np.asarray(natural, dtype=np.float32) * np.asarray(class_weights, dtype=np.float32)
    return weighted / np.maximum(weighted.sum(axis=1, keepdims=True), np.float32(1e-12))


def soft_targets(labels_onehot: np.ndarray, teacher: np.ndarray, weight: float) -> np.ndarray:
    """The training target: (1 - weight) x the label + weight x the teacher's scores."""
    return ((1.0 - weight) * labels_onehot + weight * teacher).astype(np.float32)


def cached_teacher_targets(artifact_dir: Path, images: np.ndarray, class_weights: Sequence[float], folder: Path,
                           *, log: Callable[[str], None] = print) -> np.ndarray:
    """The teacher's targets in training space, computed once and kept in `folder` for a resumed run."""
    cache = folder / TARGETS_FILE
    if cache.is_file():
        targets = np.load(cache)
        if targets.shape == (len(images), len(class_weights)):
            return targets
    natural = teacher_natural_scores(Path(artifact_dir), images, log=log)
    targets = in_training_space(natural, class_weights)
    folder.mkdir(parents=True, exist_ok=True)
    np.save(cache, targets)
    agreement = float((natural.argmax(axis=1) == targets.argmax(axis=1)).mean())
    log(f"teacher targets cached in {cache} ({len(targets)} faces; argmax unchanged by class weights on {agreement:.1%})")
    return targets
