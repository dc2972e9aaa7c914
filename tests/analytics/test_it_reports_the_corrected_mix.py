"""/reports/ shows the estimated true mix beside the detected one: a table (and its CSV) with the interval and
each emotion's reliability, the notes, and the same JSON as /api/analytics/corrected-mix/ for its chart."""
import csv
import io

import pytest
from rest_framework.test import APIClient

from tests.analytics.test_it_reports_page import embedded_data, table_rows
from tests.analytics.web_fixtures import museum, viewer_user  # noqa: F401

pytestmark = pytest.mark.django_db


def test_it_shows_detected_and_estimated_shares_with_their_interval_and_reliability(client, viewer_user, museum):
    client.force_login(viewer_user)
    response = client.get("/reports/", {"threshold": "0.9"})  # the mix counts every detection regardless
    api = APIClient()
    api.force_authenticate(viewer_user)
    mix = api.get("/api/analytics/corrected-mix/").json()
    assert embedded_data(response)["corrected_mix"] == mix
    rows = {row[0]: row[1:] for row in table_rows(response, "corrected")}
    assert list(rows) == ["Angry", "Disgust", "Fear", "Happy", "Neutral", "Sad", "Surprise"]
    happy = next(r for r in mix["emotions"] if r["emotion"] == "Happy")
    assert rows["Happy"] == ["4", f"{happy['detected_percent']:.2f}", f"{happy['estimated_percent']:.2f}",
                             f"{happy['low_percent']:.2f}", f"{happy['high_percent']:.2f}", "reliable"]
    assert rows["Disgust"][-1] == "caution"
    html = response.content.decode()
    assert 'class="mix-notes" data-status="estimated"' in html and 'id="chart-corrected"' in html
    assert "90 % interval from" in html and "Estimated from 11 detections (every confidence)" in html
    assert happy["note"] in html and mix["method"].split(".")[0] in html
    assert "/api/analytics/corrected-mix/" in html


def test_its_csv_carries_the_same_rows(client, viewer_user, museum):
    client.force_login(viewer_user)
    response = client.get("/reports/corrected.csv", {"location_id": museum.hall.pk})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Emotion", "Detections (any confidence)", "Detected %", "Estimated true %"]
    assert {row[0]: row[1] for row in rows[1:]}["Happy"] == "2"  # 0.95 and 0.99 at Exhibit Hall A
