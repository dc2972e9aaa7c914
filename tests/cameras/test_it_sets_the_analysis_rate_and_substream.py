"""Staff set a camera's analysis rate and analysis substream in the admin and through the API;
a negative, absurd or non-numeric rate gets a clear error (a form error, a 400) and changes nothing."""
from __future__ import annotations

import pytest
from django.urls import reverse

from cameras.models import Camera
from tests.analytics.web_fixtures import museum, staff_api  # noqa: F401

pytestmark = pytest.mark.django_db

SUBSTREAM = "rtsp://viewer:secret@10.0.0.21:554/Streaming/Channels/102"


def test_the_api_sets_and_reads_them(staff_api, museum):
    created = staff_api.post("/api/cameras/", {"name": "door", "location": museum.hall.pk,
                                                "source": "rtsp://10.0.0.21/Streaming/Channels/101"}, format="json")
    assert created.status_code == 201
    assert created.json()["analysis_fps"] == 10 and created.json()["analysis_source"] == ""
    url = f"/api/cameras/{created.json()['id']}/"
    patched = staff_api.patch(url, {"analysis_fps": 0, "analysis_source": SUBSTREAM}, format="json")
    assert patched.status_code == 200
    camera = Camera.objects.get(pk=created.json()["id"])
    assert (camera.analysis_fps, camera.analysis_source) == (0, SUBSTREAM)
    assert staff_api.get(url).json()["analysis_source"] == SUBSTREAM


@pytest.mark.parametrize("value", [-1, 61, 1000000, "fast", 2.5, None])
def test_the_api_refuses_a_bad_rate_with_400(staff_api, museum, value):
    before = Camera.objects.get(pk=museum.cam_hall.pk).analysis_fps
    response = staff_api.patch(f"/api/cameras/{museum.cam_hall.pk}/", {"analysis_fps": value}, format="json")
    assert response.status_code == 400 and "analysis_fps" in response.json()
    assert Camera.objects.get(pk=museum.cam_hall.pk).analysis_fps == before


def _camera_form(camera: Camera, **changes) -> dict:
    form = {"name": camera.name, "location": camera.location_id, "exhibit": camera.exhibit_id or "",
            "source": camera.source, "analysis_source": camera.analysis_source, "analysis_fps": camera.analysis_fps,
            "detection_width": camera.detection_width, "detect_every_n_frames": camera.detect_every_n_frames,
            "min_face_size": camera.min_face_size, "min_track_seconds": camera.min_track_seconds,
            "events_per_second": camera.events_per_second}
    form.update(changes)
    return form


def test_the_admin_saves_them(staff_client, museum):
    camera = museum.cam_hall
    url = reverse("admin:cameras_camera_change", args=[camera.pk])
    page = staff_client.get(url)
    assert b'name="analysis_fps"' in page.content and b'name="analysis_source"' in page.content
    response = staff_client.post(url, _camera_form(camera, analysis_fps=5, analysis_source=SUBSTREAM))
    assert response.status_code == 302
    camera.refresh_from_db()
    assert (camera.analysis_fps, camera.analysis_source) == (5, SUBSTREAM)


@pytest.mark.parametrize("value", ["-3", "61", "ten"])
def test_the_admin_shows_a_form_error_for_a_bad_rate(staff_client, museum, value):
    camera = museum.cam_hall
    response = staff_client.post(reverse("admin:cameras_camera_change", args=[camera.pk]),
                                 _camera_form(camera, analysis_fps=value))
    assert response.status_code == 200  # the form again, with the error
    errors = response.context["adminform"].form.errors
    assert "analysis_fps" in errors
    assert Camera.objects.get(pk=camera.pk).analysis_fps == camera.analysis_fps
