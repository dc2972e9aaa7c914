"""Inference: face crops in, `Prediction`s out, with the LiteRT runtime only.

This module must not import TensorFlow: camera workers (and a Raspberry Pi or
Jetson) install only `ai-edge-litert`. It is also Django-free; the process-wide
active classifier (the active ModelVersion, else the shipped model) comes from
`worker.ml.active.get_active_classifier()`, the one Django-aware piece.

    classifier = EmotionClassifier("worker/ml/shipped_model")
    [p.label for p in classifier.classify([crop_bgr, crop_gray])]
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from emotions import model_artifact
from emotions.model_artifact import ArtifactError
from worker.ml.preprocessing import TTA_VIEWS, preprocess_crops, tta_scores, undo_class_weights

# Batches are padded up to one of these sizes, so each interpreter keeps a fixed
# input shape (re-allocating tensors on every new batch size costs more than the padding).
# Multiples of 3 because hflip-zoom TTA sends 3 views per unsure face: one face's views
# fill a bucket of 3 instead of 4 (batch-1 latency 1.23 -> 0.88 ms measured).
BATCH_BUCKETS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)


def _is_number(value) -> bool:
    """A JSON number (bool is an int subclass in Python, but true/false in spec.json is not a number)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class Prediction:
    label: str  # lowercase emotion, one of emotions.labels.EMOTIONS
    confidence: float  # score of `label`, 0..1
    scores: dict[str, float] = field(default_factory=dict)  # all 7 labels -> 0..1, summing to ~1


class EmotionClassifier:
    """A LiteRT model from an artifact folder; `classify` is thread-safe."""

    def __init__(
        self,
        artifact_dir: str | Path,
        *,
        variant: str | None = None,
        num_threads: int | None = None,
        tta: bool | None = None,
    ):
        self.artifact_dir = Path(artifact_dir)
        self.spec = model_artifact.read_spec(self.artifact_dir)
        self.labels: tuple[str, ...] = tuple(self.spec["labels"])
        self.input_size: int = self.spec["input_size"]
        # The spec says which test-time augmentation the model was measured with; `tta=False`
        # trades some accuracy for a single pass per face (see docs/model.md).
        spec_tta = self.spec.get("tta", "none")
        if spec_tta not in TTA_VIEWS:
            raise ArtifactError(f"{self.artifact_dir / model_artifact.SPEC_FILE}: unknown tta {spec_tta!r}")
        self.tta: bool = model_artifact.running_tta_mode(spec_tta, tta) != "none"
        # The views when TTA runs (forced on for a one-pass spec: the mirror).
        self.tta_views: str = model_artifact.running_tta_mode(spec_tta, True)
        # Extra views only for faces whose first pass scores below this (None: every face).
        self.tta_below: float | None = self.spec.get("tta_below")
        if self.tta_below is not None and not (
            _is_number(self.tta_below) and 0 < self.tta_below <= 1
        ):
            raise ArtifactError(
                f"{self.artifact_dir / model_artifact.SPEC_FILE}: tta_below must be a score in (0, 1], got {self.tta_below!r}"
            )
        # Per-class loss weights of training, divided out of every pass's scores (undo_class_weights).
        self.class_weights: list[float] | None = self.spec.get("class_weights")
        if self.class_weights is not None and not (
            isinstance(self.class_weights, list) and len(self.class_weights) == len(self.labels)
            and all(_is_number(w) and 0 < w < float("inf") for w in self.class_weights)
        ):
            raise ArtifactError(
                f"{self.artifact_dir / model_artifact.SPEC_FILE}: class_weights must be {len(self.labels)} positive numbers,"
                f" got {self.class_weights!r}"
            )
        self.variant = variant or self.spec.get("default_variant") or "float"
        self.model_path = model_artifact.tflite_path(self.artifact_dir, self.variant)
        if not self.model_path.is_file():
            raise ArtifactError(f"model file missing: {self.model_path}")
        self.num_threads = num_threads
        # Set by the active-model loader: which ModelVersion events should record.
        self.model_version_id: int | None = None
        self.name: str = self.spec.get("name", self.artifact_dir.name)
        # Read once and handed to every batch size's interpreter: mapping the file once per
        # interpreter counted it again in the process's RSS each time (up to 12 times).
        self._model_content = self.model_path.read_bytes()
        self._interpreters: dict[int, object] = {}
        self._lock = threading.Lock()
        self._interpreter(1)  # fail now, naming the file, if the model is corrupt

    @property
    def tta_mode(self) -> str:
        """What `predict_scores` does: "none", or the TTA_VIEWS mode it averages over."""
        return self.tta_views if self.tta else "none"

    def __repr__(self) -> str:
        return f"EmotionClassifier({str(self.artifact_dir)!r}, variant={self.variant!r})"

    def _interpreter(self, batch: int):
        interpreter = self._interpreters.get(batch)
        if interpreter is None:
            from ai_edge_litert.interpreter import Interpreter

            try:
                interpreter = Interpreter(model_content=self._model_content, num_threads=self.num_threads)
                index = interpreter.get_input_details()[0]["index"]
                interpreter.resize_tensor_input(index, [batch, self.input_size, self.input_size, 1], strict=False)
                interpreter.allocate_tensors()
            except (ValueError, RuntimeError) as exc:
                raise ArtifactError(f"model file unusable: {self.model_path} ({exc})") from exc
            self._interpreters[batch] = interpreter
        return interpreter

    def _run(self, model_input: np.ndarray) -> np.ndarray:
        """float32 (n, size, size, 1), any n -> scores (n, 7), in chunks of the largest bucket."""
        largest = BATCH_BUCKETS[-1]
        if model_input.shape[0] > largest:
            return np.concatenate([self._run(model_input[i : i + largest]) for i in range(0, len(model_input), largest)])
        n = model_input.shape[0]
        batch = next(b for b in BATCH_BUCKETS if b >= n)
        if batch != n:
            padding = np.zeros((batch - n, *model_input.shape[1:]), dtype=np.float32)
            model_input = np.concatenate([model_input, padding])
        interpreter = self._interpreter(batch)
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], model_input)
        interpreter.invoke()
        return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])[:n].astype(np.float32)

    def _scores(self, model_input: np.ndarray) -> np.ndarray:
        return undo_class_weights(self._run(model_input), self.class_weights)

    def predict_scores(self, model_input: np.ndarray) -> np.ndarray:
        """Preprocessed input (N, size, size, 1) -> scores (N, 7), with the spec's TTA."""
        if model_input.shape[0] == 0:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        with self._lock:
            if not self.tta:
                return self._scores(model_input)
            return tta_scores(self._scores, model_input, views=self.tta_views, below=self.tta_below)

    def classify(self, crops: Sequence[np.ndarray]) -> list[Prediction]:
        """Face crops (any size, BGR/BGRA or gray uint8) -> one Prediction each, in order."""
        if len(crops) == 0:
            return []
        scores = self.predict_scores(preprocess_crops(crops, self.input_size))
        return [self._prediction(row) for row in scores]

    def _prediction(self, row: np.ndarray) -> Prediction:
        best = int(np.argmax(row))
        scores = {label: round(float(s), 6) for label, s in zip(self.labels, row)}
        return Prediction(label=self.labels[best], confidence=scores[self.labels[best]], scores=scores)
