"""Metrics for a model variant on a labelled set: the numbers metrics.json and evaluate_model print."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from emotions.labels import EMOTIONS
from worker.ml.preprocessing import TTA_VIEWS, to_model_input, tta_scores, tta_view

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


TTA_BELOW_CANDIDATES = (0.5, 0.6, 0.7, 0.8, 0.9)
TTA_TOLERANCE = 0.001  # accuracy a cheaper TTA setting may give up against the best one


def choose_tta(score_fn: ScoreFn, images: np.ndarray, labels: np.ndarray, *, batch_size: int = 256) -> list[dict]:
    """Every TTA mode and threshold measured on a labelled set; the chosen one first.

    Each view is scored once and the settings are combined from those scores exactly as
    `tta_scores` would. The choice is the cheapest setting (model passes per face) whose
    accuracy is within TTA_TOLERANCE of the best: which views help depends on the model
    (the closer crops added 1.5 points to one model and cost another 0.2), so each run measures.
    """
    def score(model_input: np.ndarray) -> np.ndarray:
        return np.concatenate([np.asarray(score_fn(model_input[i : i + batch_size]), dtype=np.float32)
                               for i in range(0, len(model_input), batch_size)])

    model_input = to_model_input(images)
    first = score(model_input)
    distinct = dict.fromkeys(view for mode in TTA_VIEWS.values() for view in mode)
    views = {view: score(tta_view(model_input, *view)) for view in distinct}
    rows = []
    for mode, extra in TTA_VIEWS.items():
        full = (first + sum((views[view] for view in extra), np.zeros_like(first))) / (len(extra) + 1)
        for below in (None, *TTA_BELOW_CANDIDATES) if extra else (None,):
            unsure = np.ones(len(first), bool) if below is None else first.max(axis=1) < below
            predicted = np.where(unsure[:, None], full, first).argmax(axis=1)
            rows.append({
                "tta": mode,
                "tta_below": below,
                "accuracy": round(float(np.mean(predicted == labels)) if len(labels) else 0.0, 4),
                "passes_per_face": round(1 + float(unsure.mean() if len(unsure) else 0.0) * len(extra), 2),
            })
    best = max(row["accuracy"] for row in rows)
    chosen = min((row for row in rows if row["accuracy"] >= best - TTA_TOLERANCE),
                 key=lambda row: row["passes_per_face"])
    return [chosen] + [row for row in rows if row is not chosen]


def compute_metrics(y_true: np.ndarray, scores: np.ndarray, labels: tuple[str, ...] = EMOTIONS) -> dict:
    """Accuracy, macro-F1, per-class precision/recall/F1/support and the confusion matrix."""
    return metrics_from_predictions(y_true, np.argmax(scores, axis=1), labels)


def metrics_from_predictions(y_true: np.ndarray, y_pred: np.ndarray, labels: tuple[str, ...] = EMOTIONS, *,
                             missed: bool = False) -> dict:
    """compute_metrics' figures from predicted class ids. With `missed`, -1 is no prediction (a face
    the detector did not find): a miss for its own class (recall), a false positive for no class
    (precision), and the confusion matrix gets a "missed" column."""
    ids = list(range(len(labels)))
    columns = ids + ([-1] if missed else [])
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=ids, zero_division=0)
    matrix = (confusion_matrix(y_true, y_pred, labels=columns)[: len(ids)] if len(y_true)
              else np.zeros((len(ids), len(columns)), int))
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
        "confusion_matrix": {"labels": list(labels), **({"columns": [*labels, "missed"]} if missed else {}),
                             "rows_true_cols_predicted": matrix.tolist()},
    }


def format_metrics(name: str, metrics: dict) -> str:
    """A plain-text report: headline, per-class table, confusion matrix."""
    labels = metrics["confusion_matrix"]["labels"]
    tta = metrics.get("tta") or "none"
    if tta != "none":
        tta = f"TTA {tta}" + (f" below {metrics['tta_below']}" if metrics.get("tta_below") else "")
    lines = [
        f"{name}: accuracy {metrics['accuracy']:.4f}  macro-F1 {metrics['macro_f1']:.4f}  "
        f"({metrics['samples']} images{', ' + tta if tta != 'none' else ''})",
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
