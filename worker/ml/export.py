"""Keras model -> LiteRT flatbuffers: float, and int8 calibrated on training images.

The float model computes in float32; its weights are stored as float16, which
halves the file (the repo ships it) and changes no prediction measurably: the
runtime widens them to float32 once, when it loads the model.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf

from worker.ml.preprocessing import to_model_input


def export_float(model, path: Path, input_size: int) -> Path:
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.target_spec.supported_types = [tf.float16]
    Path(path).write_bytes(converter.convert())
    return Path(path)


def export_int8(model, path: Path, input_size: int, calibration_images: np.ndarray) -> Path:
    """Full-integer weights and activations; float input/output so the classifier code is the same."""
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]

    def representative_dataset():
        for image in calibration_images:
            yield [to_model_input(image[np.newaxis])]

    converter.representative_dataset = representative_dataset
    Path(path).write_bytes(converter.convert())
    return Path(path)


def calibration_sample(images: np.ndarray, labels: np.ndarray, per_class: int, seed: int) -> np.ndarray:
    """A class-balanced sample of training images for int8 calibration."""
    rng = np.random.default_rng(seed)
    picks = [rng.permutation(np.flatnonzero(labels == c))[:per_class] for c in np.unique(labels)]
    return images[np.concatenate(picks)]
