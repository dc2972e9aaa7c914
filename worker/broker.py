"""The camera workers' Celery consumer: back on the broker within a second of its return.

Celery's consumer retries a lost broker connection after 2, 4, 6 ... up to 30 s
(kombu's defaults, not a setting), so a worker could sit idle for tens of
seconds after Redis is back. A camera worker is the queue's only consumer and
the broker is on the same machine or network, so it retries every 0.5-1 s.
Set as `worker_consumer` (CELERY_WORKER_CONSUMER in settings).
"""
from __future__ import annotations

import functools

from celery.worker.consumer import Consumer

RETRY_FIRST_SECONDS = 0.5
RETRY_STEP_SECONDS = 0.5
RETRY_MAX_SECONDS = 1.0


class CameraWorkerConsumer(Consumer):
    def ensure_connected(self, conn):
        conn.ensure_connection = functools.partial(
            conn.ensure_connection, interval_start=RETRY_FIRST_SECONDS, interval_step=RETRY_STEP_SECONDS,
            interval_max=RETRY_MAX_SECONDS,
        )
        return super().ensure_connected(conn)
