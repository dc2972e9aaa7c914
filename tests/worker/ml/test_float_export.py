"""The float .tflite: float16-stored weights, same scores as the Keras model it came from."""
from __future__ import annotations

import numpy as np
import pytest

from worker.ml.export import export_float
from worker.ml.model import build_model


@pytest.mark.slow
def test_it_halves_the_file_and_keeps_the_scores(tmp_path):
    from ai_edge_litert.interpreter import Interpreter

    model = build_model()
    x = np.random.default_rng(0).random((8, 48, 48, 1), dtype=np.float32)
    expected = np.asarray(model(x, training=False))

    path = export_float(model, tmp_path / "model_float.tflite", 48)

    assert path.stat().st_size < 0.6 * model.count_params() * 4  # float32 weights would take 4 bytes each
    interpreter = Interpreter(model_path=str(path))
    interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], list(x.shape))
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    got = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, atol=2e-3)
