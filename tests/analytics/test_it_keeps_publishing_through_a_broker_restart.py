"""The MQTT publisher as a service, through a restart of its broker (a Mosquitto of the test's own,
on a spare port, without persistence: the restarted broker has lost every retained message).

Publishing resumes by itself: after the broker is back the retained summaries are there
again, with what changed meanwhile, and the service thread never stopped."""
from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from analytics.mqtt_publisher import MqttPublisher
from tests.analytics.mqtt_tools import PrivateMosquitto, Subscriber, broker_answers, unique_prefix
from tests.analytics.web_fixtures import MUSEUM_EXPECTED, build_museum
from tests.factories import EmotionEventFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def total(payload: dict) -> int:
    return payload["overall_sentiment_summary"]["total_valid_detections"]


def test_it_publishes_again_after_the_broker_restarts(settings, tmp_path):
    museum = build_museum()
    broker = PrivateMosquitto(tmp_path)
    broker.start()
    settings.MQTT_URL, settings.MQTT_TOPIC_PREFIX = broker.url, unique_prefix()
    settings.MQTT_POLL_SECONDS = 0.2
    prefix = settings.MQTT_TOPIC_PREFIX
    publisher = MqttPublisher()
    stopping, failures = threading.Event(), []

    def service():
        try:
            publisher.run(stopping)
        except BaseException as exc:  # the test fails on any
            failures.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=service, daemon=True)
    thread.start()
    try:
        with Subscriber(broker.port, prefix) as subscriber:
            assert total(subscriber.wait(f"{prefix}/summary")) == MUSEUM_EXPECTED["valid"]
            assert subscriber.wait(f"{prefix}/status") == {"online": True}

        broker.stop()
        assert not broker_answers("127.0.0.1", broker.port)
        EmotionEventFactory(location=museum.hall, camera=museum.cam_hall, emotion="fear", confidence=0.8)
        time.sleep(2)  # several rounds of the service with no broker
        assert thread.is_alive() and not failures

        broker.start()  # empty: no retained messages survived
        back = time.monotonic()
        with Subscriber(broker.port, prefix) as subscriber:
            summary = subscriber.wait(f"{prefix}/summary", lambda p: total(p) == MUSEUM_EXPECTED["valid"] + 1)
            hall = subscriber.wait(f"{prefix}/exhibit-hall-a/summary")
            assert hall["overall_emotion_counts"]["Fear"] == 2 and summary["overall_emotion_counts"]["Fear"] == 2
            assert subscriber.wait(f"{prefix}/status") == {"online": True}
            print(f"summary published again {time.monotonic() - back:.1f} s after the broker came back")
        assert thread.is_alive() and not failures
    finally:
        stopping.set()
        thread.join(timeout=15)
        broker.stop()
    assert not thread.is_alive() and not failures, failures
