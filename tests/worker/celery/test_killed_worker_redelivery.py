"""A worker killed mid-segment: its segment is delivered again, nothing flushed is lost, nothing doubles.

The reference is an uninterrupted run of the same file for the same camera.
After a `kill -9` of the worker the redelivered segment replays from its
start; the final rows must be exactly the reference's: the same event keys
and the same visits.
"""
from __future__ import annotations

import time

import pytest

from emotions.models import EmotionEvent, Visit
from tests.worker.celery.conftest import VISIBILITY_TIMEOUT, wait_until
from worker.services import camera_chain_start

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _rows(camera_id: int) -> tuple[set[str], set[tuple]]:
    events = set(EmotionEvent.objects.filter(camera_id=camera_id).values_list("event_key", flat=True))
    visits = set(Visit.objects.filter(camera_id=camera_id).values_list(
        "visit_key", "track_id", "frames_classified", "dominant_emotion", "dwell_seconds"))
    return events, visits


def _reference_run(camera_id: int) -> tuple[set[str], set[tuple]]:
    """The whole file in one uninterrupted segment, in this process; then forget it all."""
    from worker.pipeline.runner import camera_segment_run, ledger_reset

    stats = camera_segment_run(camera_id=camera_id, segment_id="reference", max_seconds=300)
    assert stats.ended_because == "source_ended", stats
    rows = _rows(camera_id)
    EmotionEvent.objects.filter(camera_id=camera_id).delete()
    Visit.objects.filter(camera_id=camera_id).delete()
    ledger_reset(camera_id)  # the next run replays the file from frame 0
    return rows


def test_it_loses_and_doubles_nothing_when_the_worker_is_killed_mid_segment(make_camera, start_worker, walkers_video):
    camera = make_camera(source=str(walkers_video), enabled=True)
    reference_events, reference_visits = _reference_run(camera.pk)
    assert len(reference_events) > 50 and len(reference_visits) >= 2

    first = start_worker(camera.pk, name="worker-1")
    token = camera_chain_start(camera_id=camera.pk)
    # Kill as soon as the first flush is committed: mid-way through segment 0.
    wait_until(lambda: EmotionEvent.objects.filter(camera_id=camera.pk).exists(), timeout=60, every=0.02,
               what="the first flushed events", output=first.output)
    first.kill()
    killed_at = time.monotonic()
    flushed_events, _ = _rows(camera.pk)
    assert f"cam{camera.pk}-{token}-0: " not in first.output(500), "segment 0 ended before the kill"
    assert 0 < len(flushed_events) < len(reference_events)

    # Another worker takes the unacked segment once the visibility timeout has passed.
    second = start_worker(camera.pk, name="worker-2")
    redelivered = second.wait_for_line(rf"segment cam{camera.pk}-{token}-0: .*ended: ", timeout=VISIBILITY_TIMEOUT + 60)
    redelivery_seconds = time.monotonic() - killed_at
    assert f"segment 0 of chain {token} delivered again" in second.output(500)
    second.wait_for_line(rf"segment cam{camera.pk}-{token}-\d+: .*ended: source_ended", timeout=120)

    final_events, final_visits = _rows(camera.pk)
    print(f"\nreference: {len(reference_events)} events, {len(reference_visits)} visits; "
          f"flushed before kill -9: {len(flushed_events)}; after redelivery: {len(final_events)} events, "
          f"{len(final_visits)} visits; segment 0 done again {redelivery_seconds:.1f}s after the kill "
          f"({redelivered.group(0)})")
    assert flushed_events <= final_events, "events flushed before the kill are gone"
    assert final_events == reference_events
    assert EmotionEvent.objects.filter(camera_id=camera.pk).count() == len(reference_events)
    assert final_visits == reference_visits
