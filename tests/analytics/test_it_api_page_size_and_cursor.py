"""page_size and cursor on the paginated lists: anything but a page size of 1..1000 or a cursor the API gave out is a 400 naming it."""
import base64

import pytest

from tests.analytics.web_fixtures import museum, viewer_api, viewer_user  # noqa: F401

PAGINATED = ["/api/events/", "/api/visits/"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "0", "-5", "1001", "100000", "2.5"])
def test_it_rejects_a_bad_page_size(viewer_api, museum, value):
    for url in PAGINATED:
        response = viewer_api.get(url, {"page_size": value})
        assert response.status_code == 400, (url, value)
        assert list(response.json()) == ["page_size"]
        assert repr(value) in response.json()["page_size"][0]


@pytest.mark.django_db
def test_it_pages_with_a_good_page_size(viewer_api, museum):
    first = viewer_api.get("/api/events/", {"page_size": "4"}).json()
    assert len(first["results"]) == 4 and first["next"] and first["previous"] is None
    second = viewer_api.get(first["next"]).json()
    assert len(second["results"]) == 4
    assert {e["id"] for e in first["results"]}.isdisjoint(e["id"] for e in second["results"])


def _cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cursor", ["garbage!!", _cursor("o=1&p=not-a-time"), _cursor("p=0001-01-01 00:00:00+12:00"), _cursor("p=2026-01-01")]
)
def test_it_rejects_a_forged_cursor(viewer_api, museum, cursor):
    for url in PAGINATED:
        response = viewer_api.get(url, {"cursor": cursor})
        assert response.status_code == 400, (url, cursor, response.content)
        assert list(response.json()) == ["cursor"]
