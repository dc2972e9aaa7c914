"""Metrics for a model variant on a labelled set: the numbers metrics.json and evaluate_model print."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from emotions.labels import EMOTIONS
from worker.ml.preprocessing import to_model_input, tta_scores

ScoreFn = Callable[[np.ndarray], np.ndarray]  # model input (N, 48, 48, 1) -> scores (N, 7)


def predict_dataset(
    score_fn: ScoreFn, images: np.ndarray, *, tta: str = "none", tta_below: float | None = None, batch_size: int = 256
) -> np.ndarray:
    """uint8 images (N, 48, 48) -> scores (N, 7), using the same preprocessing and TTA as the classifier."""
    parts = []
    for start in range(0, len(images), batch_size):
        model_input = to_model_input(images[start : start + batch_size])
        parts.append(tta_scores(score_fn, model_input, views=tta, below=tta_below))
    return np.concatenate(parts) if parts else np.zeros((0, len(EMOTIONS)), dtype=np.float32)


def compute_metrics(y_true: np.ndarray, scores: np.ndarray, labels: tuple[str, ...] = EMOTIONS) -> dict:
    """Accuracy, macro-F1, per-class precision/recall/F1/support and the confusion matrix."""
    y_pred = np.argmax(scores, axis=1)
    ids = list(range(len(labels)))
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=ids, zero_division=0
    )
    matrix = confusion_matrix(y_true, y_pred, labels=ids)
    return {
        "samples": int(len(y_true)),
        "accuracy": round(float(np.mean(y_pred == y_true)) if len(y_true) else 0.0, 4),
        "macro_f1": round(float(np.mean(f1)), 4),
        "per_class": {
            label: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for label, p, r, f, s in zip(labels, precision, recall, f1, support)
        },
        "confusion_matrix": {"labels": list(labels), "rows_true_cols_predicted": matrix.tolist()},
    }


def format_metrics(name: str, metrics: dict) -> str:
    """A plain-text report: headline, per-class table, confusion matrix."""
    labels = metrics["confusion_matrix"]["labels"]
    lines = [
        f"{name}: accuracy {metrics['accuracy']:.4f}  macro-F1 {metrics['macro_f1']:.4f}  "
        f"({metrics['samples']} images{', TTA ' + str(metrics['tta']) if metrics.get('tta') else ''})",
        f"  {'class':<9} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}",
    ]
    for label in labels:
        row = metrics["per_class"][label]
        lines.append(
            f"  {label:<9} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f} {row['support']:>8}"
        )
    lines.append("  confusion matrix (rows: true, columns: predicted)")
    lines.append(f"  {'':<9}" + "".join(f"{label[:5]:>7}" for label in labels))
    for label, row in zip(labels, metrics["confusion_matrix"]["rows_true_cols_predicted"]):
        lines.append(f"  {label:<9}" + "".join(f"{v:>7}" for v in row))
    return "\n".join(lines)
