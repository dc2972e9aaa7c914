"""Publishes the museum's live numbers to an MQTT broker (paho-mqtt): `manage.py mqtt_publish`.

It runs as its own service (one process, beside gunicorn and the camera workers;
docs/mqtt.md has the systemd unit). Every MQTT_POLL_SECONDS it reads the
summaries and the cameras' health (analytics.selectors.mqtt_messages) and
publishes, retained, what changed; every MQTT_SUMMARY_SECONDS it publishes
everything again. Polling the database, not hooks in the writers, because the
writers are many processes (camera workers, gunicorn, edge ingest) and a hook
would lose what happened while the broker was away; a poll of the current
state can't.

The broker going away is not an error: paho reconnects in the background
(1-5 s apart), nothing is published meanwhile, and on every (re)connection
everything is published again, so a restarted broker that lost its retained
messages has them back within a second. `<prefix>/status` says
{"online": true}; the broker says {"online": false} (the will) if this process
dies. A database error skips one poll.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from analytics.selectors.mqtt_messages import (
    camera_state_changed,
    camera_state_messages,
    finished_visits,
    location_slugs,
    summary_messages,
    visit_message,
)

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}


class MqttUnavailable(Exception):
    """The broker did not accept us (unreachable, refused, wrong credentials); the message says which."""


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool
    username: str = ""
    password: str = ""


def broker_address(url: str, *, username: str = "", password: str = "") -> BrokerAddress:
    """mqtt://[user:password@]host[:port] or mqtts://...; the separate settings win over the URL's user."""
    parts = urlsplit(url.strip())
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"MQTT_URL={url!r}: expected mqtt://host[:port] or mqtts://host[:port]")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError as exc:
        raise ValueError(f"MQTT_URL={url!r}: {exc}") from None
    return BrokerAddress(host=parts.hostname, port=port, tls=parts.scheme == "mqtts",
                         username=username or unquote(parts.username or ""),
                         password=password or unquote(parts.password or ""))


class MqttPublisher:
    def __init__(self, *, url: str | None = None, prefix: str | None = None):
        self.address = broker_address(url or settings.MQTT_URL, username=settings.MQTT_USERNAME,
                                      password=settings.MQTT_PASSWORD)
        self.prefix = (prefix or settings.MQTT_TOPIC_PREFIX).strip("/")
        self.connected = threading.Event()
        self.connect_error = ""
        self._sent: dict[str, dict] = {}   # retained topic -> payload the broker has
        self._sent_lock = threading.Lock()
        self._last_full = 0.0
        self._visits_after = timezone.now() - timedelta(seconds=settings.MQTT_VISIT_QUIET_SECONDS)
        self.published = 0
        self._stopping = False
        self.client = self._client()

    def _client(self) -> mqtt.Client:
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                             client_id=f"museum-site-{socket.gethostname()}-{os.getpid()}")
        if self.address.username:
            client.username_pw_set(self.address.username, self.address.password or None)
        if self.address.tls:
            client.tls_set(ca_certs=settings.MQTT_CA_FILE or None)
        client.will_set(f"{self.prefix}/status", json.dumps({"online": False}), qos=1, retain=True)
        client.reconnect_delay_set(min_delay=1, max_delay=5)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        return client

    # ---- connection ------------------------------------------------------------------

    def _on_connect(self, client, userdata, flags, reason_code, properties=None) -> None:
        if reason_code.is_failure:
            self.connect_error = f"the broker refused the connection: {reason_code}"
            log.error("MQTT %s:%s: %s", self.address.host, self.address.port, self.connect_error)
            return
        self.connect_error = ""
        with self._sent_lock:
            self._sent.clear()  # a (re)started broker may have lost its retained messages: send all again
        self._last_full = 0.0
        self.connected.set()
        client.publish(f"{self.prefix}/status", json.dumps({"online": True}), qos=1, retain=True)
        log.info("MQTT connected to %s:%s, topics under %s/", self.address.host, self.address.port, self.prefix)

    def _on_disconnect(self, client, userdata, flags, reason_code, properties=None) -> None:
        if self.connected.is_set() and not self._stopping:
            log.warning("MQTT broker %s:%s gone (%s); reconnecting", self.address.host, self.address.port,
                        reason_code)
        self.connected.clear()

    def start(self) -> None:
        try:
            self.client.connect_async(self.address.host, self.address.port, keepalive=30)
        except (OSError, ValueError) as exc:
            raise MqttUnavailable(f"MQTT {self.address.host}:{self.address.port}: {exc}") from exc
        self.client.loop_start()

    def wait_connected(self, timeout: float) -> None:
        if not self.connected.wait(timeout):
            raise MqttUnavailable(
                f"MQTT broker {self.address.host}:{self.address.port} did not accept a connection within "
                f"{timeout:g} s{': ' + self.connect_error if self.connect_error else ''}")

    def stop(self) -> None:
        self._stopping = True
        if self.connected.is_set():
            self.client.publish(f"{self.prefix}/status", json.dumps({"online": False}), qos=1, retain=True)
        self.client.disconnect()
        self.client.loop_stop()

    # ---- publishing ---------------------------------------------------------------

    def _publish(self, topic: str, payload: dict, *, retain: bool) -> mqtt.MQTTMessageInfo | None:
        if not self.connected.is_set():
            return None
        info = self.client.publish(topic, json.dumps(payload, separators=(",", ":")), qos=1, retain=retain)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            return None
        self.published += 1
        return info

    def publish_state(self, *, force: bool = False) -> list[mqtt.MQTTMessageInfo]:
        """Summaries and camera states that changed (all of them with `force`), retained."""
        messages = summary_messages(prefix=self.prefix, threshold=settings.MQTT_THRESHOLD)
        cameras = camera_state_messages(prefix=self.prefix)
        sent = []
        with self._sent_lock:
            previous = dict(self._sent)
        for topic, payload in {**messages, **cameras}.items():
            old = previous.get(topic)
            changed = camera_state_changed(old, payload) if topic in cameras else old != payload
            if not (force or changed):
                continue
            info = self._publish(topic, payload, retain=True)
            if info is not None:
                sent.append(info)
                with self._sent_lock:
                    self._sent[topic] = payload
        return sent

    def publish_visits(self) -> int:
        """Each visit that ended since the last call (and MQTT_VISIT_QUIET_SECONDS ago), not retained."""
        until = timezone.now() - timedelta(seconds=settings.MQTT_VISIT_QUIET_SECONDS)
        visits = finished_visits(ended_after=self._visits_after, ended_until=until)
        slugs = location_slugs() if visits else {}
        for visit in visits:
            topic, payload = visit_message(prefix=self.prefix, visit=visit, slugs=slugs)
            if self._publish(topic, payload, retain=False) is None:
                return 0  # broker away: the same visits next time
            self._visits_after = visit.ended_at
        if len(visits) < 1000:
            self._visits_after = max(self._visits_after, until)
        return len(visits)

    def poll(self) -> None:
        """One round: what changed, everything every MQTT_SUMMARY_SECONDS, the finished visits."""
        if not self.connected.is_set():
            return
        now = time.monotonic()
        force = now - self._last_full >= settings.MQTT_SUMMARY_SECONDS
        self.publish_state(force=force)
        if force:
            self._last_full = now
        if settings.MQTT_PUBLISH_VISITS:
            self.publish_visits()

    def run(self, stopping: threading.Event) -> None:
        """The service: poll until `stopping` is set. Nothing here ends it but that."""
        self.start()
        try:
            while not stopping.is_set():
                try:
                    self.poll()
                except DatabaseError as exc:
                    log.warning("MQTT: database unavailable, skipping this round: %s", exc)
                    close_old_connections()
                except Exception:  # a bug must not stop the dashboards' feed for good
                    log.exception("MQTT: publishing round failed")
                stopping.wait(settings.MQTT_POLL_SECONDS)
        finally:
            self.stop()

    def once(self, *, timeout: float = 10.0) -> int:
        """Connect, publish the current state (retained), wait until the broker has it, disconnect."""
        self.start()
        try:
            self.wait_connected(timeout)
            infos = self.publish_state(force=True)
            deadline = time.monotonic() + timeout
            for info in infos:
                info.wait_for_publish(max(0.1, deadline - time.monotonic()))
                if not info.is_published():
                    raise MqttUnavailable("the broker did not acknowledge every message in time")
            return len(infos)
        finally:
            self.stop()
