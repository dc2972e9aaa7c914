"""Camera health for dashboards, and start/stop for staff through cameras.services."""
from datetime import datetime, timezone

import pytest

from cameras.models import Camera
from cameras.services import camera_status_update
from tests.analytics.web_fixtures import museum, staff_api, viewer_api, viewer_user  # noqa: F401


@pytest.mark.django_db
def test_it_reports_what_the_worker_wrote(viewer_api, museum):
    camera_status_update(
        camera_id=museum.cam_hall.pk, state=Camera.State.RUNNING, fps=12.5, frames_dropped=3,
        faces_per_minute=4.0, last_frame_at=datetime(2026, 11, 20, 14, 0, tzinfo=timezone.utc),
    )
    camera_status_update(camera_id=museum.cam_entrance.pk, state=Camera.State.ERROR, error="RTSP timeout")
    rows = {row["name"]: row for row in viewer_api.get("/api/cameras/status/").json()}
    hall = rows["cam-hall-a"]
    assert (hall["state"], hall["fps"], hall["frames_dropped"], hall["exhibit"]) == ("running", 12.5, 3, "Mona Lisa")
    assert hall["last_frame_at"] == "2026-11-20T15:00:00+01:00"
    assert (rows["cam-entrance"]["state"], rows["cam-entrance"]["last_error"]) == ("error", "RTSP timeout")
    one = viewer_api.get(f"/api/cameras/{museum.cam_hall.pk}/status/").json()
    assert one["name"] == "cam-hall-a"


@pytest.mark.django_db
def test_it_starts_and_stops_a_camera(staff_api, museum):
    started = staff_api.post(f"/api/cameras/{museum.cam_hall.pk}/start/")
    assert started.status_code == 200
    assert (started.json()["enabled"], started.json()["state"]) == (True, "starting")
    stopped = staff_api.post(f"/api/cameras/{museum.cam_hall.pk}/stop/")
    assert stopped.json()["enabled"] is False
    assert Camera.objects.get(pk=museum.cam_hall.pk).enabled is False
    assert staff_api.post("/api/cameras/999999/start/").status_code == 404
