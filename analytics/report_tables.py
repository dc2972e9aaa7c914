"""The reports page's data and the tables beside its charts.

`report_data` gathers, with the API's own selectors, the JSON the page embeds
(so each chart draws exactly what the API serves for the same query); the
table builders turn that JSON into rows, for the HTML tables and their CSV
downloads alike. Pure functions over a few hundred numbers, no database.
"""
from __future__ import annotations

from dataclasses import dataclass

from analytics.legacy_summary import hour_label
from analytics.selectors._counts import percentages_of
from analytics.selectors.corrected_mix import corrected_emotion_mix
from analytics.selectors.exhibits import exhibit_engagement
from analytics.selectors.series import emotion_daily_series
from analytics.selectors.summary import legacy_summary
from analytics.selectors.suppression import min_group_size, summary_suppressed
from emotions.filters import EventFilter
from emotions.labels import EMOTIONS, SENTIMENTS, legacy_name

EMOTION_NAMES = [legacy_name(label) for label in EMOTIONS]
SUPPRESSED = "suppressed"  # a cell backed by fewer than MIN_GROUP_SIZE visits (analytics/selectors/suppression.py)


def page_summary(*, event_filter: EventFilter, threshold: float) -> dict:
    """The legacy summary as the page shows it: small hour and location groups suppressed."""
    return summary_suppressed(
        legacy_summary(event_filter=event_filter, threshold=threshold, fill_zeros=True), event_filter=event_filter
    )


def _shown(value):
    return SUPPRESSED if value is None else value


# Each part is what one API endpoint returns for the same query:
#   summary  = /api/analytics/summary/?fill_zeros=true   (sentiment, emotions, by location, by hour;
#              small groups suppressed on the page, exact in the API)
#   daily    = /api/analytics/series/daily/
#   exhibits = /api/analytics/exhibits/
#   corrected_mix = /api/analytics/corrected-mix/   (every detection: it takes no threshold)
REPORT_PARTS = {
    # The fixed shape (tables and charts index every label), small groups suppressed.
    "summary": page_summary,
    "daily": emotion_daily_series,
    "exhibits": exhibit_engagement,
    "corrected_mix": lambda *, event_filter, threshold: corrected_emotion_mix(event_filter=event_filter),
}


def report_data(*, event_filter: EventFilter, threshold: float, parts=tuple(REPORT_PARTS)) -> dict:
    """The JSON the page draws (all parts), or the parts one table needs."""
    return {part: REPORT_PARTS[part](event_filter=event_filter, threshold=threshold) for part in parts}


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list]


def sentiment_table(data: dict) -> Table:
    summary = data["summary"]["overall_sentiment_summary"]
    rows = [
        [name, summary["sentiment_counts"][name], summary["sentiment_percentages"][name]] for name in SENTIMENTS
    ]
    return Table("sentiment", "Sentiment distribution", ["Sentiment", "Detections", "Percent"], rows)


def emotion_table(data: dict) -> Table:
    counts = data["summary"]["overall_emotion_counts"]
    percentages = percentages_of(counts)
    rows = [[name, counts[name], percentages[name]] for name in EMOTION_NAMES]
    return Table("emotions", "Emotion counts", ["Emotion", "Detections", "Percent"], rows)


def location_table(data: dict) -> Table:
    rows = []
    for name, group in data["summary"]["analysis_by_location"].items():
        counts = group["emotion_counts"]
        rows.append([name, *(counts[e] for e in EMOTION_NAMES), sum(counts.values())])
    for name in data["summary"].get("suppressed", {}).get("locations", []):
        rows.append([name, *[SUPPRESSED] * (len(EMOTION_NAMES) + 1)])
    rows.sort(key=lambda row: row[0])
    return Table("locations", "Emotions by location", ["Location", *EMOTION_NAMES, "Total"], rows)


def hour_table(data: dict) -> Table:
    """All 24 local hours, zeros included, so the heatmap's grid is complete."""
    by_hour = data["summary"]["analysis_by_hour"]
    suppressed = set(data["summary"].get("suppressed", {}).get("hours", []))
    rows = []
    for hour in range(24):
        if hour_label(hour) in suppressed:
            rows.append([hour_label(hour), *[SUPPRESSED] * (len(EMOTION_NAMES) + 1)])
            continue
        counts = by_hour.get(hour_label(hour), {}).get("emotion_counts", {})
        values = [counts.get(e, 0) for e in EMOTION_NAMES]
        rows.append([hour_label(hour), *values, sum(values)])
    return Table("hours", "Hour × emotion", ["Hour", *EMOTION_NAMES, "Total"], rows)


def daily_table(data: dict) -> Table:
    """Per day, or per week/month when the events span years (analytics.selectors.series)."""
    rows = [
        [point["date"], _shown(point["total"]), *(_shown(point["sentiment_counts"][s]) for s in SENTIMENTS)]
        for point in data["daily"]
    ]
    bucket = data["daily"][0]["bucket"] if data["daily"] else "day"
    title = "Daily trend" if bucket == "day" else f"Trend per {bucket}"
    first_column = {"day": "Date", "week": "Week from", "month": "Month from", "year": "Year from"}[bucket]
    return Table("daily", title, [first_column, "Detections", *SENTIMENTS], rows)


def exhibit_table(data: dict) -> Table:
    rows = [
        [
            row["exhibit"], row["location"], _shown(row["visits"]),
            SUPPRESSED if row.get("suppressed") else row["mean_dwell_seconds"],
            _shown(row["dominant_emotion"]) if row.get("suppressed") else row["dominant_emotion"], _shown(row["events"]),
        ]
        for row in data["exhibits"]
    ]
    return Table(
        "exhibits", "Exhibit engagement",
        ["Exhibit", "Location", "Visits", "Mean dwell (s)", "Dominant emotion", "Detections"], rows,
    )


def corrected_mix_table(data: dict) -> Table:
    """Detected and estimated true shares with their interval; a suppressed selection shows no number."""
    mix = data["corrected_mix"]
    rows = []
    for row in mix["emotions"]:
        numbers = [row[k] for k in ("detections", "detected_percent", "estimated_percent", "low_percent", "high_percent")]
        if mix["status"] == "suppressed":
            numbers = [SUPPRESSED] * len(numbers)
        rows.append([row["emotion"], *numbers, row["reliability"] or "–"])
    level = f"{mix['level'] * 100:.0f} %"
    return Table("corrected", "Estimated true mix",
                 ["Emotion", "Detections (any confidence)", "Detected %", "Estimated true %",
                  f"{level} interval from", f"{level} interval to", "Reliability"], rows)


# table key -> (builder, the report_data part it reads)
TABLE_BUILDERS = {
    "sentiment": (sentiment_table, "summary"),
    "emotions": (emotion_table, "summary"),
    "locations": (location_table, "summary"),
    "hours": (hour_table, "summary"),
    "daily": (daily_table, "daily"),
    "exhibits": (exhibit_table, "exhibits"),
    "corrected": (corrected_mix_table, "corrected_mix"),
}


def kpis(data: dict) -> dict:
    """The headline numbers above the charts."""
    summary = data["summary"]["overall_sentiment_summary"]
    exhibits = data["exhibits"]
    shown = [row for row in exhibits if not row.get("suppressed")]
    visits = sum(row["visits"] for row in shown)
    dwell = sum(row["total_dwell_seconds"] for row in shown)
    counts = data["summary"]["overall_emotion_counts"]
    top = max(EMOTION_NAMES, key=lambda e: counts[e]) if any(counts.values()) else None
    return {
        "detections": summary["total_valid_detections"],
        "positive_percent": summary["sentiment_percentages"]["Positive"],
        "negative_percent": summary["sentiment_percentages"]["Negative"],
        "top_emotion": top,
        "exhibit_visits": visits,
        "mean_dwell_seconds": round(dwell / visits, 1) if visits else None,
        "locations": len(data["summary"]["analysis_by_location"])
        + len(data["summary"].get("suppressed", {}).get("locations", [])),
        "min_group_size": min_group_size(),
    }
