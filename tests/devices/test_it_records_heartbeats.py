"""A device's heartbeat: its state, version, queue and last contact, shown in the admin's device list."""
from datetime import timedelta

import pytest

from devices.models import Device
from tests.analytics.web_fixtures import museum  # noqa: F401
from tests.devices.device_fixtures import device_api, hall_device  # noqa: F401

BEAT = {"state": "buffering", "agent_version": "1.0.0", "queued": 12, "dropped": 1, "fps": 9.5, "frames": 1200,
        "model_sha256": "a" * 64, "last_error": "GET /api/visits/: connection refused"}


@pytest.mark.django_db
def test_it_records_the_heartbeat_and_the_admin_shows_it(device_api, admin_client):  # noqa: F811
    response = device_api.post("/api/device/heartbeat/", BEAT, format="json")
    assert response.status_code == 200, response.json()
    device = Device.objects.get()
    assert (device.state, device.agent_version, device.queued, device.dropped, device.frames) == (
        "buffering", "1.0.0", 12, 1, 1200)
    assert device.last_contact_at is not None and response.json()["state"] == "buffering"

    page = admin_client.get("/admin/devices/device/").content.decode()
    assert "pi-hall-a" in page and "Buffering (server was unreachable)" in page and "1.0.0" in page
    assert "online" in page and "offline" not in page

    Device.objects.update(last_contact_at=device.last_contact_at - timedelta(minutes=2))
    assert "offline" in admin_client.get("/admin/devices/device/").content.decode()


@pytest.mark.django_db
def test_it_refuses_a_bad_heartbeat_and_changes_nothing(device_api):  # noqa: F811
    for bad in ({"state": "never_seen"}, {"state": "running", "queued": -1}, {"state": "running", "fps": "fast"},
                {"state": "running", "last_error": "x\x00y"}, {"state": "running", "model_sha256": "zz"}, {}):
        response = device_api.post("/api/device/heartbeat/", bad, format="json")
        assert response.status_code == 400, bad
    assert Device.objects.get().state == Device.State.NEVER_SEEN
