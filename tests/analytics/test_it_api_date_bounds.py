"""Every date filter of the API is bounded (emotions.time_bounds): absurd dates get a 400 naming the parameter, never a 5xx."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.analytics.test_it_api_bad_params import FILTERED_URLS
from tests.analytics.web_fixtures import museum, viewer_api, viewer_user  # noqa: F401

TOO_EARLY = ["0001-01-01", "0001-01-01T00:00:00+12:00", "1970-01-01T00:00:05Z", "1999-12-31T23:59:59+01:00"]
TOO_LATE = ["9999-12-31", "9999-12-31T23:59:59-23:59", "9999-12-31T23:59:59.999999+23:59"]


@pytest.mark.django_db
@pytest.mark.parametrize("parameter", ["since", "until"])
@pytest.mark.parametrize("value", TOO_EARLY + TOO_LATE)
def test_it_names_the_out_of_range_date_parameter(viewer_api, museum, parameter, value):
    for url in FILTERED_URLS:
        response = viewer_api.get(url, {parameter: value})
        assert response.status_code == 400, (url, response.content)
        message = response.json()[parameter][0]
        assert repr(value) in message
        if value in TOO_EARLY:
            assert "2000-01-01, the earliest accepted date (EARLIEST_EVENT_DATE)" in message


@pytest.mark.django_db
def test_it_refuses_a_future_since_but_lets_until_reach_ahead(viewer_api, museum):
    tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = viewer_api.get("/api/analytics/summary/", {"since": tomorrow})
    assert response.status_code == 400 and "in the future" in response.json()["since"][0]
    next_month = (timezone.localdate() + timedelta(days=40)).isoformat()
    assert viewer_api.get("/api/analytics/summary/", {"since": "2026-11-20", "until": next_month}).status_code == 200


@pytest.mark.django_db
def test_it_accepts_the_earliest_date_itself(viewer_api, museum, settings):
    settings.EARLIEST_EVENT_DATE = settings.EARLIEST_EVENT_DATE.replace(year=2026, month=11, day=21)
    assert viewer_api.get("/api/analytics/summary/", {"since": "2026-11-21"}).status_code == 200
    refused = viewer_api.get("/api/analytics/summary/", {"since": "2026-11-20"})
    assert refused.status_code == 400 and "2026-11-21" in refused.json()["since"][0]
