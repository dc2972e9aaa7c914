"""Staff start and stop cameras from the camera list."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from cameras.models import Camera
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


def run_action(client, action: str, cameras) -> object:
    return client.post(
        reverse("admin:cameras_camera_changelist"),
        {"action": action, "_selected_action": [c.pk for c in cameras]},
        follow=True,
    )


def test_it_starts_the_selected_cameras(staff_client):
    chosen, other = CameraFactory(), CameraFactory()
    response = run_action(staff_client, "start_cameras", [chosen])
    assert b"Started 1 camera(s)" in response.content
    chosen.refresh_from_db(), other.refresh_from_db()
    assert (chosen.enabled, chosen.state) == (True, Camera.State.STARTING)
    assert (other.enabled, other.state) == (False, Camera.State.STOPPED)


def test_it_stops_the_selected_cameras(staff_client):
    cameras = [CameraFactory(enabled=True, state=Camera.State.RUNNING) for _ in range(2)]
    response = run_action(staff_client, "stop_cameras", cameras)
    assert b"Stopped 2 camera(s)" in response.content
    assert not Camera.objects.filter(enabled=True).exists()


def test_it_hides_the_actions_from_staff_who_may_only_look(client, django_user_model):
    user = django_user_model.objects.create_user(username="guide", password="pw-12345678", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_camera"))
    client.force_login(user)
    camera = CameraFactory()
    run_action(client, "start_cameras", [camera])
    camera.refresh_from_db()
    assert not camera.enabled
