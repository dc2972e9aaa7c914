"""Camera health shows analysed and input frames per second apart, and says when a camera cannot
keep its analysis rate and why: its stream sends too few frames, or analysis takes too long (CPU)."""
from __future__ import annotations

import pytest
from django.urls import reverse

from cameras.models import Camera
from cameras.selectors import camera_rate_problem
from tests.analytics.web_fixtures import staff_api  # noqa: F401
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db

STREAM = "http://10.0.0.30/mjpg/video.mjpg"


def _running(name: str, **health) -> Camera:
    return CameraFactory(name=name, source=STREAM, state=Camera.State.RUNNING, enabled=True, **health)


def test_it_tells_cpu_from_stream():
    keeps = _running("keeps", analysis_fps=10, fps=9.8, input_fps=30.0)
    cpu = _running("cpu", analysis_fps=10, fps=6.2, input_fps=29.9)
    stream = _running("stream", analysis_fps=10, fps=5.0, input_fps=5.0)
    every_frame_cpu = _running("every-frame", analysis_fps=0, fps=12.0, input_fps=25.0)
    stopped = CameraFactory(name="stopped", source=STREAM, analysis_fps=10, fps=0.0, input_fps=0.0)
    assert camera_rate_problem(keeps) == ""
    assert camera_rate_problem(cpu).startswith("CPU: analysis takes longer than the 100 ms interval")
    assert "6.2 of 10.0 fps" in camera_rate_problem(cpu)
    assert camera_rate_problem(stream) == "stream: it sends 5.0 fps, below the analysis rate of 10 fps"
    assert camera_rate_problem(every_frame_cpu).startswith("CPU: analysis takes longer than the 40 ms interval")
    assert camera_rate_problem(stopped) == ""


def test_the_admin_list_shows_both_rates_and_the_reason(staff_client):
    _running("cam-cpu", analysis_fps=10, fps=6.2, input_fps=29.9)
    _running("cam-stream", analysis_fps=15, fps=7.5, input_fps=7.5)
    _running("cam-fine", analysis_fps=10, fps=10.0, input_fps=25.0)
    page = staff_client.get(reverse("admin:cameras_camera_changelist"))
    assert page.status_code == 200
    text = page.content.decode()
    for shown in ("6.2 / 10", "29.9", "Cannot keep it: CPU: analysis takes longer than the 100 ms interval",
                  "7.5 / 15", "Cannot keep it: stream: it sends 7.5 fps, below the analysis rate of 15 fps",
                  "10.0 / 10", "Analysis fps", "Input fps"):
        assert shown in text, shown


def test_the_status_api_says_it_too(staff_api):
    camera = _running("api-cpu", analysis_fps=10, fps=3.0, input_fps=30.0)
    body = staff_api.get(f"/api/cameras/{camera.pk}/status/").json()
    assert (body["fps"], body["input_fps"]) == (3.0, 30.0)
    assert body["analysis_rate_problem"].startswith("CPU: ")
