"""The reports page's from/to are bounded like every date filter: absurd days show a form error (400), never a 500."""
import pytest

from tests.analytics.web_fixtures import museum, viewer_user  # noqa: F401


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "parameter", "says"),
    [
        ({"from": "0001-01-01"}, "from", "earliest accepted date"),
        ({"to": "0001-01-01"}, "to", "earliest accepted date"),
        ({"from": "1970-01-01"}, "from", "earliest accepted date"),
        ({"to": "9999-12-31"}, "to", "days in the future"),
        ({"from": "9999-12-31"}, "from", "in the future"),
    ],
)
def test_it_shows_a_form_error_for_an_out_of_range_day(client, viewer_user, museum, query, parameter, says):
    client.force_login(viewer_user)
    for url in ("/reports/", "/reports/daily.csv"):
        response = client.get(url, query)
        assert response.status_code == 400, url
        assert parameter in response.content.decode() and says in response.content.decode()
    page = client.get("/reports/", query).content.decode()
    assert f'data-parameter="{parameter}"' in page
