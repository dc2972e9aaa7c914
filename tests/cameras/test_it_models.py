"""Locations, exhibits and cameras: the rules the database and the models keep."""
from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from cameras.models import Camera
from tests.factories import CameraFactory, ExhibitFactory, LocationFactory

pytestmark = pytest.mark.django_db


def test_it_refuses_two_locations_with_one_name():
    LocationFactory(name="Museum Entrance")
    with pytest.raises(IntegrityError), transaction.atomic():
        LocationFactory._meta.model.objects.create(name="Museum Entrance")


def test_it_refuses_an_exhibit_that_closes_before_it_opens():
    with pytest.raises(IntegrityError), transaction.atomic():
        ExhibitFactory(on_show_from=date(2025, 5, 1), on_show_until=date(2025, 4, 1))


def test_it_refuses_two_exhibits_with_one_title_in_a_location():
    exhibit = ExhibitFactory(title="Venus")
    ExhibitFactory(title="Venus")  # another location: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        ExhibitFactory(title="Venus", location=exhibit.location)


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("rtsp://10.0.0.5/stream1", Camera.SourceKind.RTSP),
        ("https://cam.local/mjpeg", Camera.SourceKind.HTTP),
        ("0", Camera.SourceKind.DEVICE),
        ("/srv/videos/hall.mp4", Camera.SourceKind.FILE),
    ],
)
def test_it_tells_the_source_kind(source, kind):
    assert CameraFactory(source=source).source_kind == kind


def test_it_starts_stopped_with_a_queue_of_its_own():
    camera = CameraFactory()
    assert camera.state == Camera.State.STOPPED and not camera.enabled
    assert camera.queue_name == f"camera.{camera.pk}"
