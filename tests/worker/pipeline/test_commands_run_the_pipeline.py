"""run_demo, run_camera and detect_emotions drive the real pipeline and fail with clear messages."""
from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import cv2
import pytest
from django.core.management import CommandError, call_command

from cameras.models import Camera
from emotions.models import EmotionEvent, Visit
from tests.factories import CameraFactory
from worker.pipeline import synthetic

pytestmark = pytest.mark.django_db


def _call(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_runs_the_demo_into_the_database_and_replays_it_idempotently(tmp_path):
    out = _call("run_demo", "--seconds", "8", "--video", str(tmp_path / "demo.avi"))
    # 8 s at 25 fps read, analysed at the default 10 per second.
    assert "Demo done: frames=80 " in out and "input_frames=200 " in out and "ended=source_ended" in out
    camera = Camera.objects.get(name="demo-camera")
    assert camera.exhibit is not None and camera.location.name == "Demo Hall"
    visits = Visit.objects.filter(camera=camera, exhibit=camera.exhibit)
    assert visits.count() >= 2  # at least two of the three visitors stay longer than the minimum
    events = EmotionEvent.objects.filter(camera=camera).count()
    assert events > 20 and f"events={events}" in out

    again = _call("run_demo", "--seconds", "8", "--video", str(tmp_path / "demo.avi"))
    assert "visits=0 events=0" in again and "already recorded" in again
    assert Camera.objects.filter(name="demo-camera").count() == 1
    assert EmotionEvent.objects.filter(camera=camera).count() == events


def test_it_runs_a_camera_by_name_with_a_frame_limit(one_face_video):
    camera = CameraFactory(name="Entrance cam", source=str(one_face_video.path))
    out = _call("run_camera", "Entrance cam", "--max-frames", "60")
    assert "frames=60" in out and "ended=max_frames" in out
    out = _call("run_camera", str(camera.pk))  # the rest of the file
    assert "frames=40" in out and "ended=source_ended" in out
    assert Visit.objects.filter(camera=camera).count() == 1


def test_it_names_the_cameras_when_the_one_asked_for_is_missing():
    CameraFactory(name="Entrance cam")
    with pytest.raises(CommandError, match=r"no camera 'Lobby'; cameras: \d+: Entrance cam"):
        _call("run_camera", "Lobby")


def test_it_fails_with_a_clear_message_for_an_unreadable_source(tmp_path):
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"this is not a video")
    camera = CameraFactory(source=str(bad))
    with pytest.raises(CommandError, match="cannot open video file"):
        _call("run_camera", str(camera.pk), "--duration", "5")
    camera.refresh_from_db()
    assert camera.state == Camera.State.ERROR


def test_it_prints_one_json_line_per_face_and_an_error_line_per_bad_input(tmp_path, two_faces_video):
    folder = tmp_path / "inputs" / "nested"
    folder.mkdir(parents=True)
    image = synthetic.wall(seed=4)
    synthetic.paste_face(image, synthetic.astronaut_face(), (200, 120, 140, 140))
    cv2.imwrite(str(folder / "visitor.png"), image)
    (folder / "corrupt.jpg").write_bytes(b"\xff\xd8\xffnot really")
    video = folder / "walk.avi"
    video.write_bytes(Path(two_faces_video.path).read_bytes())

    out = _call("detect_emotions", str(tmp_path / "inputs"), str(tmp_path / "missing.mp4"), "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    errors = {Path(line["file"]).name: line["error"] for line in lines if "error" in line}
    assert set(errors) == {"corrupt.jpg", "missing.mp4"}
    faces = [line for line in lines if "error" not in line]
    image_faces = [f for f in faces if f["file"].endswith("visitor.png")]
    assert len(image_faces) == 1 and image_faces[0]["frame"] == 0
    x, y, w, h = image_faces[0]["bbox"]
    assert abs(x - 200) < 30 and abs(y - 120) < 30
    video_faces = [f for f in faces if f["file"].endswith("walk.avi")]
    # Every frame of the 4 s video is read; both faces on (nearly) every frame, two track ids.
    assert {f["track_id"] for f in video_faces} == {1, 2}
    assert len(video_faces) >= 190
    assert max(f["time_ms"] for f in video_faces) == 3960  # frame 99 at 25 fps
    assert set(video_faces[0]) == {"file", "frame", "time_ms", "bbox", "track_id", "emotion", "confidence",
                                   "scores"}
    assert len(video_faces[0]["scores"]) == 7
