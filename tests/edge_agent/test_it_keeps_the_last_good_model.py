"""The agent's model: downloaded from the live site with its checksum checked, cached, downloaded
again when the cached copy is damaged, and the last good one used while the site is unreachable."""
import pytest

from devices.services import device_create
from edge_agent.client import ServerClient
from edge_agent.model_cache import ModelCache, NoModel
from tests.edge_agent.edge_tools import free_port
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_downloads_checks_caches_and_falls_back_to_the_last_good_model(live_server, tmp_path):
    token = device_create(name="pi", camera=CameraFactory()).token
    site = ServerClient(live_server.url, token)
    cache = ModelCache(tmp_path, num_threads=1)
    meta = site.get_json("/api/device/model/").body

    classifier = cache.classifier(site)
    assert classifier.sha256 == meta["sha256"] and classifier.variant == "int8" and cache.problem == ""
    assert len(classifier.classify([classifier_input()])) == 1
    model_file = tmp_path / "models" / meta["sha256"] / "model_int8.tflite"
    assert model_file.stat().st_size == meta["size"]

    model_file.write_bytes(b"damaged")  # a bad SD card
    assert cache.classifier(site).sha256 == meta["sha256"]
    assert model_file.stat().st_size == meta["size"], "downloaded again"

    unreachable = ServerClient(f"http://127.0.0.1:{free_port()}", token, timeout=2)
    assert cache.classifier(unreachable).sha256 == meta["sha256"]
    assert "ServerUnreachable" in cache.problem

    with pytest.raises(NoModel, match="no model cached"):
        ModelCache(tmp_path / "fresh-box").classifier(unreachable)

    wrong_token = ServerClient(live_server.url, "wrong")
    assert cache.classifier(wrong_token).sha256 == meta["sha256"] and "HTTP 401" in cache.problem


def classifier_input():
    import numpy as np

    return np.full((64, 64), 128, dtype=np.uint8)
