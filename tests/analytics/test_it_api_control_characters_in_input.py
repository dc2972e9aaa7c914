"""Control characters (NUL above all, which PostgreSQL refuses) in names, track ids and filters get a 400, never a 500.

Found by the schemathesis run: an ingest item naming a location with a NUL
byte made PostgreSQL raise DataError (a 500).
"""
import pytest

from emotions.models import EmotionEvent
from tests.analytics.test_it_api_ingest import item
from tests.analytics.web_fixtures import museum, staff_api, viewer_api, viewer_user  # noqa: F401


@pytest.mark.django_db
def test_it_rejects_an_ingest_naming_a_location_or_track_with_control_characters(staff_api, museum):
    batch = [item(1, location="Exhibit\x00Hall A"), item(2, track_id="t\x00-1"), item(3, location="Exhibit Hall A\n")]
    response = staff_api.post("/api/events/", {"events": batch}, format="json")
    assert response.status_code == 400
    problems = response.json()["errors"]
    assert "no location named" in problems[0]["errors"]["location"]
    assert "without control characters" in problems[1]["errors"]["track_id"]
    # Surrounding whitespace is not trimmed for a look-up by exact name: the newline makes it unknown.
    assert "no location named" in problems[2]["errors"]["location"]
    assert not EmotionEvent.objects.filter(source=EmotionEvent.Source.API).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/analytics/summary/", "/api/events/", "/api/events.csv"])
def test_it_answers_a_location_filter_with_nul_with_400(viewer_api, museum, url):
    response = viewer_api.get(url, {"location": "Museum\x00Entrance"})
    assert response.status_code == 400
    assert "no location named" in response.json()["location"][0]


@pytest.mark.django_db
def test_it_shows_a_form_error_for_a_location_with_nul_on_the_reports_page(client, viewer_user, museum):
    client.force_login(viewer_user)
    response = client.get("/reports/", {"location": "Museum\x00Entrance"})
    assert response.status_code == 400
    assert 'data-parameter="location"' in response.content.decode()
