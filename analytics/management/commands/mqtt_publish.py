"""manage.py mqtt_publish [--once]: the MQTT feed for Node-RED and home automation (docs/mqtt.md)."""
from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from analytics.mqtt_publisher import MqttPublisher, MqttUnavailable
from museum_site.db_ready import require_migrated_database


class Command(BaseCommand):
    help = ("Publish the summaries (whole museum and per location) and the cameras' health, retained, to "
            "MQTT_URL; runs until stopped, or with --once publishes the current state and exits.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="publish the current state and exit")
        parser.add_argument("--url", help="broker URL instead of MQTT_URL")
        parser.add_argument("--prefix", help="topic prefix instead of MQTT_TOPIC_PREFIX")
        parser.add_argument("--timeout", type=float, default=10.0, help="--once: seconds to wait for the broker")

    def handle(self, *args, once, url, prefix, timeout, **options):
        require_migrated_database()
        if not (url or settings.MQTT_URL):
            raise CommandError("MQTT_URL is not set (e.g. mqtt://127.0.0.1:1883); see docs/mqtt.md")
        try:
            publisher = MqttPublisher(url=url, prefix=prefix)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if once:
            try:
                count = publisher.once(timeout=timeout)
            except MqttUnavailable as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"published {count} retained messages under {publisher.prefix}/")
            return
        stopping = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda signum, frame: stopping.set())
        publisher.run(stopping)
