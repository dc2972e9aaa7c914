"""Can this process reach the database and the broker right now? (/healthz, the admin, the camera API)

Short timeouts: a health check must answer quickly, and say "down" rather than hang.
"""
from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection

BROKER_TIMEOUT_SECONDS = 1.0


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        connection.close()  # a broken connection must not fail this process's next request too
        return False


def broker_reachable() -> bool:
    import redis

    try:
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
                                      socket_timeout=BROKER_TIMEOUT_SECONDS)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError):
        return False
