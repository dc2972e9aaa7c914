"""Names of locations, exhibits and cameras refuse control characters (TAB, CR, LF, ...): a 400 in the API, a form error in the admin."""
from __future__ import annotations

import pytest
from django.urls import reverse

from cameras.models import Location
from tests.analytics.web_fixtures import staff_api  # noqa: F401
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

BAD_NAMES = ["Hall\nA", "Hall\r\nA", "Hall\tA", "Hall\x00A", "Hall\x1bA", "Hall\x7fA", "Hall\u0085A", "Hall\u2028A"]


@pytest.mark.parametrize("name", BAD_NAMES, ids=[f"U+{ord(n[4]):04X}" for n in BAD_NAMES])
def test_it_answers_400_naming_the_field_in_the_api(staff_api, name):
    hall = LocationFactory(name="Exhibit Hall A")
    for url, payload, field in [
        ("/api/locations/", {"name": name}, "name"),
        ("/api/locations/", {"name": "Hall B", "floor": name}, "floor"),
        ("/api/exhibits/", {"location": hall.pk, "title": name}, "title"),
        ("/api/cameras/", {"location": hall.pk, "name": name, "source": "0"}, "name"),
    ]:
        response = staff_api.post(url, payload, format="json")
        assert response.status_code == 400, (url, response.content)
        assert "must not contain control characters" in response.json()[field][0], url
    assert not Location.objects.exclude(pk=hall.pk).exists()


def test_it_keeps_ordinary_names_with_accents_and_dashes(staff_api):
    response = staff_api.post("/api/locations/", {"name": "Sala degli Arazzi – Caffè “Nord”"}, format="json")
    assert response.status_code == 201, response.content


def test_it_shows_a_form_error_in_the_admin(staff_client):
    form = {
        "name": "Hall\r\nA", "floor": "", "description": "two\nlines are fine here",
        "exhibits-TOTAL_FORMS": "0", "exhibits-INITIAL_FORMS": "0",
        "cameras-TOTAL_FORMS": "0", "cameras-INITIAL_FORMS": "0",
    }
    response = staff_client.post(reverse("admin:cameras_location_add"), form)
    assert response.status_code == 200  # the form again, with its error
    assert "must not contain control characters (found U+000D at position 5)" in response.content.decode()
    assert not Location.objects.exists()
