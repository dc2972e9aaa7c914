"""Privacy zones, on the real pipeline over a generated video and a real database.

two_faces_video: face A walks along the top of the frame (box centres at y ~ 0.24),
face B along the bottom (y ~ 0.66). A zone over the top half decides which one counts.
"""
from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from emotions.models import EmotionEvent, Visit
from tests.factories import CameraFactory
from worker.pipeline.runner import camera_segment_run

pytestmark = pytest.mark.django_db

TOP_HALF = [[0.0, 0.0], [1.0, 0.0], [1.0, 0.45], [0.0, 0.45]]


def _run(video, zones) -> tuple[int, int]:
    camera = CameraFactory(source=str(video.path), privacy_zones=zones)
    stats = camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=60)
    assert stats.ended_because == "source_ended", stats.error
    visits = list(Visit.objects.filter(camera=camera))
    events = EmotionEvent.objects.filter(camera=camera)
    # Every event belongs to a recorded visit: nothing of the ignored face slipped through.
    assert set(events.values_list("track_id", flat=True)) <= {v.track_id for v in visits}
    return len(visits), events.count()


def test_it_records_both_faces_without_zones(two_faces_video):
    visits, events = _run(two_faces_video, [])
    assert visits == 2 and events > 0


def test_it_records_nothing_of_a_face_in_an_exclude_zone(two_faces_video):
    visits, events = _run(two_faces_video, [{"kind": "exclude", "points": TOP_HALF}])
    assert visits == 1 and events > 0  # face B, outside the zone, is still recorded
    assert Visit.objects.get().started_at is not None


def test_it_records_only_faces_inside_include_zones(two_faces_video):
    everything, _ = _run(two_faces_video, [])
    Visit.objects.all().delete()
    EmotionEvent.objects.all().delete()
    visits, events = _run(two_faces_video, [{"kind": "include", "points": TOP_HALF}])
    assert (everything, visits) == (2, 1) and events > 0


def test_detect_emotions_applies_the_cameras_zones(two_faces_video, capsys):
    camera = CameraFactory(source="0", privacy_zones=[{"kind": "exclude", "points": TOP_HALF}])
    call_command("detect_emotions", str(two_faces_video.path), "--json", "--detect-every", "3")
    all_faces = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    call_command("detect_emotions", str(two_faces_video.path), "--json", "--detect-every", "3",
                 "--camera", camera.name)
    zoned = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len({f["track_id"] for f in all_faces}) == 2
    assert zoned and len({f["track_id"] for f in zoned}) == 1
    assert all(f["bbox"][1] + f["bbox"][3] / 2 > 0.45 * 480 for f in zoned)


def test_the_zone_gate_decides_by_the_box_centre():
    from worker.pipeline.zones import ZoneGate, point_in_polygon

    triangle = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]
    assert point_in_polygon(0.2, 0.2, triangle) and not point_in_polygon(0.8, 0.8, triangle)
    exclude = ZoneGate.from_zones([{"kind": "exclude", "points": TOP_HALF}])
    assert not exclude.allows((0, 0, 100, 100), 640, 480)        # centre (50, 50): in the zone
    assert exclude.allows((0, 300, 100, 100), 640, 480)          # centre y 350/480 = 0.73: outside
    assert exclude.allows((0, 170, 100, 120), 640, 480)          # overlaps the zone, centre y 230/480 = 0.48: outside
    include = ZoneGate.from_zones([{"kind": "include", "points": TOP_HALF}])
    assert include.allows((0, 0, 100, 100), 640, 480) and not include.allows((0, 300, 100, 100), 640, 480)
    assert ZoneGate().allows((0, 0, 10, 10), 640, 480)           # no zones: everything
