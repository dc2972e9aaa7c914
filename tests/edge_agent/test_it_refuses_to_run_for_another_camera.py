"""The agent's start: settings from a config file (token from the environment), and it stops at once,
saying why, when the token is another camera's, wrong, or missing."""
import logging

import pytest

from devices.services import device_create
from edge_agent.cli import main
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_reads_its_config_and_stops_for_another_cameras_token(live_server, tmp_path, monkeypatch, caplog):
    token = device_create(name="pi", camera=CameraFactory(name="cam-a")).token
    config = tmp_path / "edge-agent.conf"
    config.write_text(f"[agent]\nserver = {live_server.url}\ncamera = cam-b\ncache_dir = {tmp_path / 'cache'}\n")
    monkeypatch.setenv("EDGE_AGENT_TOKEN", token)
    with caplog.at_level(logging.ERROR):
        assert main(["--config", str(config)]) == 2
    assert "this device's token belongs to camera 'cam-a', not 'cam-b'" in caplog.text
    assert (tmp_path / "cache" / "camera.json").is_file(), "the settings came from the server"

    caplog.clear()
    monkeypatch.setenv("EDGE_AGENT_TOKEN", "wrong")
    with caplog.at_level(logging.ERROR):
        assert main(["--config", str(config)]) == 2
    assert "the server refused this device's token" in caplog.text and "HTTP 401" in caplog.text


def test_it_needs_a_server_and_a_token(monkeypatch, capsys):
    monkeypatch.delenv("EDGE_AGENT_TOKEN", raising=False)
    assert main(["--server", "http://127.0.0.1:9"]) == 2
    assert "--token is required" in capsys.readouterr().err
