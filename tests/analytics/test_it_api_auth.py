"""Who may do what: anonymous 401, wrong token 401, viewer reads (403 on writes), staff writes."""
import pytest
from rest_framework.test import APIClient

from tests.analytics.web_fixtures import (  # noqa: F401
    museum, outsider_user, staff_api, token_client, viewer_api, viewer_user,
)

READ_URLS = [
    "/api/analytics/summary/", "/api/analytics/series/hourly/", "/api/analytics/series/daily/",
    "/api/analytics/locations/", "/api/analytics/exhibits/", "/api/events/", "/api/events.csv",
    "/api/visits/", "/api/locations/", "/api/exhibits/", "/api/cameras/", "/api/cameras/status/",
]


@pytest.mark.django_db
def test_it_answers_anonymous_requests_with_401():
    for url in READ_URLS:
        response = APIClient().get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"
    assert APIClient().post("/api/events/", {"events": []}, format="json").status_code == 401


@pytest.mark.django_db
def test_it_answers_a_wrong_token_with_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = client.get("/api/analytics/summary/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


@pytest.mark.django_db
def test_it_lets_viewers_read(viewer_api, museum):
    for url in READ_URLS:
        assert viewer_api.get(url).status_code == 200, url


@pytest.mark.django_db
def test_it_forbids_viewer_writes(viewer_api, museum):
    camera = museum.cam_hall.pk
    writes = [
        ("post", "/api/events/", {"events": []}),
        ("post", "/api/locations/", {"name": "Roof"}),
        ("patch", f"/api/locations/{museum.hall.pk}/", {"name": "Hall Z"}),
        ("delete", f"/api/exhibits/{museum.venus.pk}/", None),
        ("post", f"/api/cameras/{camera}/start/", None),
        ("post", f"/api/cameras/{camera}/stop/", None),
    ]
    for method, url, data in writes:
        response = getattr(viewer_api, method)(url, data, format="json")
        assert response.status_code == 403, (method, url)
    museum.cam_hall.refresh_from_db()
    museum.hall.refresh_from_db()
    assert (museum.hall.name, museum.cam_hall.enabled) == ("Exhibit Hall A", False)


@pytest.mark.django_db
def test_it_forbids_signed_in_users_outside_both_groups(outsider_user, museum):
    client = token_client(outsider_user)
    assert client.get("/api/analytics/summary/").status_code == 403
    assert client.post("/api/locations/", {"name": "Roof"}, format="json").status_code == 403


@pytest.mark.django_db
def test_it_accepts_a_session_login(client, staff_user, museum):
    client.force_login(staff_user)
    assert client.get("/api/analytics/summary/").status_code == 200
