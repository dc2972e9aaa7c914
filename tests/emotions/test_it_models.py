"""EmotionEvent keeps only sane rows: the database refuses the rest."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from emotions.models import EmotionEvent
from tests.factories import CameraFactory, EmotionEventFactory, ExhibitFactory, LocationFactory

pytestmark = pytest.mark.django_db


def test_it_keeps_millisecond_timestamps_and_full_confidence():
    moment = datetime(2025, 11, 25, 14, 3, 7, 412000, tzinfo=ZoneInfo("Europe/Rome"))
    event = EmotionEventFactory(timestamp=moment, confidence=0.8734512329101562)
    event.refresh_from_db()
    assert event.timestamp == moment
    assert event.confidence == 0.8734512329101562


def test_it_refuses_confidence_outside_0_1():
    for confidence in (-0.01, 1.01):
        with pytest.raises(IntegrityError), transaction.atomic():
            EmotionEventFactory(confidence=confidence)


def test_it_refuses_unknown_emotions():
    with pytest.raises(IntegrityError), transaction.atomic():
        EmotionEventFactory(emotion="joy")


def test_it_refuses_a_second_event_with_the_same_key():
    EmotionEventFactory(event_key="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        EmotionEventFactory(event_key="same")


def test_it_keeps_the_exhibit_when_the_camera_is_repointed():
    camera = CameraFactory(exhibit=ExhibitFactory())
    event = EmotionEventFactory(location=camera.location, camera=camera, exhibit=camera.exhibit)
    camera.exhibit = ExhibitFactory(location=camera.location)
    camera.save()
    event.refresh_from_db()
    assert event.exhibit != camera.exhibit


def test_it_protects_locations_that_have_events():
    event = EmotionEventFactory(location=LocationFactory(name="Cafe"))
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        event.location.delete()
    assert EmotionEvent.objects.count() == 1
