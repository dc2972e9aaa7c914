"""A camera worker whose database connections are cut (what a PostgreSQL restart does to them)
keeps its chain: the error is recorded once the database answers, the broken connection is
replaced, events flow again, and nothing flushed is lost or doubled."""
from __future__ import annotations

import time

import pytest
from django.db import connection

from cameras.models import Camera
from emotions.models import EmotionEvent
from tests.worker.celery.conftest import wait_until
from worker.services import camera_chain_start

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CUT_SECONDS = 4.0


def _cut_every_other_connection() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]


def test_it_recovers_after_its_database_connections_are_cut(make_camera, start_worker, mjpeg_stream):
    camera = make_camera(source=mjpeg_stream, enabled=True, min_track_seconds=0.2)
    worker = start_worker(camera.pk)
    camera_chain_start(camera_id=camera.pk)
    wait_until(lambda: EmotionEvent.objects.filter(camera_id=camera.pk).exists(), timeout=90,
               what="the first events", output=worker.output)

    cut_from = time.time()
    lines_before = len(worker.lines)
    cut = 0
    while time.time() - cut_from < CUT_SECONDS:  # every connection the worker opens dies at once
        cut += _cut_every_other_connection()
        time.sleep(0.1)
    back_at = time.monotonic()
    events_at_return = EmotionEvent.objects.filter(camera_id=camera.pk).count()
    assert cut > 0

    wait_until(lambda: EmotionEvent.objects.filter(camera_id=camera.pk).count() > events_at_return, timeout=60,
               what="events after the database came back", output=worker.output)
    print(f"\nevents flowing again {time.monotonic() - back_at:.1f}s after the connections were let be")
    # The chain goes on: later segments start and finish as usual.
    worker.wait_for_line(rf"camera {camera.pk}: segment cam{camera.pk}-\w+-\d+: \d+ frames .* ended: duration",
                         timeout=60, start=lines_before)

    def recovered():
        c = Camera.objects.get(pk=camera.pk)
        return c.state == Camera.State.RUNNING and c.last_error_at and c.last_error_at.timestamp() >= cut_from - 1
    wait_until(recovered, timeout=30, what="the outage recorded and the camera running again",
               output=worker.output)
    keys = list(EmotionEvent.objects.filter(camera_id=camera.pk).values_list("track_id", "timestamp"))
    assert len(keys) == len(set(keys))  # nothing doubled
