"""Analysis hours: outside a location's opening hours (or on a closure day, or in a staff area)
its cameras record nothing; the real pipeline on a generated video, the real database."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone as dj_timezone

from cameras.models import Camera, LocationClosure
from cameras.privacy_rules import WEEKDAYS, opening_hours_parse
from cameras.services import camera_enable
from emotions.models import EmotionEvent, Visit
from tests.factories import CameraFactory, LocationFactory
from worker.pipeline.runner import camera_segment_run
from worker.pipeline.zones import AnalysisHours

pytestmark = pytest.mark.django_db


def _segment(video, location) -> tuple:
    camera = CameraFactory(source=str(video.path), location=location)
    stats = camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=1.5)
    camera.refresh_from_db()
    return stats, camera


def test_it_records_nothing_outside_weekly_hours(one_face_video):
    tomorrow = WEEKDAYS[(dj_timezone.localdate().weekday() + 1) % 7]
    location = LocationFactory(opening_hours={tomorrow: ["00:00-24:00"]})  # closed all of today
    stats, camera = _segment(one_face_video, location)
    assert stats.frames == 0 and stats.events_written == 0
    assert camera.state == Camera.State.IDLE
    assert not EmotionEvent.objects.exists() and not Visit.objects.exists()


def test_it_records_nothing_on_a_closure_day(one_face_video):
    location = LocationFactory()
    today = dj_timezone.localdate()
    LocationClosure.objects.create(location=location, first_day=today, last_day=today, reason="holiday")
    stats, camera = _segment(one_face_video, location)
    assert stats.frames == 0 and camera.state == Camera.State.IDLE
    assert not EmotionEvent.objects.exists()


def test_it_records_inside_the_hours(one_face_video):
    today = WEEKDAYS[dj_timezone.localdate().weekday()]
    location = LocationFactory(opening_hours={today: ["00:00-24:00"]})
    camera = CameraFactory(source=str(one_face_video.path), location=location)
    stats = camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=60)
    assert stats.events_written > 0 and stats.visits_written == 1


def test_a_staff_area_camera_neither_starts_nor_analyses(one_face_video):
    location = LocationFactory(staff_area=True)
    camera = CameraFactory(source=str(one_face_video.path), location=location)
    with pytest.raises(ValidationError):
        camera_enable(camera=camera)
    with pytest.raises(ValidationError):
        Camera(name="x", location=location, source="0", enabled=True).full_clean()
    stats = camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=1.0)
    assert stats.frames == 0 and not EmotionEvent.objects.exists()


def test_the_hours_gate_decides_per_instant():
    hours = AnalysisHours(time_zone="Europe/Rome", weekly={0: ((9 * 60, 18 * 60),)},
                          closures=((date(2026, 12, 7), date(2026, 12, 7)),))
    rome = lambda *a: datetime(*a, tzinfo=timezone(timedelta(hours=1)))  # noqa: E731 - CET in winter
    assert hours.open_at(rome(2026, 11, 30, 9, 0))        # Monday 09:00
    assert not hours.open_at(rome(2026, 11, 30, 8, 59))
    assert not hours.open_at(rome(2026, 11, 30, 18, 0))   # end is exclusive
    assert not hours.open_at(rome(2026, 12, 1, 10, 0))    # Tuesday: not listed, closed
    assert not hours.open_at(rome(2026, 12, 7, 10, 0))    # a Monday, but a closure
    assert AnalysisHours().open_at(rome(2026, 12, 1, 3, 0))  # no hours set: not limited by the clock
    assert not AnalysisHours(staff_area=True).open_at(rome(2026, 11, 30, 10, 0))


@pytest.mark.parametrize("bad", [{"monday": ["09:00-18:00"]}, {"mon": ["9-18"]}, {"mon": ["18:00-09:00"]},
                                 {"mon": "09:00-18:00"}, ["09:00-18:00"], {"mon": ["09:00-25:00"]}])
def test_bad_hours_are_refused_clearly(bad):
    with pytest.raises(ValidationError):
        opening_hours_parse(bad)
