"""The prototype's analyze_emotions.py, as the issue describes it, rebuilt with pandas for the tests.

Only the tests use it: to check, on this machine's pandas, that our JSON (SQL path and --csv
path alike) is what the prototype printed, including the order value_counts() gives tied counts.
"""
from __future__ import annotations

import pandas as pd

SENTIMENT = {
    "Happy": "Positive",
    "Angry": "Negative", "Disgust": "Negative", "Fear": "Negative", "Sad": "Negative",
    "Neutral": "Neutral", "Surprise": "Neutral",
}


def _sentiment(group: pd.DataFrame) -> dict:
    return {
        "total_valid_detections": len(group),
        "sentiment_counts": group["Sentiment"].value_counts().to_dict(),
        "sentiment_percentages": (group["Sentiment"].value_counts(normalize=True) * 100).round(2).to_dict(),
    }


def _group(group: pd.DataFrame) -> dict:
    return {"overall_sentiment": _sentiment(group), "emotion_counts": group["Emotion"].value_counts().to_dict()}


def prototype_analysis(path, threshold: float = 0.6, log_file: str = "emotion_log.csv") -> dict:
    df = pd.read_csv(path)
    df["Confidence"] = pd.to_numeric(df["Confidence"], errors="coerce")
    df = df.dropna(subset=["Confidence", "Emotion"])
    total_rows_read = len(df)
    df = df[df["Confidence"] >= threshold].copy()
    if df.empty:
        return {"error": "No data meets threshold"}
    df["Sentiment"] = df["Emotion"].map(SENTIMENT)
    df["Hour"] = pd.to_datetime(df["Timestamp"]).dt.hour
    return {
        "metadata": {
            "log_file": log_file,
            "confidence_threshold": threshold,
            "total_rows_read": total_rows_read,
            "rows_analyzed": len(df),
        },
        "overall_sentiment_summary": _sentiment(df),
        "overall_emotion_counts": df["Emotion"].value_counts().to_dict(),
        "analysis_by_location": {name: _group(group) for name, group in df.groupby("CameraLocation")},
        "analysis_by_hour": {f"{hour:02d}:00 - {hour:02d}:59": _group(group) for hour, group in df.groupby("Hour")},
    }
