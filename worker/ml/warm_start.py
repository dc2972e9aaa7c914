"""Start training from a shipped artifact: its float .tflite back into the Keras network.

The repository ships the .tflite files, not model.keras, so a fine-tuning run
(`retrain --init-from worker/ml/shipped_model`) rebuilds the Keras model from
the float .tflite. The converter folded each BatchNorm into the convolution
before it (kernel scaled, BN's shift became a bias), so the rebuilt network
puts the folded kernel in the conv and gives each BN the statistics its
input actually has on training images, with gamma and beta chosen so that
BN(x) = x + bias exactly:

    gamma = sqrt(var + eps), moving_mean = mean, moving_var = var, beta = mean + bias

Inference is then the shipped function (float16 weights, as shipped), and in
training mode the batch statistics are close to the moving ones, so
fine-tuning starts where the shipped model is instead of being knocked off it.
"""
from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from emotions import model_artifact
from worker.ml.model import build_model


class WarmStartError(ValueError):
    """The artifact's .tflite does not match the network retrain builds."""


def _constant_tensors(tflite_file: Path) -> dict[str, np.ndarray]:
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(tflite_file))
    interpreter.allocate_tensors()
    tensors = {}
    for detail in interpreter.get_tensor_details():
        if detail["dtype"] in (np.float16, np.float32) and len(detail["shape"]) >= 1:
            try:
                value = interpreter.get_tensor(detail["index"])
            except ValueError:  # activations: not readable after allocation
                continue
            tensors.setdefault(detail["name"], value.astype(np.float32))
    return tensors


def _find(tensors: dict[str, np.ndarray], must_contain: tuple[str, ...], shape: tuple[int, ...]) -> np.ndarray:
    """The constant whose name mentions every part and whose shape matches (the converter's names vary)."""
    hits = [v for name, v in tensors.items() if all(part in name for part in must_contain) and v.shape == shape]
    if not hits:
        raise WarmStartError(f"no tensor named like {'+'.join(must_contain)} with shape {shape} in the .tflite")
    return hits[0]


def _folded_layers(model: keras.Model) -> list[tuple[keras.layers.Layer, keras.layers.Layer]]:
    """(conv or dense, the BatchNorm after it) pairs in the network's order."""
    pairs = []
    layers = model.layers
    for i, layer in enumerate(layers[:-1]):
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)) and isinstance(layers[i + 1], keras.layers.BatchNormalization):
            pairs.append((layer, layers[i + 1]))
    return pairs


def _bias_of(tensors: dict[str, np.ndarray], bn_name: str, size: int) -> np.ndarray:
    return _find(tensors, (f"{bn_name}_1/batchnorm/add_1",), (size,))


def model_from_tflite(artifact_dir: Path, calibration_images: np.ndarray) -> keras.Model:
    """The artifact's float network as a trainable Keras model (see the module docstring).

    calibration_images: model input (N, 48, 48, 1) float32, a few thousand training faces.
    """
    tflite_file = model_artifact.tflite_path(Path(artifact_dir), "float")
    if not tflite_file.is_file():
        raise WarmStartError(f"{tflite_file} not found: --init-from needs an artifact with a float .tflite")
    tensors = _constant_tensors(tflite_file)
    model = build_model()
    pairs = _folded_layers(model)
    biases = {}
    for layer, bn in pairs:
        if isinstance(layer, keras.layers.Conv2D):
            k_h, k_w, c_in, c_out = layer.kernel.shape
            kernel = _find(tensors, (f"{layer.name}_1/convolution",), (c_out, k_h, k_w, c_in))
            layer.set_weights([kernel.transpose(1, 2, 3, 0)])
        else:  # the head's dense: the converter names its folded matrix after the BN's multiply
            n_in, n_out = layer.kernel.shape
            kernel = _find(tensors, (f"{bn.name}_1/batchnorm/mul_1",), (n_out, n_in))
            layer.set_weights([kernel.T])
        biases[bn.name] = _bias_of(tensors, bn.name, bn.gamma.shape[0])
    scores = model.get_layer("scores")
    n_in, n_out = scores.kernel.shape
    scores.set_weights([_find(tensors, ("scores_1/MatMul",), (n_out, n_in)).T, _find(tensors, ("scores_1/BiasAdd",), (n_out,))])

    # First every BN as "add the bias" (mean 0, var 1 - eps), then measure each BN's input.
    for _, bn in pairs:
        size = bn.gamma.shape[0]
        bn.set_weights([np.ones(size), biases[bn.name], np.zeros(size), np.full(size, 1.0 - bn.epsilon)])
    probe = keras.Model(model.input, [layer.output for layer, _ in pairs])
    outputs = probe.predict(calibration_images, batch_size=256, verbose=0)
    for (_, bn), out in zip(pairs, outputs):
        axes = tuple(range(out.ndim - 1))
        mean, var = out.mean(axis=axes), out.var(axis=axes)
        bn.set_weights([np.sqrt(var + bn.epsilon), mean + biases[bn.name], mean, var])
    return model
