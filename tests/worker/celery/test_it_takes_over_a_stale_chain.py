"""A segment chain that stopped refreshing its lease (dead, or stuck) is replaced at once by a new
one instead of after the lease expires; the old chain, if anything of it runs again, drops itself."""
from __future__ import annotations

import pytest

from tests.worker.celery.conftest import queued_segments
from worker import chain
from worker.services import camera_chain_start, camera_chain_take_over, camera_segment_process

pytestmark = pytest.mark.integration


def test_it_replaces_only_a_stale_chain(transactional_db, make_camera, broker):
    camera = make_camera(enabled=True)
    old = camera_chain_start(camera_id=camera.pk)
    broker.delete(f"camera.{camera.pk}")
    assert camera_chain_take_over(camera_id=camera.pk) is None  # fresh: left alone

    # Last refreshed 20 s ago (the TTL counts down from LEASE_SECONDS).
    lease_key = f"museum:camera:{camera.pk}:lease"
    broker.set(lease_key, old, px=int((chain.LEASE_SECONDS - 20) * 1000))
    new = camera_chain_take_over(camera_id=camera.pk)

    assert new and new != old and chain.lease_holder(camera.pk) == new
    assert [(s["chain_token"], s["index"]) for s in queued_segments(broker, camera.pk)] == [(new, 0)]
    outcome = camera_segment_process(camera_id=camera.pk, chain_token=old, index=3)
    assert (outcome.action, outcome.reason) == ("dropped", "another chain holds this camera")


def test_it_starts_a_chain_when_the_lease_is_gone(transactional_db, make_camera, broker):
    camera = make_camera(enabled=True)
    token = camera_chain_take_over(camera_id=camera.pk)
    assert token and chain.lease_holder(camera.pk) == token
