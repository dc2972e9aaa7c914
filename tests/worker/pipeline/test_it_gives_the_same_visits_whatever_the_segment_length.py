"""Where segments end changes nothing: the same file gives the same events and visits cut into
segments of any length, continued in one process or resumed from the ledger in a new one."""
from __future__ import annotations

import pytest

from emotions.models import EmotionEvent, Visit
from tests.factories import CameraFactory, LocationFactory
from worker.pipeline.runner import camera_segment_run, camera_sessions_close

pytestmark = pytest.mark.django_db


def _recorded(camera):
    """Every event (track, seconds into the file, label, confidence) and every visit, id-free."""
    events = list(EmotionEvent.objects.filter(camera=camera).order_by("timestamp", "track_id")
                  .values_list("track_id", "timestamp", "emotion", "confidence"))
    start = events[0][1] if events else None
    events = [(t, round((at - start).total_seconds(), 3), e, round(c, 4)) for t, at, e, c in events]
    visits = sorted(Visit.objects.filter(camera=camera).values_list(
        "track_id", "frames_classified", "dwell_seconds", "dominant_emotion"))
    return events, visits


def _run_in_segments(camera, classifier, *, frames: int, new_process_every: int | None = None) -> int:
    segments = 0
    while True:
        stats = camera_segment_run(camera_id=camera.pk, segment_id=f"s{segments}", max_seconds=600,
                                   max_frames=frames, classifier=classifier)
        segments += 1
        if stats.ended_because == "source_ended":
            return segments
        assert stats.ended_because == "max_frames", stats.error
        if new_process_every and segments % new_process_every == 0:
            camera_sessions_close()  # as if the worker process were replaced: resumed from the ledger


@pytest.fixture
def classifier(db):
    from worker.ml.active import get_active_classifier

    return get_active_classifier()


def test_it_gives_the_same_events_and_visits_for_any_segment_length(two_faces_video, classifier):
    location = LocationFactory()
    whole, short, longer, resumed = (
        CameraFactory(name=name, location=location, source=str(two_faces_video.path))
        for name in ("whole", "short", "longer", "resumed")
    )
    camera_segment_run(camera_id=whole.pk, segment_id="all", max_seconds=600, classifier=classifier)
    reference = _recorded(whole)
    assert reference[0] and len(reference[1]) == 2

    assert _run_in_segments(short, classifier, frames=5) > 10
    assert _run_in_segments(longer, classifier, frames=16) > 5
    # Boundaries that fall between detection frames, each segment in a "new process".
    assert _run_in_segments(resumed, classifier, frames=7, new_process_every=1) > 10

    assert _recorded(short) == reference
    assert _recorded(longer) == reference
    assert _recorded(resumed) == reference
