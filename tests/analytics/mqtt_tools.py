"""MQTT for the tests: the real Mosquitto on 127.0.0.1:1883 (CI starts it), a subscriber that
collects what arrives, and a private Mosquitto on a spare port that a test may restart."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt

from tests.conftest import require_service

SHARED_BROKER = ("127.0.0.1", 1883)


def broker_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def shared_broker_url() -> str:
    if not broker_answers(*SHARED_BROKER):
        require_service("Mosquitto is not answering on 127.0.0.1:1883 (apt-get install mosquitto; mosquitto -d)")
    return "mqtt://%s:%d" % SHARED_BROKER


def unique_prefix() -> str:
    """Parallel runs share the broker: each test publishes under its own prefix."""
    return f"test-{uuid.uuid4().hex[:12]}/museum"


class Subscriber:
    """Everything published under `prefix`/#, parsed as JSON, newest last per topic."""

    def __init__(self, port: int, prefix: str, host: str = "127.0.0.1"):
        self.prefix, self.host, self.port = prefix, host, port
        self.messages: dict[str, list] = {}
        self.retained: set[str] = set()
        self._changed = threading.Condition()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"test-sub-{uuid.uuid4().hex[:8]}")
        self.client.on_connect = lambda c, u, f, rc, p=None: c.subscribe(f"{prefix}/#", qos=1)
        self.client.on_message = self._on_message

    def _on_message(self, client, userdata, message) -> None:
        if not message.payload:
            return
        with self._changed:
            if message.retain:
                self.retained.add(message.topic)
            self.messages.setdefault(message.topic, []).append(json.loads(message.payload))
            self._changed.notify_all()

    def wait(self, topic: str, ready=lambda payload: True, timeout: float = 20.0):
        """The newest payload on `topic` for which `ready` is true, waiting for it."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for payload in reversed(self.messages.get(topic, [])):
                    if ready(payload):
                        return payload
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"nothing ready on {topic} within {timeout} s; got "
                                         f"{ {t: len(p) for t, p in self.messages.items()} }")
                self._changed.wait(left)

    def __enter__(self) -> Subscriber:
        self.client.connect(self.host, self.port, keepalive=10)
        self.client.loop_start()
        return self

    def __exit__(self, *exc) -> None:
        # Leave nothing retained on a shared broker.
        for topic in self.retained | set(self.messages):
            self.client.publish(topic, b"", qos=1, retain=True).wait_for_publish(2)
        self.client.disconnect()
        self.client.loop_stop()


class PrivateMosquitto:
    """A Mosquitto of our own on a spare port, which the test may stop and start again."""

    def __init__(self, workdir: Path):
        binary = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None)
        if binary is None:
            require_service("mosquitto is not installed (apt-get install mosquitto)")
        self.binary = binary
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.config = workdir / "mosquitto.conf"
        self.config.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
        self.log = workdir / "mosquitto.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen([self.binary, "-c", str(self.config)], stdout=log, stderr=log)
        deadline = time.monotonic() + 10
        while not broker_answers("127.0.0.1", self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"mosquitto did not start: {self.log.read_text()[-500:]}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
