"""The camera's settings from the server, and the pipeline they configure: the one place that
turns server-side camera settings into pipeline objects on the device (as runner.pipeline_for_camera
does on the server). New detection settings (privacy zones, opening hours) are wired in here.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from datetime import date

from edge_agent.client import ServerClient, ServerUnreachable
from worker.pipeline.detector import detector_create
from worker.pipeline.pipeline import FacePipeline
from worker.pipeline.recorder import Recorder, Writer
from worker.pipeline.zones import AnalysisHours, ZoneGate

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


def analysis_hours_from(hours: dict | None) -> AnalysisHours | None:
    """The server's `analysis_hours` (opening hours, closures, staff area) as the pipeline's gate;
    None (settings cached from an older server) analyses at any time, as before."""
    if not hours:
        return None
    weekly = hours.get("weekly")
    return AnalysisHours(
        time_zone=hours["time_zone"],
        weekly=None if weekly is None else {int(day): tuple(tuple(span) for span in spans)
                                            for day, spans in weekly.items()},
        closures=tuple((date.fromisoformat(first), date.fromisoformat(last)) for first, last in hours["closures"]),
        staff_area=bool(hours["staff_area"]),
    )


def analysis_source_for(settings: dict, override: str = "") -> str:
    """The local source to analyse: the command line's, else the camera's analysis substream, else its source."""
    return (override or settings.get("analysis_source") or settings["source"]).strip()


def pipeline_for_settings(settings: dict, classifier, *, detector: str = "haar",
                          smoothing_seconds: float = 1.0) -> FacePipeline:
    """As runner.pipeline_for_camera on the server: the same detection settings, analysis rate,
    privacy zones (faces there are never classified or sent) and analysis hours; each track's
    scores smoothed over `smoothing_seconds` (the agent's --smoothing-seconds, as
    EMOTION_SMOOTHING_SECONDS on the server)."""
    return FacePipeline(
        detector=detector_create(detector, detection_width=settings["detection_width"],
                                 min_face_size=settings["min_face_size"]),
        classifier=classifier,
        detect_every=settings["detect_every_n_frames"],
        classify_interval=1.0 / settings["events_per_second"],
        analysis_fps=settings.get("analysis_fps", 0) or 0,
        zones=ZoneGate.from_zones(settings.get("privacy_zones")),
        hours=analysis_hours_from(settings.get("analysis_hours")),
        smoothing_seconds=smoothing_seconds,
    )


def recorder_for_settings(settings: dict, *, track_prefix: str, writer: Writer,
                          flush_seconds: float) -> Recorder:
    return Recorder(camera_id=settings["id"], track_prefix=track_prefix, writer=writer,
                    min_track_seconds=settings["min_track_seconds"], flush_seconds=flush_seconds)
