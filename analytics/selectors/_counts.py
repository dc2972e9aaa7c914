"""Shaping helpers shared by the selectors: GROUP BY rows -> the API's count dicts.

They work on the handful of rows a GROUP BY returns (at most groups x 7), never per event.
"""
from __future__ import annotations

from emotions.labels import EMOTIONS, SENTIMENT_OF, SENTIMENTS, legacy_name


def empty_emotion_counts() -> dict[str, int]:
    """All 7 labels, in model order and legacy spelling ("Happy"), at zero."""
    return {legacy_name(label): 0 for label in EMOTIONS}


def sentiment_counts_of(emotion_counts: dict[str, int]) -> dict[str, int]:
    """Legacy sentiment groups from legacy-spelled emotion counts."""
    sentiments = dict.fromkeys(SENTIMENTS, 0)
    for label in EMOTIONS:
        sentiments[SENTIMENT_OF[label]] += emotion_counts.get(legacy_name(label), 0)
    return sentiments


def dominant_of(emotion_counts: dict[str, int]) -> str | None:
    """The most frequent emotion (legacy spelling); ties go to model order; None when all zero."""
    best_name, best_count = None, 0
    for label in EMOTIONS:
        count = emotion_counts.get(legacy_name(label), 0)
        if count > best_count:
            best_name, best_count = legacy_name(label), count
    return best_name


def percentages_of(counts: dict[str, int]) -> dict[str, float]:
    """Same rounding as the legacy JSON: percent of the total, 2 decimals, 0.0 when empty."""
    total = sum(counts.values())
    return {name: (round(100.0 * n / total, 2) if total else 0.0) for name, n in counts.items()}
