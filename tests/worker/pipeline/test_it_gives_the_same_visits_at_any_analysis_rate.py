"""The analysis rate changes the work, not the meaning: the same video analysed at 30 and at 10
frames a second gives the same visits (tracks, dwell) and the same events per second per face,
while only a third of the frames are decoded to colour and analysed."""
from __future__ import annotations

from datetime import datetime

import pytest

from emotions.models import EmotionEvent, Visit
from tests.factories import CameraFactory, LocationFactory
from tests.worker.videos import walkers_video
from worker.pipeline.runner import camera_segment_run, ledger_read

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def walkers_30fps(tmp_path_factory):
    """5 s at 30 fps: two faces walking across each other's way."""
    return walkers_video(tmp_path_factory.mktemp("videos") / "walkers-30fps.avi", 2, frames=150, fps=30.0,
                         sizes=(110, 90), seed=21)


@pytest.fixture
def classifier(db):
    from worker.ml.active import get_active_classifier

    return get_active_classifier()


def _visits(camera):
    """(seconds into the video, dwell, classifications) of each visit."""
    anchor = datetime.fromisoformat(ledger_read(camera.pk)["clock_anchor"])
    return sorted(((started - anchor).total_seconds(), dwell, classified) for started, dwell, classified in
                  Visit.objects.filter(camera=camera).values_list("started_at", "dwell_seconds", "frames_classified"))


def test_it_gives_the_same_visits_at_30_and_10_analysis_fps(walkers_30fps, classifier):
    location = LocationFactory()
    every, ten = (CameraFactory(name=f"rate-{fps}", location=location, source=str(walkers_30fps.path),
                                analysis_fps=fps) for fps in (30, 10))
    stats_every = camera_segment_run(camera_id=every.pk, segment_id="all", max_seconds=600, classifier=classifier)
    stats_ten = camera_segment_run(camera_id=ten.pk, segment_id="all", max_seconds=600, classifier=classifier)

    # The reader takes in every frame either way; at 10 fps only every third is analysed.
    assert stats_every.input_frames == stats_ten.input_frames == 150
    assert stats_every.frames == 150
    assert stats_ten.frames == 50

    visits_every, visits_ten = _visits(every), _visits(ten)
    assert len(visits_every) == len(visits_ten) == 2
    for (start_a, dwell_a, _), (start_b, dwell_b, _) in zip(visits_every, visits_ten):
        assert start_a == pytest.approx(start_b, abs=0.2)
        assert dwell_a == pytest.approx(dwell_b, abs=0.25)
    # events_per_second (4) keeps its meaning: about 4 events per second of dwell at both rates.
    for camera, visits in ((every, visits_every), (ten, visits_ten)):
        events = EmotionEvent.objects.filter(camera=camera).count()
        dwell = sum(d for _, d, _ in visits)
        assert 3.0 * dwell <= events <= 4.0 * dwell + 2 * len(visits), (camera.analysis_fps, events, dwell)


def test_segments_and_resumed_processes_analyse_the_same_frames_at_10_fps(walkers_30fps, classifier):
    from tests.worker.pipeline.test_it_gives_the_same_visits_whatever_the_segment_length import (
        _recorded, _run_in_segments)

    location = LocationFactory()
    whole, resumed = (CameraFactory(name=name, location=location, source=str(walkers_30fps.path), analysis_fps=10)
                      for name in ("whole-10", "resumed-10"))
    camera_segment_run(camera_id=whole.pk, segment_id="all", max_seconds=600, classifier=classifier)
    # Segments of 7 analysed frames (21 read), each resumed from the ledger in a "new process".
    assert _run_in_segments(resumed, classifier, frames=7, new_process_every=1) > 5
    assert _recorded(resumed) == _recorded(whole)
