"""Staff manage locations, exhibits and cameras through the API; bad writes get clear 400/409s."""
import pytest

from cameras.models import Camera, Exhibit, Location
from tests.analytics.web_fixtures import museum, staff_api  # noqa: F401


@pytest.mark.django_db
def test_it_creates_reads_updates_and_deletes(staff_api, museum):
    created = staff_api.post("/api/locations/", {"name": "Roof Terrace", "floor": "5"}, format="json")
    assert created.status_code == 201
    location_id = created.json()["id"]
    exhibit = staff_api.post(
        "/api/exhibits/", {"location": location_id, "title": "Skyline", "on_show_from": "2026-11-01"}, format="json"
    )
    assert exhibit.status_code == 201
    camera = staff_api.post(
        "/api/cameras/",
        {"name": "cam-roof", "location": location_id, "exhibit": exhibit.json()["id"], "source": "rtsp://10.0.0.5/stream"},
        format="json",
    )
    assert camera.status_code == 201
    assert camera.json()["source_kind"] == "rtsp"
    assert camera.json()["enabled"] is False
    patched = staff_api.patch(f"/api/cameras/{camera.json()['id']}/", {"detect_every_n_frames": 5}, format="json")
    assert patched.json()["detect_every_n_frames"] == 5
    assert staff_api.get(f"/api/locations/{location_id}/").json()["name"] == "Roof Terrace"
    assert staff_api.delete(f"/api/cameras/{camera.json()['id']}/").status_code == 204
    assert staff_api.delete(f"/api/exhibits/{exhibit.json()['id']}/").status_code == 204
    assert staff_api.delete(f"/api/locations/{location_id}/").status_code == 204
    assert not Location.objects.filter(name="Roof Terrace").exists()


@pytest.mark.django_db
def test_it_refuses_to_delete_a_location_with_history(staff_api, museum):
    response = staff_api.delete(f"/api/locations/{museum.hall.pk}/")
    assert response.status_code == 409
    assert "Still referenced by" in response.json()["detail"]
    assert Location.objects.filter(pk=museum.hall.pk).exists()


@pytest.mark.django_db
def test_it_validates_writes(staff_api, museum):
    duplicate = staff_api.post("/api/locations/", {"name": "Exhibit Hall A"}, format="json")
    assert duplicate.status_code == 400 and "name" in duplicate.json()
    dates = staff_api.post(
        "/api/exhibits/",
        {"location": museum.hall.pk, "title": "Backwards", "on_show_from": "2026-12-01", "on_show_until": "2026-11-01"},
        format="json",
    )
    assert dates.status_code == 400 and "on_show_until" in dates.json()
    elsewhere = staff_api.patch(f"/api/cameras/{museum.cam_hall.pk}/", {"exhibit": museum.welcome_wall.pk}, format="json")
    assert elsewhere.status_code == 400 and "exhibit" in elsewhere.json()
    too_coarse = staff_api.patch(f"/api/cameras/{museum.cam_hall.pk}/", {"detect_every_n_frames": 0}, format="json")
    assert too_coarse.status_code == 400 and "detect_every_n_frames" in too_coarse.json()
    health = staff_api.patch(f"/api/cameras/{museum.cam_hall.pk}/", {"state": "running", "enabled": True}, format="json")
    assert health.status_code == 200  # read-only fields are ignored, not written
    assert Camera.objects.get(pk=museum.cam_hall.pk).state == Camera.State.STOPPED
    assert Exhibit.objects.filter(title="Backwards").count() == 0
