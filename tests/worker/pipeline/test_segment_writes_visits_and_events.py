"""A camera segment on a video writes visits and events at the right camera, location and exhibit."""
from __future__ import annotations

from datetime import timedelta

import pytest

from cameras.models import Camera
from emotions.models import EmotionEvent, Visit
from tests.factories import CameraFactory, ExhibitFactory
from worker.pipeline.runner import camera_segment_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def camera(two_faces_video):
    exhibit = ExhibitFactory(title="Sunflowers")
    return CameraFactory(name="hall-cam", location=exhibit.location, exhibit=exhibit,
                         source=str(two_faces_video.path))


def test_it_writes_one_visit_per_face_with_its_events(camera, two_faces_video):
    stats = camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=60)

    assert stats.ended_because == "source_ended", stats.error
    assert stats.frames == two_faces_video.frames
    assert stats.faces == 2 and stats.visits_written == 2
    visits = list(Visit.objects.order_by("track_id"))
    assert len(visits) == 2
    for visit in visits:
        assert (visit.camera_id, visit.location_id, visit.exhibit_id) == (camera.pk, camera.location_id,
                                                                         camera.exhibit_id)
        assert visit.model_version is not None
        # The faces are on screen for the whole 4 s video.
        assert 3.5 <= visit.dwell_seconds <= 4.0
        assert visit.ended_at - visit.started_at == timedelta(seconds=visit.dwell_seconds)
        assert set(visit.mean_scores) == {"angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"}
        assert abs(sum(visit.mean_scores.values()) - 1.0) < 0.01
        events = EmotionEvent.objects.filter(visit=visit)
        # 4 events per second per face, as the camera setting says.
        assert abs(events.count() - 4 * visit.dwell_seconds) <= 2
        assert visit.frames_classified == events.count()
        assert {(e.camera_id, e.location_id, e.exhibit_id, e.track_id, e.source) for e in events} == {
            (camera.pk, camera.location_id, camera.exhibit_id, visit.track_id, "camera")}
        assert all(visit.started_at <= e.timestamp <= visit.ended_at for e in events)
    assert EmotionEvent.objects.count() == stats.events_written


def test_it_follows_the_camera_event_rate_setting(camera):
    camera.events_per_second = 1.0
    camera.save()
    camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=60)
    for visit in Visit.objects.all():
        assert abs(visit.events.count() - visit.dwell_seconds) <= 1.5


def test_it_drops_tracks_shorter_than_the_minimum(camera):
    camera.min_track_seconds = 10.0  # longer than the whole video
    camera.save()
    stats = camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=60)
    assert stats.faces == 2
    assert Visit.objects.count() == 0 and EmotionEvent.objects.count() == 0


def test_it_reports_the_camera_health(camera):
    stats = camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=60)
    camera.refresh_from_db()
    assert camera.state == Camera.State.STOPPED  # a replayed file that ended
    assert camera.fps == stats.fps > 0
    assert camera.faces_per_minute > 0
    assert camera.last_frame_at is not None and camera.last_error == ""


def test_it_stops_when_told_and_flushes_what_it_saw(camera):
    calls = []

    def should_continue():
        calls.append(1)
        return len(calls) < 4  # stop at the fourth check (one a second: ~3 s of the 4 s video)

    stats = camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=60,
                               should_continue=should_continue, realtime=True)
    assert stats.ended_because == "stopped"
    assert 0 < stats.frames < 100
    assert EmotionEvent.objects.count() == stats.events_written > 0
    camera.refresh_from_db()
    assert camera.state == Camera.State.STOPPED


def test_it_reports_a_missing_file_clearly(camera):
    stats = camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=5,
                               source_override="/nonexistent/replay.mp4")
    assert stats.ended_because == "error"
    assert stats.error == "video file not found: /nonexistent/replay.mp4"
    camera.refresh_from_db()
    assert camera.state == Camera.State.ERROR and "not found" in camera.last_error


def test_it_reports_an_unknown_camera():
    stats = camera_segment_run(camera_id=987654, segment_id="s1", max_seconds=5)
    assert (stats.ended_because, stats.error) == ("error", "camera 987654 does not exist")
