"""Classifying image files in chunks: the core of `manage.py classify_faces` (Django-free)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from worker.ml.classifier import EmotionClassifier
from worker.ml.data import image_files, read_image
from worker.ml.preprocessing import PreprocessingError, crop_to_gray


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given (any extension: a bad one gets an error line), folders recursively."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            yield from image_files(path)
        else:
            yield path


def classify_files(classifier: EmotionClassifier, files: Iterable[Path], chunk: int = 256) -> Iterator[dict]:
    """One dict per file, in input order: emotion/confidence/scores, or error."""
    batch: list[tuple[Path, object]] = []
    for path in files:
        try:
            item = crop_to_gray(read_image(path), classifier.input_size)
        except FileNotFoundError:
            item = "file not found"
        except IsADirectoryError:
            item = "is a directory"
        except (OSError, ValueError, PreprocessingError) as exc:
            item = str(exc) or type(exc).__name__
        batch.append((path, item))
        if len(batch) >= chunk:
            yield from _classify_batch(classifier, batch)
            batch = []
    if batch:
        yield from _classify_batch(classifier, batch)


def _classify_batch(classifier: EmotionClassifier, batch: list[tuple[Path, object]]) -> Iterator[dict]:
    crops = [item for _, item in batch if not isinstance(item, str)]
    predictions = iter(classifier.classify(crops))
    for path, item in batch:
        if isinstance(item, str):
            yield {"file": str(path), "error": item}
        else:
            p = next(predictions)
            yield {"file": str(path), "emotion": p.label, "confidence": round(p.confidence, 4), "scores": p.scores}
