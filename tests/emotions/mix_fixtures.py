"""Confusion matrices for the mix-correction tests: the shipped model's, and small made-up ones."""
from __future__ import annotations

import json

import numpy as np
from django.conf import settings

from emotions.mix_correction import Confusion, confusion_from_counts, confusion_from_metrics


def shipped_confusion() -> Confusion:
    """The shipped model's int8 matrix, as metrics.json has it (the real figures, not a stand-in)."""
    metrics = json.loads((settings.SHIPPED_MODEL_DIR / "metrics.json").read_text())
    return confusion_from_metrics(metrics, variant="int8", source="shipped")


def blurry_confusion(recall: float = 0.6, faces: int = 1000) -> Confusion:
    """Each class read right `recall` of the time, the rest spread evenly over the others."""
    k = 7
    rates = np.full((k, k), (1 - recall) / (k - 1))
    np.fill_diagonal(rates, recall)
    return confusion_from_counts(np.round(rates * faces))
