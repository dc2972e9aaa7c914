"""The edge agent runs its camera as the server would: the settings it pulls carry the privacy zones,
the analysis rate and substream, and the location's analysis hours, and the agent's pipeline applies
them (a face in an exclude zone is never seen; nothing is analysed when the location is closed)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import numpy as np
import pytest

from cameras.models import LocationClosure
from edge_agent.pipeline_config import analysis_hours_from, analysis_source_for, pipeline_for_settings
from tests.analytics.web_fixtures import museum, staff_api, viewer_api, viewer_user  # noqa: F401
from tests.devices.device_fixtures import device_api, device_client, hall_device  # noqa: F401
from worker.ml.classifier import EmotionClassifier
from worker.pipeline.detector import Detection
from worker.pipeline.sources import Frame

LEFT_HALF = {"kind": "exclude", "points": [[0.0, 0.0], [0.5, 0.0], [0.5, 1.0], [0.0, 1.0]]}


class _Detector:
    """Two faces on every frame, one in each half (stands in for the cascade: the gate is what's tested)."""

    supports_regions = False
    min_face_size = 24

    def detect(self, image, **_):
        return [Detection(40, 100, 60, 60), Detection(500, 100, 60, 60)]


@pytest.mark.django_db
def test_the_pulled_settings_carry_zones_rate_substream_and_hours(device_api, museum):  # noqa: F811
    camera, hall = museum.cam_hall, museum.hall
    camera.privacy_zones, camera.analysis_fps = [LEFT_HALF], 5
    camera.analysis_source = "rtsp://cam-hall-a.local/Streaming/Channels/102"
    camera.save()
    hall.opening_hours = {"mon": ["09:00-18:00"]}
    hall.save()
    LocationClosure.objects.create(location=hall, first_day=date(2026, 12, 25), last_day=date(2026, 12, 26))

    settings = device_api.get("/api/device/camera/").json()

    assert settings["privacy_zones"] == [LEFT_HALF] and settings["analysis_fps"] == 5
    assert analysis_source_for(settings) == "rtsp://cam-hall-a.local/Streaming/Channels/102"
    assert analysis_source_for(settings, "/dev/video0") == "/dev/video0"  # the command line wins
    hours = analysis_hours_from(settings["analysis_hours"])
    monday_noon, monday_night = datetime(2026, 11, 30, 11, tzinfo=timezone.utc), datetime(2026, 11, 30, 20,
                                                                                            tzinfo=timezone.utc)
    assert hours.open_at(monday_noon) and not hours.open_at(monday_night)
    assert not hours.open_at(datetime(2026, 12, 25, 11, tzinfo=timezone.utc))  # closed: holiday


def test_the_agents_pipeline_drops_faces_in_zones_and_analyses_nothing_when_closed(monkeypatch, settings):
    classifier = EmotionClassifier(settings.SHIPPED_MODEL_DIR)  # the real model, as the agent caches it
    camera_settings = {"detection_width": 640, "min_face_size": 24, "detect_every_n_frames": 1, "events_per_second": 4.0,
                "analysis_fps": 0, "privacy_zones": [LEFT_HALF],
                "analysis_hours": {"time_zone": "Europe/Rome", "weekly": {"0": [[540, 1080]]}, "closures": [],
                                   "staff_area": False}}
    monkeypatch.setattr("edge_agent.pipeline_config.detector_create", lambda *a, **k: _Detector())
    pipeline = pipeline_for_settings(camera_settings, classifier)
    image = np.zeros((480, 640, 3), np.uint8)

    def frame(index, at):
        return Frame(index=index, seconds=index / 10, image=image, captured_at=at)

    open_result = pipeline.process(frame(0, datetime(2026, 11, 30, 11, tzinfo=timezone.utc)))
    assert [face.box[0] for face in open_result.faces] == [500]  # the left face is in the exclude zone
    closed_result = pipeline.process(frame(1, datetime(2026, 11, 30, 20, tzinfo=timezone.utc)))
    assert closed_result.faces == [] and not closed_result.analysed
