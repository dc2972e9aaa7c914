"""Shared by the smoothing tests: the real pipeline and recorder over frames in memory, rows kept in lists."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from emotions.recording_rows import EventRow, RecordingResult, VisitRow
from worker.pipeline.pipeline import FacePipeline
from worker.pipeline.recorder import Recorder
from worker.pipeline.sources import Frame

START = datetime(2024, 5, 4, 10, 0, tzinfo=timezone.utc)


@dataclass
class Run:
    events: list[EventRow] = field(default_factory=list)
    visits: list[VisitRow] = field(default_factory=list)
    # (frame time, track id) -> the classifier's own reading / the pipeline's (what is logged)
    raw: dict[tuple[datetime, str], object] = field(default_factory=dict)
    logged: dict[tuple[datetime, str], object] = field(default_factory=dict)


def frames_at(images, *, fps: float):
    """Each image a frame `1 / fps` seconds after the one before, from START."""
    for index, image in enumerate(images):
        seconds = index / fps
        yield Frame(image=image, index=index, seconds=seconds, captured_at=START + timedelta(seconds=seconds))


def recorded(pipeline: FacePipeline, frames) -> Run:
    """The frames through `pipeline` and a Recorder (the cameras' defaults), every row kept."""
    run = Run()

    def write(visits, events):
        run.visits.extend(visits)
        run.events.extend(events)
        return RecordingResult(visits_new=len(visits), events_new=len(events), visit_ids={})

    recorder = Recorder(camera_id=1, track_prefix="t", writer=write, min_track_seconds=1.0, flush_seconds=3600)
    for frame in frames:
        result = pipeline.process(frame)
        for face in result.faces:
            if face.prediction is not None:
                key = (frame.captured_at, recorder.track_id(face.track_number))
                run.raw[key] = face.raw_prediction
                run.logged[key] = face.prediction
        recorder.consume(result)
    recorder.end_tracks([t.number for t in pipeline.close_tracks()])
    recorder.flush()
    return run
