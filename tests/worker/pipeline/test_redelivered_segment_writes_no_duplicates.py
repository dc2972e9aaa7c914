"""A segment killed mid-way and run again, a file replayed, and many small segments:
the database ends up exactly as after one clean run (nothing lost, nothing doubled)."""
from __future__ import annotations

from collections import Counter

import pytest

from emotions.models import EmotionEvent, Visit
from tests.factories import CameraFactory, LocationFactory
from worker.pipeline.runner import camera_segment_run, camera_sessions_close, ledger_read, ledger_reset

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """Stands for SIGKILL: skips every `except Exception` and the final flush, like a dead process."""


class DiesAfter:
    def __init__(self, classifier, calls: int):
        self.classifier, self.calls_left = classifier, calls
        self.model_version_id = getattr(classifier, "model_version_id", None)

    def classify(self, crops):
        self.calls_left -= 1
        if self.calls_left < 0:
            raise Killed()
        return self.classifier.classify(crops)


def _snapshot(camera):
    """What a camera recorded, independent of its id: events per track, and each visit's numbers."""
    events = Counter(EmotionEvent.objects.filter(camera=camera).values_list("track_id", flat=True))
    visits = sorted(Visit.objects.filter(camera=camera).values_list("track_id", "frames_classified",
                                                                    "dwell_seconds", "dominant_emotion"))
    return events, visits


@pytest.fixture
def cameras(two_faces_video):
    location = LocationFactory()
    make = lambda name: CameraFactory(name=name, location=location, source=str(two_faces_video.path))  # noqa: E731
    return make("reference"), make("crashy")


@pytest.fixture
def classifier(db):
    from worker.ml.active import get_active_classifier

    return get_active_classifier()


def test_it_replays_a_killed_segment_without_losing_or_doubling(cameras, classifier, settings):
    settings.PIPELINE_FLUSH_SECONDS = 0.0  # flush after every frame: plenty is written before the kill
    reference, crashy = cameras
    clean = camera_segment_run(camera_id=reference.pk, segment_id="r1", max_seconds=60, classifier=classifier)
    assert clean.ended_because == "source_ended"

    with pytest.raises(Killed):
        camera_segment_run(camera_id=crashy.pk, segment_id="c1", max_seconds=60,
                           classifier=DiesAfter(classifier, calls=8))
    written_before_kill = EmotionEvent.objects.filter(camera=crashy).count()
    assert 0 < written_before_kill < clean.events_written
    assert ledger_read(crashy.pk)["completed"] is False
    camera_sessions_close()  # the process died: nothing survives in memory

    redelivered = camera_segment_run(camera_id=crashy.pk, segment_id="c1", max_seconds=60, classifier=classifier)

    assert redelivered.ended_because == "source_ended"
    assert redelivered.events_written == clean.events_written - written_before_kill
    assert _snapshot(crashy) == _snapshot(reference)
    timestamps = EmotionEvent.objects.filter(camera=crashy).values_list("track_id", "timestamp")
    assert len(set(timestamps)) == len(timestamps)


def test_it_keeps_a_visit_whole_across_many_small_segments(cameras, classifier):
    reference, chopped = cameras
    camera_segment_run(camera_id=reference.pk, segment_id="r1", max_seconds=60, classifier=classifier)
    segments = 0
    while True:
        stats = camera_segment_run(camera_id=chopped.pk, segment_id=f"c{segments}", max_seconds=60,
                                   max_frames=17, classifier=classifier)
        segments += 1
        if stats.ended_because == "source_ended":
            break
        assert stats.ended_because == "max_frames"
        if segments % 2:
            camera_sessions_close()  # half of them in a "new process": resumed from the ledger
    assert segments == 6
    assert _snapshot(chopped) == _snapshot(reference)
    assert Visit.objects.filter(camera=chopped).count() == 2


def test_it_adds_nothing_when_a_file_is_replayed(cameras, classifier):
    camera = cameras[0]
    first = camera_segment_run(camera_id=camera.pk, segment_id="a", max_seconds=60, classifier=classifier)
    again = camera_segment_run(camera_id=camera.pk, segment_id="b", max_seconds=60, classifier=classifier)
    assert (again.ended_because, again.frames) == ("source_ended", 0)  # a file plays once
    ledger_reset(camera.pk)
    replay = camera_segment_run(camera_id=camera.pk, segment_id="c", max_seconds=60, classifier=classifier)
    assert replay.frames == first.frames
    assert (replay.events_written, replay.visits_written) == (0, 0)
    assert EmotionEvent.objects.filter(camera=camera).count() == first.events_written
