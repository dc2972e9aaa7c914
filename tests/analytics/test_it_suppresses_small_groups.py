"""Small-group suppression: a report cell or breakdown value backed by 4 visits is suppressed,
one backed by 5 is shown (MIN_GROUP_SIZE=5, the default); the legacy summary stays exact."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from emotions.models import EmotionEvent, Visit
from tests.analytics.test_it_reports_page import embedded_data, table_rows
from tests.analytics.web_fixtures import staff_api  # noqa: F401
from tests.factories import CameraFactory, ExhibitFactory, LocationFactory

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def four_and_five(settings):
    """4 visits at exhibit "Small" on 3 June 10:xx, 5 at exhibit "Large" on 4 June 15:xx (local)."""
    settings.MIN_GROUP_SIZE = 5
    hall = LocationFactory(name="Hall")
    small, large = ExhibitFactory(location=hall, title="Small"), ExhibitFactory(location=hall, title="Large")
    for exhibit, start, count in ((small, datetime(2026, 6, 3, 10, 5, tzinfo=ROME), 4),
                                  (large, datetime(2026, 6, 4, 15, 5, tzinfo=ROME), 5)):
        camera = CameraFactory(location=hall, exhibit=exhibit)
        for n in range(count):
            at = start + timedelta(minutes=5 * n)
            visit = Visit.objects.create(camera=camera, location=hall, exhibit=exhibit, track_id=f"{exhibit.pk}-{n}",
                                         started_at=at, ended_at=at + timedelta(seconds=4), dwell_seconds=4.0,
                                         mean_scores={}, dominant_emotion="happy", visit_key=uuid.uuid4().hex)
            for k in range(3):
                EmotionEvent.objects.create(timestamp=at + timedelta(seconds=k), location=hall, camera=camera,
                                            exhibit=exhibit, visit=visit, emotion="happy", confidence=0.9,
                                            track_id=visit.track_id, event_key=uuid.uuid4().hex)
    return small, large


def test_the_api_breakdowns_hide_4_and_show_5(staff_api, four_and_five):
    daily = {p["date"]: p for p in staff_api.get("/api/analytics/series/daily/").json()}
    assert daily["2026-06-03"]["suppressed"] and daily["2026-06-03"]["total"] is None
    assert daily["2026-06-03"]["emotion_counts"]["Happy"] is None
    assert not daily["2026-06-04"]["suppressed"] and daily["2026-06-04"]["total"] == 15
    hourly = staff_api.get("/api/analytics/series/hourly/").json()
    assert [(p["suppressed"], p["total"]) for p in hourly] == [(True, None), (False, 15)]
    exhibits = {r["exhibit"]: r for r in staff_api.get("/api/analytics/exhibits/").json()}
    assert exhibits["Small"]["suppressed"] and exhibits["Small"]["visits"] is None
    assert not exhibits["Large"]["suppressed"] and exhibits["Large"]["visits"] == 5
    locations = staff_api.get("/api/analytics/locations/").json()
    assert [(r["location"], r["suppressed"], r["visits"]) for r in locations] == [("Hall", False, 9)]
    # The legacy summary stays exact: existing dashboards read it.
    summary = staff_api.get("/api/analytics/summary/").json()
    assert summary["analysis_by_hour"]["10:00 - 10:59"]["emotion_counts"]["Happy"] == 12


def test_a_camera_filter_makes_the_group_the_cameras(staff_api, four_and_five):
    small, _ = four_and_five
    camera = small.cameras.get()
    points = staff_api.get(f"/api/analytics/series/daily/?camera={camera.pk}").json()
    assert [p["suppressed"] for p in points] == [True]


def test_the_reports_page_shows_suppressed_cells_and_explains_the_rule(client, staff_user, four_and_five):
    client.force_login(staff_user)
    response = client.get("/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-rule="min-group-size"' in html and "fewer than\n5 visits" in html
    hours = {row[0]: row for row in table_rows(response, "hours")}
    assert hours["10:00 - 10:59"][1:] == ["suppressed"] * 8
    assert hours["15:00 - 15:59"][-1] == "15"
    exhibits = {row[0]: row for row in table_rows(response, "exhibits")}
    assert exhibits["Small"][2] == "suppressed" and exhibits["Large"][2] == "5"
    daily = {row[0]: row for row in table_rows(response, "daily")}
    assert daily["2026-06-03"][1] == "suppressed" and daily["2026-06-04"][1] == "15"
    data = embedded_data(response)
    assert "10:00 - 10:59" not in data["summary"]["analysis_by_hour"]  # the charts get no hidden numbers
    csv = client.get("/reports/hours.csv").content.decode()
    assert "10:00 - 10:59,suppressed" in csv
