"""Bad query parameters get a 400 whose body names the parameter, on every filtered endpoint."""
import pytest

from tests.analytics.web_fixtures import museum, viewer_api, viewer_user  # noqa: F401

FILTERED_URLS = [
    "/api/analytics/summary/", "/api/analytics/series/hourly/", "/api/analytics/series/daily/",
    "/api/analytics/locations/", "/api/analytics/exhibits/", "/api/analytics/corrected-mix/", "/api/events/",
    "/api/events.csv", "/api/visits/",
]
BAD = [
    ({"since": "2026-13-01"}, "since", "is not a date"),
    ({"until": "next tuesday"}, "until", "is not a date"),
    ({"until": "2026-11-20T14:00:00 01:00"}, "until", "%2B"),  # an unencoded '+'
    ({"since": "2026-11-21", "until": "2026-11-20"}, "until", "must be after since"),
    ({"location": "Atlantis"}, "location", "no location named 'Atlantis'"),
    ({"location_id": "abc"}, "location_id", "is not an id"),
    ({"location_id": "999999"}, "location_id", "no location with id 999999"),
    ({"exhibit": "999999"}, "exhibit", "no exhibit with id 999999"),
    ({"camera": "-3"}, "camera", "is not an id"),
    ({"camera": "999999"}, "camera", "no camera with id 999999"),
    ({"locaton": "Exhibit Hall A"}, "locaton", "unknown parameter"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "name", "message"), BAD, ids=[b[1] + ":" + next(iter(b[0].values())) for b in BAD])
def test_it_names_the_bad_parameter(viewer_api, museum, params, name, message):
    for url in FILTERED_URLS:
        response = viewer_api.get(url, params)
        assert response.status_code == 400, url
        body = response.json()
        assert list(body) == [name], url
        assert message in body[name][0], url


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["high", "1.5", "-0.1", "nan"])
def test_it_rejects_bad_thresholds(viewer_api, museum, value):
    response = viewer_api.get("/api/analytics/summary/", {"threshold": value})
    assert response.status_code == 400
    assert list(response.json()) == ["threshold"]


@pytest.mark.django_db
def test_it_rejects_a_threshold_where_none_applies(viewer_api, museum):
    response = viewer_api.get("/api/events/", {"threshold": "0.5"})
    assert response.status_code == 400
    assert "unknown parameter" in response.json()["threshold"][0]


@pytest.mark.django_db
def test_it_treats_empty_values_as_absent(viewer_api, museum):
    # An untouched form field or a Node-RED template with an empty variable.
    response = viewer_api.get("/api/analytics/summary/", {"location": "", "since": "", "threshold": ""})
    assert response.status_code == 200
