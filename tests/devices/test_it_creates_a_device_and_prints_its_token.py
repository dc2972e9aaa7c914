"""manage.py create_device: one device per camera, its token printed once, only its hash stored."""
import io

import pytest
from django.core.management import CommandError, call_command

from devices.models import Device
from devices.tokens import device_token_hash
from tests.analytics.web_fixtures import museum  # noqa: F401
from tests.devices.device_fixtures import device_client


def create(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_device", *args, stdout=out, stderr=err)
    assert "Authorization: Device <token>" in err.getvalue()
    return out.getvalue().strip()


@pytest.mark.django_db
def test_it_prints_a_token_that_works_and_stores_only_its_hash(museum):  # noqa: F811
    token = create("pi-hall-a", "--camera", "cam-hall-a")
    device = Device.objects.get(name="pi-hall-a")
    assert device.camera == museum.cam_hall and device.state == Device.State.NEVER_SEEN
    assert device.token_hash == device_token_hash(token) and token not in device.token_hash
    assert device_client(token).get("/api/device/camera/").json()["name"] == "cam-hall-a"

    with pytest.raises(CommandError, match="exists; --new-token"):
        create("pi-hall-a", "--camera", "cam-hall-a")
    new = create("pi-hall-a", "--camera", str(museum.cam_hall.pk), "--new-token")
    assert device_client(token).get("/api/device/camera/").status_code == 401
    assert device_client(new).get("/api/device/camera/").status_code == 200


@pytest.mark.django_db
def test_it_refuses_a_second_device_for_a_camera_and_unknown_cameras(museum):  # noqa: F811
    create("pi-hall-a", "--camera", "cam-hall-a")
    with pytest.raises(CommandError, match="already has a device"):
        create("pi-two", "--camera", "cam-hall-a")
    with pytest.raises(CommandError, match="no camera 'nope'"):
        create("pi-three", "--camera", "nope")
    with pytest.raises(CommandError, match="for camera 'cam-hall-a', not 'cam-entrance'"):
        create("pi-hall-a", "--camera", "cam-entrance", "--new-token")
    assert Device.objects.count() == 1
