"""The daily series switches to weekly, then monthly buckets as the events' span grows; the hourly series caps its span.

Any stored range (here, 2000 to now) gives a bounded number of points, each
saying its bucket; the counts add up to the same total in every bucket size.
"""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from analytics.selectors.series import daily_series_bucket
from tests.analytics.web_fixtures import museum, viewer_api, viewer_user  # noqa: F401
from tests.factories import EmotionEventFactory

ROME = ZoneInfo("Europe/Rome")


def _event_on(day: date, location, confidence=0.9):
    EmotionEventFactory(timestamp=datetime.combine(day, time(12), tzinfo=ROME), location=location, confidence=confidence)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(1, "day"), (366, "day"), (367, "week"), (1830, "week"), (1831, "month"), (14640, "month"), (14641, "year")],
)
def test_it_picks_the_bucket_by_span(days, bucket):
    first = date(2000, 1, 1)
    assert daily_series_bucket(first, first + timedelta(days=days - 1)) == bucket


@pytest.mark.django_db
def test_it_counts_many_years_in_months(viewer_api, museum):
    _event_on(date(2000, 1, 3), museum.hall)  # a Monday, the first accepted year
    points = viewer_api.get("/api/analytics/series/daily/").json()
    # January 2000 to November 2026: one point per month, not ~9,800 days.
    assert len(points) == 26 * 12 + 11
    assert {p["bucket"] for p in points} == {"month"}
    assert points[0]["date"] == "2000-01-01" and points[0]["total"] == 1
    assert points[-1]["date"] == "2026-11-01" and points[-1]["total"] == 9
    assert sum(p["total"] for p in points) == 10


@pytest.mark.django_db
def test_it_counts_two_years_in_weeks_from_monday(viewer_api, museum):
    _event_on(date(2024, 11, 20), museum.hall)  # a Wednesday
    points = viewer_api.get("/api/analytics/series/daily/").json()
    assert {p["bucket"] for p in points} == {"week"}
    assert points[0]["date"] == "2024-11-18"  # that week's Monday
    assert points[-1]["date"] == "2026-11-16"  # 2026-11-20 .. 22 fall in the week of Monday the 16th
    assert len(points) == 105
    assert sum(p["total"] for p in points) == 10


@pytest.mark.django_db
def test_it_keeps_days_within_a_year(viewer_api, museum):
    points = viewer_api.get("/api/analytics/series/daily/").json()
    assert [(p["date"], p["bucket"]) for p in points] == [
        ("2026-11-20", "day"), ("2026-11-21", "day"), ("2026-11-22", "day"),
    ]


@pytest.mark.django_db
def test_it_refuses_an_hourly_series_over_93_days_naming_since(viewer_api, museum):
    _event_on(date(2026, 8, 1), museum.hall)
    response = viewer_api.get("/api/analytics/series/hourly/")
    assert response.status_code == 400
    assert "the hourly series covers at most 93 days" in response.json()["since"][0]
    narrowed = viewer_api.get("/api/analytics/series/hourly/", {"since": "2026-11-01"})
    assert narrowed.status_code == 200 and len(narrowed.json()) == 4


@pytest.mark.django_db
def test_it_draws_the_reports_page_for_all_time_over_many_years(client, viewer_user, museum):
    _event_on(date(2000, 1, 3), museum.hall)
    client.force_login(viewer_user)
    response = client.get("/reports/")
    assert response.status_code == 200
    assert "Trend per month" in response.content.decode()


@pytest.mark.django_db
def test_it_counts_events_stored_before_the_bounds_in_years(viewer_api, museum):
    # Rows from before the time bounds existed (a dead clock's 1970) can't be refused any more: still few points.
    EmotionEventFactory(timestamp=datetime(1970, 1, 1, 0, 0, 5, tzinfo=ZoneInfo("UTC")), location=museum.hall)
    points = viewer_api.get("/api/analytics/series/daily/").json()
    assert [p["bucket"] for p in points] == ["year"] * 57
    assert (points[0]["date"], points[0]["total"]) == ("1970-01-01", 1)
    assert (points[-1]["date"], points[-1]["total"]) == ("2026-01-01", 9)
