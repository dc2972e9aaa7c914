"""/reports/: staff and viewers only; tables carry the numbers; the charts' JSON is the API's JSON."""
import json
import re

import pytest
from rest_framework.test import APIClient

from tests.analytics.web_fixtures import MUSEUM_EXPECTED, museum, outsider_user, viewer_user  # noqa: F401


def embedded_data(response) -> dict:
    match = re.search(r'<script id="report-data" type="application/json">(.*?)</script>', response.content.decode(), re.S)
    return json.loads(match.group(1))


def table_rows(response, key: str) -> list[list[str]]:
    html = response.content.decode()
    table = re.search(rf'<table class="data" data-table="{key}">(.*?)</table>', html, re.S).group(1)
    body = table.split("<tbody>")[1]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_the_login(client):
    response = client.get("/reports/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/reports/")


@pytest.mark.django_db
def test_it_forbids_users_outside_staff_and_viewers(client, outsider_user):
    client.force_login(outsider_user)
    assert client.get("/reports/").status_code == 403


@pytest.mark.django_db
def test_it_shows_the_numbers_beside_each_chart(client, viewer_user, museum):
    client.force_login(viewer_user)
    response = client.get("/reports/")
    assert response.status_code == 200
    assert table_rows(response, "sentiment") == [
        ["Positive", "4", "44.44"], ["Negative", "3", "33.33"], ["Neutral", "2", "22.22"],
    ]
    emotions = {row[0]: row[1:] for row in table_rows(response, "emotions")}
    assert emotions["Happy"] == ["4", "44.44"] and emotions["Disgust"] == ["0", "0.00"]
    locations = {row[0]: row[-1] for row in table_rows(response, "locations")}
    assert locations == {"Exhibit Hall A": "5", "Museum Entrance": "4"}
    hours = table_rows(response, "hours")
    assert len(hours) == 24 and hours[14][0] == "14:00 - 14:59" and hours[14][-1] == "5"
    assert [row[:2] for row in table_rows(response, "daily")] == [["2026-11-20", "6"], ["2026-11-21", "2"], ["2026-11-22", "1"]]
    assert table_rows(response, "exhibits")[0] == ["Mona Lisa", "Exhibit Hall A", "3", "20.00", "Happy", "5"]
    for key in ("sentiment", "emotions", "daily", "hours", "locations", "exhibits"):
        assert f'id="chart-{key}"' in response.content.decode()
        assert f"/reports/{key}.csv" in response.content.decode()


@pytest.mark.django_db
def test_it_embeds_exactly_the_json_the_api_serves(client, viewer_user, museum):
    client.force_login(viewer_user)
    page_query = {"from": "2026-11-20", "to": "2026-11-21", "location_id": museum.hall.pk, "threshold": "0.62"}
    data = embedded_data(client.get("/reports/", page_query))
    api = APIClient()
    api.force_authenticate(viewer_user)
    # The page's inclusive "to" day is the API's exclusive "until" midnight after it.
    api_query = {"since": "2026-11-20", "until": "2026-11-22", "location_id": museum.hall.pk, "threshold": "0.62"}
    assert data["summary"] == api.get("/api/analytics/summary/", {**api_query, "fill_zeros": "true"}).json()
    assert data["daily"] == api.get("/api/analytics/series/daily/", api_query).json()
    assert data["exhibits"] == api.get("/api/analytics/exhibits/", api_query).json()
    assert data["summary"]["overall_sentiment_summary"]["total_valid_detections"] == 3  # happy 0.95, angry 0.65, happy 0.99


@pytest.mark.django_db
def test_it_filters_by_an_inclusive_day_range(client, viewer_user, museum):
    client.force_login(viewer_user)
    data = embedded_data(client.get("/reports/", {"from": "2026-11-21", "to": "2026-11-21"}))
    assert [p["date"] for p in data["daily"]] == ["2026-11-21"]
    assert data["summary"]["overall_sentiment_summary"]["total_valid_detections"] == MUSEUM_EXPECTED["daily_totals"]["2026-11-21"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "parameter"),
    [({"from": "20/11/2026"}, "from"), ({"from": "2026-11-22", "to": "2026-11-21"}, "to"),
     ({"camera": "999999"}, "camera"), ({"threshold": "2"}, "threshold"), ({"since": "2026-11-20"}, "since")],
)
def test_it_explains_a_bad_filter_with_a_400_page(client, viewer_user, museum, query, parameter):
    client.force_login(viewer_user)
    response = client.get("/reports/", query)
    assert response.status_code == 400
    assert f'data-parameter="{parameter}"' in response.content.decode()
    assert 'id="report-data"' not in response.content.decode()
