"""A real Node-RED runs docs/node-red/flow-mqtt.json against the real Mosquitto and shows the numbers the
site publishes (`manage.py mqtt_publish`): the same as the REST flow's, and they change when the data does.

Node-RED as in test_it_nodered_live.py (npm ci --prefix tests/nodered). The topics are under a prefix of
this test's own (parallel runs share the broker), set through the tab's Environment variables."""
from __future__ import annotations

import io
import json

import paho.mqtt.client as mqtt
import pytest
from django.conf import settings
from django.core.management import call_command

from tests.analytics.mqtt_tools import SHARED_BROKER, shared_broker_url, unique_prefix
from tests.analytics.web_fixtures import MUSEUM_EXPECTED, build_museum
from tests.factories import EmotionEventFactory
from tests.nodered.flow_tools import nodes_of, with_tab_env
from tests.nodered.test_it_nodered_live import node_red, wait_for  # noqa: F401

MQTT_FLOW = settings.BASE_DIR / "docs" / "node-red" / "flow-mqtt.json"


def clear_retained(prefix: str) -> None:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    client.connect(*SHARED_BROKER)
    client.loop_start()
    for topic in ("summary", "exhibit-hall-a/summary", "museum-entrance/summary", "camera/cam-hall-a/state",
                  "camera/cam-entrance/state", "status"):
        client.publish(f"{prefix}/{topic}", b"", qos=1, retain=True).wait_for_publish(2)
    client.disconnect()
    client.loop_stop()


def test_the_mqtt_flow_uses_only_core_nodes():
    flow = json.loads(MQTT_FLOW.read_text())
    assert {node["type"] for node in flow} <= {"tab", "comment", "mqtt-broker", "mqtt in", "function", "debug",
                                                "http in", "http response", "template"}
    assert [n["topic"] for n in nodes_of(flow, "mqtt in")] == ["${MUSEUM_MQTT_SUMMARY_TOPIC}",
                                                               "${MUSEUM_MQTT_STATE_TOPIC}"]


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.django_db
def test_it_shows_the_published_numbers_in_node_red(node_red, settings):  # noqa: F811
    settings.MQTT_URL, settings.MQTT_TOPIC_PREFIX = shared_broker_url(), unique_prefix()
    prefix = settings.MQTT_TOPIC_PREFIX
    museum = build_museum()
    try:
        call_command("mqtt_publish", "--once", stdout=io.StringIO())  # retained: Node-RED gets it when it subscribes
        flow = with_tab_env(json.loads(MQTT_FLOW.read_text()), MUSEUM_MQTT_HOST=SHARED_BROKER[0],
                            MUSEUM_MQTT_PORT=str(SHARED_BROKER[1]), MUSEUM_MQTT_SUMMARY_TOPIC=f"{prefix}/summary",
                            MUSEUM_MQTT_STATE_TOPIC=f"{prefix}/camera/+/state")
        red = node_red(flow)
        got = wait_for(f"{red}/museum-emotions-mqtt.json",
                       lambda body: body.get("summary") and len(body.get("cameras", {})) == 2)
        summary = got["summary"]
        # The numbers the REST flow shows (test_it_nodered_live.py), from the same museum.
        assert summary["total"] == MUSEUM_EXPECTED["valid"]
        assert summary["sentiment_counts"] == MUSEUM_EXPECTED["sentiment_counts"]
        assert summary["sentiment_percentages"] == {"Positive": 44.44, "Negative": 33.33, "Neutral": 22.22}
        assert summary["emotion_counts"] == MUSEUM_EXPECTED["emotion_counts"]
        assert summary["threshold"] == 0.6
        assert got["cameras"]["cam-hall-a"]["state"] == "stopped"

        EmotionEventFactory(location=museum.hall, camera=museum.cam_hall, emotion="happy", confidence=0.9)
        call_command("mqtt_publish", "--once", stdout=io.StringIO())
        updated = wait_for(f"{red}/museum-emotions-mqtt.json",
                           lambda body: (body.get("summary") or {}).get("total") == MUSEUM_EXPECTED["valid"] + 1)
        assert updated["summary"]["emotion_counts"]["Happy"] == MUSEUM_EXPECTED["emotion_counts"]["Happy"] + 1
    finally:
        clear_retained(prefix)
