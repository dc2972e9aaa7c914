"""The admin's blurred preview: staff only, served from the short-lived store, never from a file."""
import pytest

from cameras.preview_store import preview_get, preview_put, preview_requested
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def memory_store(settings):
    settings.PRIVACY_PREVIEW_URL = "memory://"


def test_staff_open_the_preview_page_and_get_the_image_once_a_worker_made_it(staff_client):
    camera = CameraFactory()
    page = staff_client.get(f"/admin/cameras/camera/{camera.pk}/preview/")
    assert page.status_code == 200 and b"every detected face blurred" in page.content
    assert b"<script>" not in page.content and b"style=" not in page.content  # strict-CSP friendly
    assert preview_requested(camera.pk)  # the worker is asked for a preview
    assert staff_client.get(f"/admin/cameras/camera/{camera.pk}/preview.jpg").status_code == 404
    preview_put(camera.pk, b"\xff\xd8\xff fake jpeg")
    image = staff_client.get(f"/admin/cameras/camera/{camera.pk}/preview.jpg")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert "no-store" in image["Cache-Control"]


def test_the_preview_expires(settings):
    settings.PRIVACY_PREVIEW_SECONDS = 0
    preview_put(1, b"x")
    assert preview_get(1) is None


def test_visitors_and_non_staff_get_no_preview(client, django_user_model):
    camera = CameraFactory()
    preview_put(camera.pk, b"\xff\xd8\xff")
    assert client.get(f"/admin/cameras/camera/{camera.pk}/preview.jpg").status_code == 302  # to the login
    user = django_user_model.objects.create_user("visitor", password="pw-123456789")
    client.force_login(user)
    assert client.get(f"/admin/cameras/camera/{camera.pk}/preview.jpg").status_code == 302
