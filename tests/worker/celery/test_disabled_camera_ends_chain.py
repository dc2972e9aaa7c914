"""A segment of a disabled camera ends its chain, frees the camera and marks it stopped."""
from __future__ import annotations

import pytest

from cameras.models import Camera
from tests.worker.celery.conftest import queued_segments
from worker import chain
from worker.services import camera_chain_start, camera_segment_process

pytestmark = pytest.mark.integration


def test_it_ends_the_chain_when_the_camera_is_disabled(make_camera, broker):
    camera = make_camera(enabled=True, state=Camera.State.RUNNING)
    token = camera_chain_start(camera_id=camera.pk)
    broker.delete(f"camera.{camera.pk}")
    Camera.objects.filter(pk=camera.pk).update(enabled=False)

    outcome = camera_segment_process(camera_id=camera.pk, chain_token=token, index=0)

    assert (outcome.action, outcome.reason) == ("stopped", "disabled")
    assert queued_segments(broker, camera.pk) == []
    assert chain.lease_holder(camera.pk) is None
    camera.refresh_from_db()
    assert camera.state == Camera.State.STOPPED
    # The next start click begins a new chain straight away.
    Camera.objects.filter(pk=camera.pk).update(enabled=True)
    assert camera_chain_start(camera_id=camera.pk) not in (None, token)
