"""A real Celery worker on Redis runs a camera's segment chain and writes visits and events."""
from __future__ import annotations

import pytest

from cameras.models import Camera
from emotions.models import EmotionEvent, Visit
from tests.factories import ExhibitFactory
from tests.worker.celery.conftest import wait_until
from worker import chain
from worker.services import camera_chain_start

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_it_processes_a_camera_into_the_database_through_a_celery_worker(
    make_camera, start_worker, walkers_video
):
    exhibit = ExhibitFactory()
    camera = make_camera(source=str(walkers_video), enabled=True, location=exhibit.location, exhibit=exhibit)
    worker = start_worker(camera.pk)

    token = camera_chain_start(camera_id=camera.pk)
    assert token is not None
    # Segments of 3 s: the chain carries on from where it left off until the
    # file ends, then parks (the next segment is queued, the lease kept).
    last = worker.wait_for_line(rf"segment cam{camera.pk}-{token}-(\d+): .* ended: source_ended", timeout=120)
    wait_until(lambda: chain.segment_done_index(camera.pk, token) >= int(last.group(1)), timeout=10,
               what="the chain to move past the file's end", output=worker.output)

    events = EmotionEvent.objects.filter(camera=camera)
    visits = Visit.objects.filter(camera=camera)
    assert visits.count() >= 2, worker.output()
    assert events.count() > 0
    assert set(events.values_list("location_id", "exhibit_id").distinct()) == {(exhibit.location_id, exhibit.pk)}
    assert set(visits.values_list("location_id", "exhibit_id").distinct()) == {(exhibit.location_id, exhibit.pk)}
    assert not events.filter(visit__isnull=True).exists()
    # Repeated start clicks while the chain runs start nothing new.
    assert camera_chain_start(camera_id=camera.pk) is None
    assert chain.lease_holder(camera.pk) == token

    camera.refresh_from_db()
    assert camera.last_frame_at is not None
    assert camera.fps > 0
    assert camera.state == Camera.State.STOPPED  # the file has ended
