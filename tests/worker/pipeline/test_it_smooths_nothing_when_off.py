"""EMOTION_SMOOTHING_SECONDS=0 logs every classification as the classifier read it, exactly as
before smoothing existed; any window leaves visits as they were (mean of the unsmoothed scores,
vote of the unsmoothed labels). Every driver takes the setting: run_camera and the Celery segment
(pipeline_for_camera), detect_emotions and the edge agent."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from edge_agent.cli import _options, _parser, config_from
from edge_agent.pipeline_config import pipeline_for_settings
from tests.factories import CameraFactory
from tests.worker.pipeline.smoothing_runs import START, recorded
from worker.pipeline.detector import detector_create
from worker.pipeline.pipeline import FacePipeline
from worker.pipeline.runner import pipeline_for_camera
from worker.pipeline.sources import VideoFileReader


def _walk(video, classifier, smoothing_seconds: float):
    reader = VideoFileReader(str(video.path), clock_anchor=START)
    pipeline = FacePipeline(detector=detector_create("haar", detection_width=480), classifier=classifier,
                            detect_every=3, classify_interval=0.25, smoothing_seconds=smoothing_seconds)
    try:
        return recorded(pipeline, iter(reader.read, None))
    finally:
        reader.close()


def test_off_logs_each_reading_as_read_and_no_window_changes_a_visit(one_face_video, shipped_classifier):
    off = _walk(one_face_video, shipped_classifier, 0.0)
    on = _walk(one_face_video, shipped_classifier, 1.0)
    assert len(off.events) > 10 and len(off.visits) == 1

    # Off: each event is the classifier's own reading of that frame's crop, nothing else.
    assert off.logged == off.raw and all(off.logged[k] is off.raw[k] for k in off.raw)
    for event in off.events:
        reading = off.raw[(event.timestamp, event.track_id)]
        assert (event.emotion, event.confidence) == (reading.label, float(reading.confidence))
        assert event.scores == {k: round(float(v), 4) for k, v in reading.scores.items()}

    # On: the same frames classified the same way, the same events at the same times and keys...
    assert on.raw == off.raw
    assert [(e.event_key, e.timestamp) for e in on.events] == [(e.event_key, e.timestamp) for e in off.events]
    # ... but their scores are averages over the track (the synthetic face's readings vary frame to frame) ...
    assert sum(e.scores != o.scores for e, o in zip(on.events, off.events)) >= len(off.events) // 2
    # ... and the visit (dwell, frames classified, mean scores, dominant emotion) is the same.
    assert on.visits == off.visits


@pytest.mark.django_db
def test_every_driver_takes_the_setting(settings, one_face_video, shipped_classifier, monkeypatch):
    camera = CameraFactory(source=str(one_face_video.path))
    assert pipeline_for_camera(camera, shipped_classifier).smoother.window_seconds == 1.0  # the default
    settings.EMOTION_SMOOTHING_SECONDS = 0.0
    assert pipeline_for_camera(camera, shipped_classifier).smoother.window_seconds == 0.0

    # detect_emotions: the setting is its default, --smoothing-seconds overrides it.
    def lines(*args):
        out = StringIO()
        call_command("detect_emotions", str(one_face_video.path), "--json", "--detect-every", "3", *args,
                     stdout=out, stderr=StringIO())
        return [json.loads(line) for line in out.getvalue().splitlines()]

    off, on = lines(), lines("--smoothing-seconds", "1")
    assert [(x["frame"], x["track_id"]) for x in off] == [(x["frame"], x["track_id"]) for x in on]
    assert off[0]["scores"] == on[0]["scores"]  # a track's first reading is its own average
    assert sum(a["scores"] != b["scores"] for a, b in zip(off, on)) >= len(off) // 2

    # The edge agent: --smoothing-seconds, else EMOTION_SMOOTHING_SECONDS from its environment, else 1.
    def edge_window(*argv):
        config = config_from(_options(_parser().parse_args(["--server", "http://site", "--token", "t", *argv])))
        camera_settings = {"detection_width": 480, "min_face_size": 24, "detect_every_n_frames": 3,
                           "events_per_second": 4.0}
        return pipeline_for_settings(camera_settings, shipped_classifier,
                                     smoothing_seconds=config.smoothing_seconds).smoother.window_seconds

    monkeypatch.delenv("EMOTION_SMOOTHING_SECONDS", raising=False)
    assert edge_window() == 1.0
    monkeypatch.setenv("EMOTION_SMOOTHING_SECONDS", "2.5")
    assert edge_window() == 2.5
    assert edge_window("--smoothing-seconds", "0") == 0.0


@pytest.mark.django_db
def test_a_window_out_of_range_is_refused_with_a_clear_message(one_face_video):
    from edge_agent.agent import AgentError
    from tests.museum_site.test_it_reads_settings_from_env import load_settings

    result = load_settings(SECRET_KEY="x", EMOTION_SMOOTHING_SECONDS="-1")
    assert result.returncode != 0
    assert "EMOTION_SMOOTHING_SECONDS=-1.0 must be between 0 (off) and 60" in result.stderr
    with pytest.raises(CommandError, match="--smoothing-seconds must be between 0"):
        call_command("detect_emotions", str(one_face_video.path), "--smoothing-seconds", "nan",
                     stdout=StringIO(), stderr=StringIO())
    with pytest.raises(AgentError, match="--smoothing-seconds must be between 0"):
        config_from(_options(_parser().parse_args(["--server", "http://site", "--token", "t",
                                                   "--smoothing-seconds", "-0.5"])))
