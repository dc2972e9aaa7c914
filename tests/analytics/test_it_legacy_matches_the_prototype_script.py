"""On files full of tied counts, the SQL path, the --csv path and the prototype's pandas script agree.

The prototype's tie order is whatever pandas' value_counts() gives on the machine it
runs on (numpy's vectorised sort reorders 4+ tied labels on AVX2/AVX-512 CPUs), so the
expected JSON here comes from running that script (tests/analytics/prototype_script.py)
with this machine's pandas; test_it_legacy_summary_json.py has the hand-worked cases.
"""
from __future__ import annotations

import json
import random
from io import StringIO

import pytest
from django.core.management import call_command

from emotions.models import EmotionEvent
from emotions.services.legacy_csv import legacy_csv_import
from tests.analytics.prototype_script import prototype_analysis
from tests.emotions.legacy_files import write_csv

pytestmark = pytest.mark.django_db
EMOTIONS = ["Angry", "Disgust", "Fear", "Happy", "Neutral", "Sad", "Surprise"]
PROTOTYPE_METADATA = ("log_file", "confidence_threshold", "total_rows_read", "rows_analyzed")


def tied_rows(rng: random.Random) -> list[tuple[str, ...]]:
    """A few dozen rows over 3 locations and 3 hours, few labels: many equal counts.
    Rows are in time order (as the prototype appended them); some share a timestamp."""
    rows = []
    for i in range(rng.randint(1, 40)):
        minute = i // 2  # two faces per frame now and then
        rows.append((
            f"2025-11-{rng.randint(1, 3):02d} {rng.choice((9, 10, 14)):02d}:{minute:02d}:00.000",
            rng.choice(("Cafe", "Exhibit Hall A", "Museum Entrance")),
            rng.choice(EMOTIONS[: rng.randint(4, 7)]),
            rng.choice(("0.3", "0.6", "0.7", "0.95")),
        ))
    return sorted(rows, key=lambda row: row[0])


def analyze(*args: str) -> str:
    out = StringIO()
    call_command("analyze_emotions", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def prototype_part(text: str) -> str:
    """Our JSON less the metadata keys the prototype did not have, as compact text (order kept)."""
    summary = json.loads(text)
    if "metadata" in summary:
        summary["metadata"] = {key: summary["metadata"][key] for key in PROTOTYPE_METADATA}
    return json.dumps(summary)


@pytest.mark.parametrize("threshold", ["0.6", "0.7"])
def test_it_prints_the_prototypes_json_on_both_paths(tmp_path, threshold):
    rng = random.Random(20261129)
    for case in range(40):
        rows = tied_rows(rng)
        path = write_csv(tmp_path / "emotion_log.csv", rows)
        EmotionEvent.objects.all().delete()
        legacy_csv_import(source=path)
        from_sql = analyze("--threshold", threshold)
        assert from_sql == analyze("--csv", str(path), "--threshold", threshold), (case, rows)
        expected = json.dumps(prototype_analysis(path, threshold=float(threshold)))
        assert prototype_part(from_sql) == expected, (case, rows)
