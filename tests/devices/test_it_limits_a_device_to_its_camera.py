"""A device token reads its camera's settings and the model, writes its camera's events and visits,
and nothing else: another camera's rows are 403 (nothing stored), every other route 403, wrong token 401."""
import pytest

from emotions.models import EmotionEvent, Visit
from tests.analytics.web_fixtures import museum, staff_api, viewer_api, viewer_user  # noqa: F401
from tests.devices.device_fixtures import device_api, device_client, hall_device  # noqa: F401

VISIT = {"id": "v-1", "started_at": "2026-11-20T15:00:00+01:00", "ended_at": "2026-11-20T15:00:04+01:00",
         "dominant_emotion": "happy", "dwell_seconds": 4.0, "frames_classified": 16, "track_id": "f1-1"}
EVENT = {"id": "e-1", "timestamp": "2026-11-20T15:00:01+01:00", "emotion": "happy", "confidence": 0.9,
         "visit": "v-1", "track_id": "f1-1"}


@pytest.mark.django_db
def test_it_reads_its_own_cameras_settings(device_api, museum):  # noqa: F811
    settings = device_api.get("/api/device/camera/").json()
    camera = museum.cam_hall
    assert settings == {
        "id": camera.pk, "name": "cam-hall-a", "location": museum.hall.pk, "location_name": "Exhibit Hall A",
        "exhibit": museum.mona_lisa.pk, "source": camera.source, "analysis_source": "", "analysis_fps": camera.analysis_fps,
        "detection_width": 480, "detect_every_n_frames": 3,
        "min_face_size": 24, "min_track_seconds": 1.0, "events_per_second": 4.0, "replay_realtime": False,
        "privacy_zones": [],
        "analysis_hours": {"time_zone": "Europe/Rome", "weekly": None, "closures": [], "staff_area": False},
    }


@pytest.mark.django_db
def test_it_writes_its_cameras_visits_and_events_without_naming_the_camera(device_api, museum):  # noqa: F811
    version = device_api.get("/api/device/model/").json()["model_version"]
    visit_item, event_item = {**VISIT, "model_version": version}, {**EVENT, "model_version": version}
    assert device_api.post("/api/visits/", [visit_item], format="json").json() == {
        "received": 1, "created": 1, "updated": 0}
    assert device_api.post("/api/events/", [event_item], format="json").status_code == 201
    visit, event = Visit.objects.get(visit_key="api:v-1"), EmotionEvent.objects.get(event_key="api:e-1")
    assert (visit.camera, visit.location, visit.exhibit) == (museum.cam_hall, museum.hall, museum.mona_lisa)
    assert (event.camera, event.visit, event.source) == (museum.cam_hall, visit, EmotionEvent.Source.API)
    assert visit.model_version_id == event.model_version_id == version


@pytest.mark.django_db
def test_it_forbids_another_cameras_rows_and_stores_nothing(device_api, museum):  # noqa: F811
    other = museum.cam_entrance.pk
    for path, item in (("/api/visits/", VISIT), ("/api/events/", {**EVENT, "visit": None})):
        response = device_api.post(path, [{**item, "id": "ok-1"}, {**item, "id": "bad-1", "camera": other}],
                                   format="json")
        assert response.status_code == 403, response.json()
        assert f"names camera {other}" in response.json()["detail"]
    assert not Visit.objects.filter(visit_key__startswith="api:").exists() and not EmotionEvent.objects.filter(source=EmotionEvent.Source.API).exists()


@pytest.mark.django_db
def test_it_cannot_overwrite_another_cameras_visit(device_api, staff_api, museum):  # noqa: F811
    staff_api.post("/api/visits/", [{**VISIT, "camera": museum.cam_entrance.pk}], format="json")
    response = device_api.post("/api/visits/", [{**VISIT, "dwell_seconds": 1.0}], format="json")
    assert response.status_code == 400 and "exists for another camera" in str(response.json()["errors"])
    assert Visit.objects.get(visit_key="api:v-1").dwell_seconds == 4.0


@pytest.mark.django_db
def test_it_gets_403_everywhere_else_and_people_get_403_on_device_routes(device_api, viewer_api, staff_api):  # noqa: F811
    for path in ("/api/events/", "/api/visits/", "/api/cameras/", "/api/analytics/summary/", "/api/locations/"):
        assert device_api.get(path).status_code == 403, path
    for client in (viewer_api, staff_api):
        for path in ("/api/device/camera/", "/api/device/model/", "/api/device/model/file/"):
            assert client.get(path).status_code == 403, path
        assert client.post("/api/device/heartbeat/", {"state": "running"}, format="json").status_code == 403


@pytest.mark.django_db
def test_it_answers_401_to_a_wrong_or_inactive_device_token(hall_device):  # noqa: F811
    assert device_client("wrong").get("/api/device/camera/").status_code == 401
    hall_device.device.active = False
    hall_device.device.save()
    response = device_client(hall_device.token).get("/api/device/camera/")
    assert response.status_code == 401 and "inactive" in response.json()["detail"]
