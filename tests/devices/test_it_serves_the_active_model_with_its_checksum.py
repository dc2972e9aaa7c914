"""GET /api/device/model/ names the active model's .tflite with its SHA-256; /file/ serves those bytes."""
import hashlib

import pytest

from emotions.models import ModelVersion
from tests.analytics.web_fixtures import museum  # noqa: F401
from tests.devices.device_fixtures import device_api, hall_device  # noqa: F401


@pytest.mark.django_db
def test_it_serves_the_active_model_and_its_checksum(device_api):  # noqa: F811
    meta = device_api.get("/api/device/model/").json()
    active = ModelVersion.objects.get(is_active=True)
    assert (meta["name"], meta["model_version"], meta["variant"]) == (active.name, active.pk, "int8")
    assert meta["spec"]["default_variant"] == "int8" and len(meta["spec"]["labels"]) == 7
    assert meta["file_url"].endswith("/api/device/model/file/")

    response = device_api.get("/api/device/model/file/")
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "application/octet-stream"
    assert len(body) == meta["size"] and hashlib.sha256(body).hexdigest() == meta["sha256"]
    assert response["ETag"] == f'"{meta["sha256"]}"'


@pytest.mark.django_db
def test_it_says_503_when_the_active_models_files_are_gone(device_api, tmp_path):  # noqa: F811
    device_api.get("/api/device/model/")  # registers the shipped model
    ModelVersion.objects.filter(is_active=True).update(artifact_dir=str(tmp_path / "gone"))
    for path in ("/api/device/model/", "/api/device/model/file/"):
        response = device_api.get(path, HTTP_ACCEPT="application/octet-stream" if "file" in path else "*/*")
        assert response.status_code == 503 and "unavailable" in response.json()["detail"], path
        assert response["Content-Type"] == "application/json"
