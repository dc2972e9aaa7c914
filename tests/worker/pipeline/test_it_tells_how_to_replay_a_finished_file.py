"""run_camera on a file the camera already played to its end says so and how to replay it (--restart).

The replay reads every frame again and writes nothing twice: same event keys, same
visit keys, same times as the first play.
"""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from emotions.models import EmotionEvent, Visit
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("run_camera", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _stored(camera):
    events = sorted(EmotionEvent.objects.filter(camera=camera).values_list("event_key", "timestamp"))
    visits = sorted(Visit.objects.filter(camera=camera).values_list("visit_key", "started_at", "ended_at",
                                                                  "dwell_seconds"))
    return events, visits


def test_it_tells_that_the_file_ended_and_replays_it_without_doubling(one_face_video, tmp_path):
    camera = CameraFactory(name="Hall cam", source=str(tmp_path / "camera-default.mp4"))
    video = str(one_face_video.path)

    first = _run("Hall cam", "--source", video)
    assert "frames=100" in first and "ended=source_ended" in first
    assert "already played" not in first
    events, visits = _stored(camera)
    assert len(events) > 10 and len(visits) == 1

    again = _run("Hall cam", "--source", video)
    assert "frames=0" in again and "ended=source_ended" in again
    assert f"{video} was already played to its end on camera 'Hall cam'" in again
    assert f"run_camera 'Hall cam' --source {video} --restart" in again
    assert "nothing already stored is counted twice" in again

    replay = _run("Hall cam", "--source", video, "--restart")
    assert "frames=100" in replay and "visits=0 events=0" in replay and "ended=source_ended" in replay
    assert "already played" not in replay
    assert _stored(camera) == (events, visits)  # same keys, same times: nothing doubled or moved

    after_replay = _run("Hall cam", "--source", video)
    assert "frames=0" in after_replay and "--restart" in after_replay


def test_it_replays_the_cameras_own_file_source(one_face_video):
    camera = CameraFactory(source=str(one_face_video.path))
    _run(str(camera.pk))
    again = _run(str(camera.pk))
    assert f"run_camera {camera.pk} --restart" in again
    assert "frames=100" in _run(str(camera.pk), "--restart")
