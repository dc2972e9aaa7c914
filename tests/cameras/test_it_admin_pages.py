"""Staff manage locations, exhibits and cameras in the admin; outsiders get nowhere."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from cameras.models import Camera
from tests.factories import CameraFactory, ExhibitFactory, LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def museum():
    hall = LocationFactory(name="Exhibit Hall A", floor="1")
    venus = ExhibitFactory(location=hall, title="Venus de Milo")
    camera = CameraFactory(
        name="hall-a-1", location=hall, exhibit=venus, state=Camera.State.ERROR, fps=12.5,
        frames_dropped=42, faces_per_minute=3.25, last_error="RTSP timeout after 5 s",
    )
    LocationFactory(name="Museum Entrance", floor="0")
    return hall, venus, camera


def test_it_lists_locations_with_counts_search_and_filter(staff_client, museum):
    page = staff_client.get(reverse("admin:cameras_location_changelist"))
    assert page.status_code == 200
    assert b"Exhibit Hall A" in page.content and b"Museum Entrance" in page.content
    searched = staff_client.get(reverse("admin:cameras_location_changelist"), {"q": "Venus"})
    assert b"Exhibit Hall A" in searched.content and b"Museum Entrance" not in searched.content
    filtered = staff_client.get(reverse("admin:cameras_location_changelist"), {"floor": "0"})
    assert b"Museum Entrance" in filtered.content and b"Exhibit Hall A" not in filtered.content


def test_it_shows_a_location_with_its_exhibits_and_cameras_inline(staff_client, museum):
    hall, _, _ = museum
    page = staff_client.get(reverse("admin:cameras_location_change", args=[hall.pk]))
    assert page.status_code == 200
    assert b"Venus de Milo" in page.content and b"hall-a-1" in page.content


def test_it_adds_an_exhibit_inline(staff_client, museum):
    hall, venus, camera = museum
    form = {
        "name": hall.name, "floor": "1", "description": "",
        "exhibits-TOTAL_FORMS": "2", "exhibits-INITIAL_FORMS": "1",
        "exhibits-0-id": venus.pk, "exhibits-0-location": hall.pk, "exhibits-0-title": venus.title,
        "exhibits-1-location": hall.pk, "exhibits-1-title": "Winged Victory",
        "cameras-TOTAL_FORMS": "1", "cameras-INITIAL_FORMS": "1",
        "cameras-0-id": camera.pk, "cameras-0-location": hall.pk, "cameras-0-name": camera.name,
        "cameras-0-exhibit": venus.pk, "cameras-0-source": camera.source,
        "closures-TOTAL_FORMS": "0", "closures-INITIAL_FORMS": "0",
    }
    response = staff_client.post(reverse("admin:cameras_location_change", args=[hall.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(hall.exhibits.values_list("title", flat=True)) == ["Venus de Milo", "Winged Victory"]


def test_it_lists_exhibits_and_opens_their_form(staff_client, museum):
    _, venus, _ = museum
    page = staff_client.get(reverse("admin:cameras_exhibit_changelist"), {"q": "venus"})
    assert page.status_code == 200 and b"Venus de Milo" in page.content
    assert staff_client.get(reverse("admin:cameras_exhibit_change", args=[venus.pk])).status_code == 200


def test_it_shows_camera_health_read_only(staff_client, museum):
    _, _, camera = museum
    page = staff_client.get(reverse("admin:cameras_camera_changelist"), {"state__exact": "error"})
    assert page.status_code == 200
    for text in (b"hall-a-1", b"12.5", b"42", b"3.25", b"RTSP timeout after 5 s"):
        assert text in page.content
    form = staff_client.get(reverse("admin:cameras_camera_change", args=[camera.pk]))
    assert form.status_code == 200
    assert b'name="fps"' not in form.content and b'name="state"' not in form.content  # shown, not editable
    assert b'name="detection_width"' in form.content


@pytest.mark.parametrize("url_name", ["admin:cameras_location_changelist", "admin:cameras_camera_changelist"])
def test_it_sends_anonymous_visitors_to_the_login_page(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_it_sends_non_staff_users_to_the_login_page(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="visitor", password="pw-12345678"))
    response = client.get(reverse("admin:cameras_camera_changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_it_forbids_staff_without_permission(client, django_user_model, museum):
    user = django_user_model.objects.create_user(username="guide", password="pw-12345678", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:cameras_camera_changelist")).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_camera"))
    assert client.get(reverse("admin:cameras_camera_changelist")).status_code == 200
