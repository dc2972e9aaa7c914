"""A selection backed by fewer than MIN_GROUP_SIZE visits gets no corrected mix at all: no count, no share,
no interval, on the API, the reports page and its CSV; the model's reliability notes stay (they hold no visitor)."""
import pytest

from tests.analytics.test_it_reports_page import table_rows
from tests.analytics.test_it_suppresses_small_groups import four_and_five  # noqa: F401
from tests.analytics.web_fixtures import staff_api  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/api/analytics/corrected-mix/"


def test_the_api_hides_4_visits_and_shows_5(staff_api, four_and_five):
    small, large = four_and_five
    hidden = staff_api.get(URL, {"exhibit": small.pk}).json()
    assert hidden["status"] == "suppressed" and hidden["detections"] is None and hidden["models"] == []
    numbers = ("detections", "detected_percent", "estimated_percent", "low_percent", "high_percent")
    assert all(row[k] is None for row in hidden["emotions"] for k in numbers)
    assert all(row["note"] for row in hidden["emotions"])
    shown = staff_api.get(URL, {"exhibit": large.pk}).json()
    assert shown["status"] == "estimated" and shown["detections"] == 15
    assert staff_api.get(URL, {"since": "2026-06-03", "until": "2026-06-04"}).json()["status"] == "suppressed"


def test_the_reports_page_and_its_csv_show_no_number(staff_client, four_and_five):
    small, _ = four_and_five
    response = staff_client.get("/reports/", {"exhibit": small.pk})
    html = response.content.decode()
    assert 'class="mix-notes" data-status="suppressed"' in html and "Suppressed: fewer than 5 visits" in html
    rows = table_rows(response, "corrected")
    assert len(rows) == 7 and all(row[1:6] == ["suppressed"] * 5 for row in rows)
    csv_lines = staff_client.get("/reports/corrected.csv", {"exhibit": small.pk}).content.decode().splitlines()
    assert all(line.split(",")[1:6] == ["suppressed"] * 5 for line in csv_lines[1:])
