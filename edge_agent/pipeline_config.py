"""The camera's settings from the server, and the pipeline they configure: the one place that
turns server-side camera settings into pipeline objects on the device (as runner.pipeline_for_camera
does on the server). New detection settings (privacy zones, opening hours) are wired in here.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from edge_agent.client import ServerClient, ServerUnreachable
from worker.pipeline.detector import detector_create
from worker.pipeline.pipeline import FacePipeline
from worker.pipeline.recorder import Recorder, Writer

log = logging.getLogger(__name__)

SETTINGS_FILE = "camera.json"


class NoSettings(Exception):
    """The server can't be asked and nothing is cached."""


def camera_settings_get(client: ServerClient, cache_dir: Path) -> dict:
    """GET /api/device/camera/, cached: the cached copy when the server can't answer."""
    cached = Path(cache_dir) / SETTINGS_FILE
    try:
        answer = client.get_json("/api/device/camera/")
    except ServerUnreachable as exc:
        problem = str(exc)
    else:
        if answer.status == 200 and isinstance(answer.body, dict):
            tmp = cached.with_suffix(".tmp")
            tmp.write_text(json.dumps(answer.body))
            os.replace(tmp, cached)
            return answer.body
        problem = f"HTTP {answer.status}: {answer.body}"
        if answer.status in (401, 403):
            raise NoSettings(f"the server refused this device's token ({problem})")
    if cached.is_file():
        log.warning("camera settings from the cache (%s): %s", cached, problem)
        return json.loads(cached.read_text())
    raise NoSettings(f"no camera settings: {problem}")


def pipeline_for_settings(settings: dict, classifier, *, detector: str = "haar") -> FacePipeline:
    return FacePipeline(
        detector=detector_create(detector, detection_width=settings["detection_width"],
                                 min_face_size=settings["min_face_size"]),
        classifier=classifier,
        detect_every=settings["detect_every_n_frames"],
        classify_interval=1.0 / settings["events_per_second"],
    )


def recorder_for_settings(settings: dict, *, track_prefix: str, writer: Writer,
                          flush_seconds: float) -> Recorder:
    return Recorder(camera_id=settings["id"], track_prefix=track_prefix, writer=writer,
                    min_track_seconds=settings["min_track_seconds"], flush_seconds=flush_seconds)
