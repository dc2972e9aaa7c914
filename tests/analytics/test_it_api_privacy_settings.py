"""Privacy zones, opening hours and staff areas through the camera and location API: saved when
valid, a clear 400 naming the problem otherwise."""
import pytest

from cameras.models import Camera, Location
from tests.factories import CameraFactory, LocationFactory
from tests.analytics.web_fixtures import staff_api  # noqa: F401

pytestmark = pytest.mark.django_db

ZONE = {"kind": "exclude", "points": [[0.0, 0.0], [0.5, 0.0], [0.5, 0.5]]}


def test_it_saves_valid_zones(staff_api):
    camera = CameraFactory()
    response = staff_api.patch(f"/api/cameras/{camera.pk}/", {"privacy_zones": [ZONE]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["privacy_zones"] == [ZONE]
    camera.refresh_from_db()
    assert camera.privacy_zones == [ZONE]


@pytest.mark.parametrize("zone, words", [
    ({"kind": "exclude", "points": [[0, 0], [1, 0]]}, "3"),
    ({"kind": "exclude", "points": [[0, 0], [1.5, 0], [1, 1]]}, "1"),
    ({"kind": "blur", "points": [[0, 0], [1, 0], [1, 1]]}, "blur"),
    ({"kind": "exclude", "points": [[0, 0], [1, 0], [1]]}, "2"),
    ({"points": [[0, 0], [1, 0], [1, 1]]}, "kind"),
    ("left half", ""),
])
def test_it_refuses_bad_zones_with_a_clear_400(staff_api, zone, words):
    camera = CameraFactory()
    response = staff_api.patch(f"/api/cameras/{camera.pk}/", {"privacy_zones": [zone]}, format="json")
    assert response.status_code == 400
    assert "privacy_zones" in response.json() and words in str(response.json())
    camera.refresh_from_db()
    assert camera.privacy_zones == []


def test_it_saves_hours_and_refuses_bad_ones(staff_api):
    location = LocationFactory()
    good = staff_api.patch(f"/api/locations/{location.pk}/", {"opening_hours": {"mon": ["09:00-18:00"]}},
                           format="json")
    assert good.status_code == 200 and good.json()["opening_hours"] == {"mon": ["09:00-18:00"]}
    bad = staff_api.patch(f"/api/locations/{location.pk}/", {"opening_hours": {"mon": ["18:00-09:00"]}},
                          format="json")
    assert bad.status_code == 400 and "ends before it starts" in str(bad.json()["opening_hours"])
    assert Location.objects.get(pk=location.pk).opening_hours == {"mon": ["09:00-18:00"]}


def test_a_staff_area_camera_cannot_start(staff_api):
    camera = CameraFactory(location=LocationFactory(staff_area=True))
    response = staff_api.post(f"/api/cameras/{camera.pk}/start/")
    assert response.status_code == 400 and "staff area" in str(response.json()["enabled"])
    assert Camera.objects.get(pk=camera.pk).enabled is False


def test_a_location_with_running_cameras_cannot_become_a_staff_area(staff_api):
    camera = CameraFactory(enabled=True)
    response = staff_api.patch(f"/api/locations/{camera.location_id}/", {"staff_area": True}, format="json")
    assert response.status_code == 400 and "staff_area" in response.json()
