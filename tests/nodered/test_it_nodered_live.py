"""A real Node-RED runs docs/node-red/flow.json against the live site and the numbers arrive.

Node-RED comes from npm, pinned in tests/nodered/package.json; install it once with
    npm ci --prefix tests/nodered
(about 20 s, ~100 MB under tests/nodered/node_modules, git-ignored). The test takes
about 5 s: Node-RED starts, polls once a second after start, and serves what it
got at /museum-emotions.json; then a flow with a wrong token is deployed through
Node-RED's admin API and the 401 shows up instead. Settings come once from the tab's
Environment variables, once from the Node-RED process's environment (which wins).
"""
from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from tests.analytics.web_fixtures import MUSEUM_EXPECTED, build_museum, viewer_user  # noqa: F401
from tests.conftest import require_service
from tests.nodered.flow_tools import load_flow, with_tab_env

RED_JS = Path(settings.BASE_DIR) / "tests" / "nodered" / "node_modules" / "node-red" / "red.js"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, ready, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = requests.get(url, timeout=2).json()
            if ready(last):
                return last
        except (requests.ConnectionError, ValueError):
            pass
        time.sleep(0.25)
    raise AssertionError(f"{url} never became ready; last answer: {last}")


@pytest.fixture
def node_red(tmp_path):
    node = shutil.which("node")
    if node is None or not RED_JS.is_file():
        require_service("Node-RED is not installed: npm ci --prefix tests/nodered")
    processes = []

    def start(flow: list[dict], environment: dict[str, str] | None = None) -> str:
        """Node-RED with `flow`; `environment`: variables of the Node-RED process (systemd, containers)."""
        port = free_port()
        (tmp_path / "flows.json").write_text(json.dumps(flow))
        (tmp_path / "settings.js").write_text(
            "module.exports = {uiHost: '127.0.0.1', uiPort: %d, flowFile: 'flows.json', userDir: %s,"
            " credentialSecret: false, logging: {console: {level: 'warn'}}};\n" % (port, json.dumps(str(tmp_path)))
        )
        log = (tmp_path / "node-red.log").open("w")
        processes.append(subprocess.Popen(
            [node, str(RED_JS), "--settings", str(tmp_path / "settings.js"), "--userDir", str(tmp_path)],
            stdout=log, stderr=subprocess.STDOUT,
            env={**{k: v for k, v in os.environ.items() if not k.startswith("MUSEUM_")}, **(environment or {})},
        ))
        return f"http://127.0.0.1:{port}"

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.integration
@pytest.mark.slow
def test_it_shows_the_sites_numbers_in_node_red_with_settings_on_the_tab(live_server, viewer_user, node_red):
    build_museum()
    token = Token.objects.create(user=viewer_user).key
    started = time.monotonic()
    red = node_red(with_tab_env(load_flow(), MUSEUM_API_URL=live_server.url + "/", MUSEUM_API_TOKEN=token))

    got = wait_for(f"{red}/museum-emotions.json", lambda body: body.get("summary"))["summary"]
    arrived_after = time.monotonic() - started
    assert got["total"] == MUSEUM_EXPECTED["valid"]
    assert got["sentiment_counts"] == MUSEUM_EXPECTED["sentiment_counts"]
    assert got["sentiment_percentages"] == {"Positive": 44.44, "Negative": 33.33, "Neutral": 22.22}
    assert got["emotion_counts"] == MUSEUM_EXPECTED["emotion_counts"]
    assert got["threshold"] == 0.6
    page = requests.get(f"{red}/museum-emotions", timeout=5).text
    assert '<div class="big" id="total">9</div>' in page and "<td>Happy</td><td>4</td>" in page
    print(f"Node-RED start to numbers: {arrived_after:.1f} s")

    # A wrong token, deployed the way the editor does: the flow reports the 401, keeps running.
    wrong = with_tab_env(load_flow(), MUSEUM_API_URL=live_server.url, MUSEUM_API_TOKEN="not-a-token")
    deployed = requests.post(
        f"{red}/flows", json=wrong, headers={"Node-RED-Deployment-Type": "full", "Node-RED-API-Version": "v1"}, timeout=10
    )
    assert deployed.status_code == 204, deployed.text
    error = wait_for(f"{red}/museum-emotions.json", lambda body: body.get("error"))["error"]
    assert error["status"] == 401 and "Invalid token" in error["detail"]


@pytest.mark.integration
@pytest.mark.slow
def test_it_takes_settings_from_the_node_red_process_environment(live_server, node_red):
    """The flow as shipped (tab URL 127.0.0.1:8000, no token), configured only by the process's
    environment, as systemd or a container gives it: the environment wins over the tab."""
    build_museum()
    token = _dashboard_token()  # README step 1
    red = node_red(load_flow(), {
        "MUSEUM_API_URL": live_server.url, "MUSEUM_API_TOKEN": token, "MUSEUM_THRESHOLD": "0.9",
    })
    got = wait_for(f"{red}/museum-emotions.json", lambda body: body.get("summary") or body.get("error"))
    assert got.get("error") is None, got
    summary = got["summary"]
    # >= 0.9 in the museum fixture: happy 0.9, happy 0.95, happy 0.99.
    assert summary["threshold"] == 0.9 and summary["total"] == 3
    assert summary["emotion_counts"] == {**dict.fromkeys(MUSEUM_EXPECTED["emotion_counts"], 0), "Happy": 3}
    assert summary["sentiment_percentages"] == {"Positive": 100.0, "Negative": 0.0, "Neutral": 0.0}


def _dashboard_token() -> str:
    out = io.StringIO()
    call_command("create_dashboard_user", stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()
