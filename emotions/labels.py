"""The 7 emotion labels, their legacy spellings and the legacy sentiment groups.

Plain Python (no Django) so the ML code and the pandas path can share it.
"""
from __future__ import annotations

# Order is the model's output order (alphabetical, as the dataset folders).
EMOTIONS: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")

# Kaggle fer2013.csv label ids.
FER2013_CSV_IDS: dict[int, str] = {
    0: "angry", 1: "disgust", 2: "fear", 3: "happy", 4: "sad", 5: "surprise", 6: "neutral",
}

# The prototype's sentiment groups (analyze_emotions.py).
SENTIMENT_OF: dict[str, str] = {
    "happy": "Positive",
    "angry": "Negative",
    "disgust": "Negative",
    "fear": "Negative",
    "sad": "Negative",
    "neutral": "Neutral",
    "surprise": "Neutral",
}
SENTIMENTS: tuple[str, ...] = ("Positive", "Negative", "Neutral")


def legacy_name(label: str) -> str:
    """'happy' -> 'Happy', the spelling of emotion_log.csv and the legacy JSON."""
    return label.capitalize()


def parse_label(value: str) -> str:
    """Accept 'Happy', 'happy', ' HAPPY ' -> 'happy'; raise ValueError otherwise."""
    label = value.strip().lower()
    if label not in EMOTIONS:
        raise ValueError(f"unknown emotion {value!r} (expected one of {', '.join(EMOTIONS)})")
    return label
