"""`manage.py mqtt_publish` against the real Mosquitto on 127.0.0.1:1883: the REST numbers, retained,
per location and for the museum, the cameras' health, a message per finished visit, and only what changed."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from analytics.mqtt_publisher import MqttPublisher
from emotions.models import EmotionEvent
from tests.analytics.mqtt_tools import SHARED_BROKER, Subscriber, shared_broker_url, unique_prefix
from tests.analytics.web_fixtures import MUSEUM_EXPECTED, museum, viewer_api, viewer_user  # noqa: F401
from tests.factories import EmotionEventFactory, VisitFactory

pytestmark = pytest.mark.integration


@pytest.fixture
def mqtt_settings(settings):
    settings.MQTT_URL = shared_broker_url()
    settings.MQTT_TOPIC_PREFIX = unique_prefix()
    return settings


def test_it_publishes_the_rest_summaries_and_camera_states_retained(museum, viewer_api, mqtt_settings):  # noqa: F811
    prefix = mqtt_settings.MQTT_TOPIC_PREFIX
    out = io.StringIO()
    call_command("mqtt_publish", "--once", stdout=out)
    assert "published 5 retained messages" in out.getvalue()  # museum, 2 locations, 2 cameras

    with Subscriber(SHARED_BROKER[1], prefix) as late_subscriber:  # retained: it arrives after the fact
        whole = late_subscriber.wait(f"{prefix}/summary")
        assert whole == viewer_api.get("/api/analytics/summary/?fill_zeros=true").json()
        assert whole["overall_sentiment_summary"]["total_valid_detections"] == MUSEUM_EXPECTED["valid"]
        hall = late_subscriber.wait(f"{prefix}/exhibit-hall-a/summary")
        assert hall == viewer_api.get(f"/api/analytics/summary/?fill_zeros=true&location_id={museum.hall.pk}").json()
        assert late_subscriber.wait(f"{prefix}/museum-entrance/summary")["metadata"]["filters"]["location_id"] == (
            museum.entrance.pk)
        state = late_subscriber.wait(f"{prefix}/camera/cam-hall-a/state")
        assert (state["camera"], state["location"], state["state"], state["device"]) == (
            "cam-hall-a", "Exhibit Hall A", "stopped", None)
        assert late_subscriber.wait(f"{prefix}/status") == {"online": False}  # --once: no publisher stays


def test_it_publishes_what_changed_and_each_finished_visit(museum, mqtt_settings):  # noqa: F811
    prefix = mqtt_settings.MQTT_TOPIC_PREFIX
    mqtt_settings.MQTT_PUBLISH_VISITS = True
    mqtt_settings.MQTT_VISIT_QUIET_SECONDS = 0.0
    publisher = MqttPublisher()
    with Subscriber(SHARED_BROKER[1], prefix) as subscriber:
        publisher.start()
        try:
            publisher.wait_connected(10)
            publisher.poll()
            first = subscriber.wait(f"{prefix}/summary")
            sent = publisher.published
            publisher.poll()
            assert publisher.published == sent, "nothing changed, nothing published"

            EmotionEventFactory(location=museum.hall, camera=museum.cam_hall, emotion="happy", confidence=0.9,
                         timestamp=timezone.now() - timedelta(minutes=1))
            visit = VisitFactory(location=museum.hall, camera=museum.cam_hall, exhibit=museum.mona_lisa,
                                 ended_at=timezone.now(), dominant_emotion="sad")
            publisher.poll()
            total = first["overall_sentiment_summary"]["total_valid_detections"] + 1
            subscriber.wait(f"{prefix}/summary",
                            lambda p: p["overall_sentiment_summary"]["total_valid_detections"] == total)
            subscriber.wait(f"{prefix}/exhibit-hall-a/summary",
                            lambda p: p["overall_sentiment_summary"]["total_valid_detections"] == 6)
            published = subscriber.wait(f"{prefix}/exhibit-hall-a/visit")
            assert (published["id"], published["camera"], published["exhibit"], published["dominant_emotion"]) == (
                visit.pk, "cam-hall-a", "Mona Lisa", "Sad")
            assert f"{prefix}/museum-entrance/summary" not in {
                t for t, payloads in subscriber.messages.items() if len(payloads) > 1}, "unchanged: not sent again"
            assert EmotionEvent.objects.count() == MUSEUM_EXPECTED["total_rows"] + 1
        finally:
            publisher.stop()


def test_it_says_why_it_cannot_publish(db, settings):
    settings.MQTT_URL = ""
    with pytest.raises(CommandError, match="MQTT_URL is not set"):
        call_command("mqtt_publish", "--once")
    with pytest.raises(CommandError, match="expected mqtt://host"):
        call_command("mqtt_publish", "--once", "--url", "http://127.0.0.1:1883")
    with pytest.raises(CommandError, match="did not accept a connection within 1 s"):
        call_command("mqtt_publish", "--once", "--url", "mqtt://127.0.0.1:9", "--timeout", "1")
