"""Run one camera's pipeline for a bounded segment: the unit of work of every driver.

`camera_segment_run` is what the Celery segment task, `run_camera` and `run_demo`
call. It opens (or reuses) the camera's reader and pipeline, processes frames
until the segment's time/frame budget is spent, the camera is stopped, or a
file ends; flushes every buffered write; reports the camera's health; and
returns `SegmentStats`.

Segments, redelivery and idempotency (why it is built this way):

* In one process the reader, tracker and recorder of a camera stay open between
  segments (`_sessions`), so a live stream is not reopened every segment and a
  face standing in front of the camera across a segment boundary stays ONE
  visit: open tracks are carried over, not closed, at a segment's end.
* Every segment also writes a small ledger, VAR_DIR/pipeline/camera-<id>.json
  (numbers, boxes, labels and scores only; no image data): where the segment
  started (file frame number, clock anchor) and the tracker/recorder state at
  that point; at a clean end it is marked completed with the end position.
* A worker killed mid-segment: its flushed rows are in the database; the
  redelivered segment (or the next one) finds an uncompleted ledger.
  - File source: it restores the state saved at the segment's start and replays
    the same frames from the same frame number. Detection runs on the same frame
    numbers, so the same tracks, events and visits come out with the same keys;
    events already written are ignored (ON CONFLICT DO NOTHING), visits are
    upserted to the same values. Nothing is doubled; the unflushed tail that was
    lost is written this time.
  - Live source: the frames are gone, so nothing can be replayed; the new
    segment starts fresh tracks with a new track-id prefix. What was flushed
    stays (open visits are upserted at every flush, so a visit open at the
    crash keeps its dwell up to the last flush); at most one flush window of
    events is lost, and a visitor still standing there becomes a second visit.
* File sources play once per (camera, file): the position carries over between
  segments, and when the file ends the open tracks are closed (visits written)
  and later segments return `ended_because="source_ended"` at once. Replaying
  it (`run_camera --restart`, or a changed file size/path) starts again from
  frame 0 with the same keys (and, after `--restart`, the same times), so a
  replay adds nothing already stored.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection

from cameras.models import Camera
from emotions.services.recording import recording_flush
from worker.health import camera_health_record, database_connection_reset, database_error_remember, outage_log
from worker.pipeline.camera_gates import CameraPreviewer, analysis_hours_for, idle_while_closed, zone_gate_for
from worker.pipeline.detector import detector_create
from worker.pipeline.pipeline import FacePipeline, opencv_threads_set
from worker.pipeline.recorder import Recorder
from worker.pipeline.sources import SourceError, reader_open, source_kind, source_label

log = logging.getLogger(__name__)

ENDED_BECAUSE = ("duration", "max_frames", "stopped", "source_ended", "error")


@dataclass
class SegmentStats:
    frames: int
    frames_dropped: int
    faces: int
    events_written: int
    visits_written: int
    fps: float  # frames analysed per second
    ended_because: str  # "duration" | "max_frames" | "stopped" | "source_ended" | "error"
    error: str = ""
    stage_ms: dict | None = None  # mean milliseconds per frame for each stage
    already_ended: bool = False  # a file an earlier run had played to its end: nothing was read
    infrastructure: bool = False  # the error was the database or the broker being unreachable
    input_frames: int = 0  # frames the source delivered (analysed or skipped by the analysis rate)
    input_fps: float = 0.0


@dataclass
class CameraSession:
    """What stays open in-process between segments of one camera."""
    source: str
    source_key: str
    reader: Any
    pipeline: FacePipeline
    recorder: Recorder
    segment_id: str = ""
    completed: bool = False
    finished: bool = False       # file played to its end

    def close(self) -> None:
        try:
            self.reader.close()
        except Exception:  # closing a broken capture must not hide the real error
            log.exception("closing reader failed")


_sessions: dict[int, CameraSession] = {}
_sessions_lock = threading.Lock()


def camera_sessions_close() -> None:
    """Release every open reader (worker shutdown, tests)."""
    with _sessions_lock:
        for session in _sessions.values():
            session.close()
        _sessions.clear()


# ---- ledger -----------------------------------------------------------------

def _ledger_path(camera_id: int) -> Path:
    return Path(settings.VAR_DIR) / "pipeline" / f"camera-{camera_id}.json"


def ledger_read(camera_id: int) -> dict | None:
    path = _ledger_path(camera_id)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        log.warning("camera %s: unreadable pipeline ledger %s, starting fresh", camera_id, path)
        return None


def _ledger_write(camera_id: int, data: dict) -> None:
    path = _ledger_path(camera_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)  # atomic: a kill never leaves half a ledger


def ledger_reset(camera_id: int) -> None:
    """Forget where a camera's file source was: the next segment replays it from frame 0.

    The file's clock anchor is kept, so the replay gives every frame the time it had in
    the first play: events and visits come out with the same keys and the same times
    (stored events are ignored, visits upserted to what they were). A new anchor would
    leave the events alone but move the upserted visits' end times.
    """
    ledger = ledger_read(camera_id)
    if ledger and ledger.get("clock_anchor"):
        _ledger_write(camera_id, {"source": ledger.get("source"), "source_key": ledger.get("source_key"),
                                  "segment_id": "", "completed": True, "finished": False, "position": 0,
                                  "clock_anchor": ledger["clock_anchor"]})
    else:
        _ledger_path(camera_id).unlink(missing_ok=True)
    with _sessions_lock:
        session = _sessions.pop(camera_id, None)
    if session is not None:
        session.close()


def file_source_key(path: str) -> str:
    """Identity of a replayed file in track ids and keys: its path and size."""
    p = Path(path).expanduser().resolve()
    size = p.stat().st_size if p.exists() else 0
    return "f" + hashlib.sha256(f"{p}|{size}".encode()).hexdigest()[:10]


def _session_state(session: CameraSession) -> dict:
    return {"pipeline": session.pipeline.state(), "recorder": session.recorder.state()}


def _ledger_record(camera_id: int, session: CameraSession, *, completed: bool) -> None:
    reader = session.reader
    data = {"source": session.source, "source_key": session.source_key, "segment_id": session.segment_id,
            "completed": completed, "finished": session.finished, "position": reader.position,
            "clock_anchor": reader.clock_anchor.isoformat() if not reader.live else None}
    if not reader.live:
        data["state"] = _session_state(session)
    _ledger_write(camera_id, data)


# ---- building a session -------------------------------------------------------

def pipeline_for_camera(camera: Camera, classifier, *, detector: str | None = None) -> FacePipeline:
    """The pipeline object configured from a camera's settings (shared by every driver)."""
    opencv_threads_set(settings.PIPELINE_OPENCV_THREADS)
    return FacePipeline(
        detector=detector_create(detector or getattr(settings, "PIPELINE_DETECTOR", "haar"),
                                 detection_width=camera.detection_width, min_face_size=camera.min_face_size),
        classifier=classifier,
        detect_every=camera.detect_every_n_frames,
        classify_interval=1.0 / camera.events_per_second,
        analysis_fps=camera.analysis_fps,
        smoothing_seconds=settings.EMOTION_SMOOTHING_SECONDS,
        # Privacy: crops reach the disk only when staff turned debug snapshots on.
        snapshot_dir=(Path(settings.DEBUG_SNAPSHOT_DIR) / f"camera-{camera.pk}") if settings.DEBUG_SNAPSHOTS else None,
        zones=zone_gate_for(camera), hours=analysis_hours_for(camera.location),
    )


def _writer_for(camera: Camera, model_version_id: int | None):
    def write(visits, events):
        return recording_flush(camera_id=camera.pk, location_id=camera.location_id,
                               exhibit_id=camera.exhibit_id, model_version_id=model_version_id,
                               visits=visits, events=events)
    return write


def _reader_resume(source: str, ledger: dict | None, pipeline: FacePipeline, *, realtime: bool, keepalive=None):
    """A file reader at the ledger's position, its pipeline warmed with the frames just before it."""
    anchor = datetime.fromisoformat(ledger["clock_anchor"]) if ledger and ledger.get("clock_anchor") else None
    position = int(ledger.get("position", 0)) if ledger else 0
    first = pipeline.warm_from(position)
    reader = reader_open(source, start_frame=first, clock_anchor=anchor, realtime=realtime, keepalive=keepalive)
    while reader.position < position:
        frame = reader.read()
        if frame is None:
            break
        pipeline.warm(frame)
    reader.gate = pipeline.gate.due  # from here on, only the frames due for analysis are decoded
    return reader


def _session_open(camera: Camera, source: str, classifier, *, realtime: bool, keepalive=None) -> CameraSession:
    pipeline = pipeline_for_camera(camera, classifier)
    ledger = ledger_read(camera.pk) if source_kind(source) == "file" else None
    if source_kind(source) == "file":
        source_key = file_source_key(source)
        same = bool(ledger) and ledger.get("source") == source and ledger.get("source_key") == source_key
        ledger = ledger if same else None
        if ledger:
            # Resume exactly where the last segment (finished or killed) started or ended.
            state = ledger.get("state") or {}
            pipeline.restore(state.get("pipeline", {}))
        reader = _reader_resume(source, ledger, pipeline, realtime=realtime, keepalive=keepalive)
    else:
        # Live: a new prefix per opening, so track ids never collide with earlier ones.
        source_key = "l" + format(int(time.time() * 1000), "x")
        reader = reader_open(source, reconnect_after=settings.PIPELINE_RECONNECT_AFTER_SECONDS,
                             max_backoff=settings.PIPELINE_RECONNECT_MAX_BACKOFF_SECONDS,
                             error_after=settings.PIPELINE_SOURCE_ERROR_AFTER_SECONDS, gate=pipeline.gate.due,
                             max_lag=settings.PIPELINE_MAX_LAG_SECONDS)
    recorder = Recorder(camera_id=camera.pk, track_prefix=source_key,
                        writer=_writer_for(camera, getattr(classifier, "model_version_id", None)),
                        min_track_seconds=camera.min_track_seconds, flush_seconds=settings.PIPELINE_FLUSH_SECONDS)
    session = CameraSession(source=source, source_key=source_key, reader=reader, pipeline=pipeline,
                            recorder=recorder)
    if ledger:
        recorder.restore((ledger.get("state") or {}).get("recorder", {}))
        session.finished = bool(ledger.get("finished"))
    return session


def _session_for(camera: Camera, source: str, classifier, *, realtime: bool, keepalive=None) -> CameraSession:
    """The camera's session from this process's registry when it is in step with the ledger, else a new one.

    In step: the same source and the last segment ended cleanly here. Then the
    next segment continues its tracks and detection schedule as if there had
    been no boundary at all.
    """
    ledger = ledger_read(camera.pk)
    with _sessions_lock:
        cached = _sessions.pop(camera.pk, None)
    if cached is not None:
        in_step = (cached.source == source and cached.completed and ledger is not None
                   and ledger.get("segment_id") == cached.segment_id and ledger.get("completed"))
        if in_step or (cached.reader.live and cached.source == source and cached.completed):
            return cached
        cached.close()
    return _session_open(camera, source, classifier, realtime=realtime, keepalive=keepalive)


# ---- the segment ------------------------------------------------------------------

# A camera making progress says so this often (Camera.heartbeat_at; `stalled` when it stops).
HEARTBEAT_SECONDS = 2.0
_READER_STATES = {"starting": Camera.State.STARTING, "running": Camera.State.RUNNING,
                  "reconnecting": Camera.State.RECONNECTING, "error": Camera.State.ERROR}


def _classifier_get():
    from worker.ml.active import get_active_classifier

    return get_active_classifier()


class _Health:
    """The segment's reports on its camera: the state when it changes, a heartbeat while frames flow."""

    def __init__(self, camera_id: int):
        self.camera_id = camera_id
        self.state: str | None = None
        self._next_beat = 0.0
        self._reader_seen: tuple[str, str] = ("", "")

    def report(self, state: str, **fields) -> None:
        self.state = state
        camera_health_record(camera_id=self.camera_id, state=state, heartbeat=True, **fields)
        self._next_beat = time.monotonic() + HEARTBEAT_SECONDS

    def follow(self, reader) -> None:
        """A live reader's state or error changed: say so (its error names the cause: 404, refused...)."""
        state = _READER_STATES.get(reader.state, Camera.State.RUNNING)
        seen = (state, reader.last_error if state != Camera.State.RUNNING else "")
        if seen == self._reader_seen and state == self.state:
            return
        self._reader_seen = seen
        if state in (Camera.State.RECONNECTING, Camera.State.ERROR):
            self.report(state, error=reader.last_error or "stream stalled, reconnecting")
        else:
            self.report(state, error="")

    def beat(self, now: float) -> None:
        if now >= self._next_beat and self.state is not None:
            self.report(self.state)


@dataclass
class _Loop:
    """What one pass over the frames found."""
    frames: int = 0
    first_seconds: float | None = None
    last_seconds: float | None = None
    last_frame_at: datetime | None = None
    ended_because: str = "duration"
    error: str = ""
    database_error: str = ""


def _flush(camera_id: int, recorder: Recorder, timer) -> str:
    """Write what is buffered. A database that cannot be reached is not fatal: the rows stay
    buffered (a flush keeps them until it succeeds) and the next flush tries again; returns its error."""
    t0 = time.perf_counter()
    try:
        recorder.flush()
    except (OperationalError, InterfaceError) as exc:
        database_connection_reset()
        message = f"database unreachable, events buffered: {type(exc).__name__}: {str(exc).strip()}"
        outage_log(camera_id, "camera %s: flush failed (%s); keeping the rows for the next flush", camera_id, exc)
        database_error_remember(camera_id=camera_id, message=message)
        return message
    finally:
        timer.add("write", time.perf_counter() - t0)
    return ""


def _frames_process(camera_id: int, session: CameraSession, health: _Health, loop: _Loop,
                    previewer: CameraPreviewer, *, started: float,
                    max_seconds: float, max_frames: int | None, should_continue: Callable[[], bool] | None) -> None:
    """Frames until a limit, a stop or the end of a file; counts into `loop` (kept if this raises)."""
    reader, pipeline, recorder, timer = session.reader, session.pipeline, session.recorder, session.pipeline.timer
    next_check = started
    while True:
        now = time.monotonic()
        if now - started >= max_seconds:
            loop.ended_because = "duration"
            break
        if max_frames is not None and loop.frames >= max_frames:
            loop.ended_because = "max_frames"
            break
        if should_continue is not None and now >= next_check:
            next_check = now + 1.0  # at most one check a second: it may ask the database
            if not should_continue():
                loop.ended_because = "stopped"
                break
        if reader.live:
            health.follow(reader)
        # A timer, not the frames, decides when to flush: a stream that went quiet still
        # writes what it buffered within PIPELINE_FLUSH_SECONDS.
        if recorder.flush_due():
            loop.database_error = _flush(camera_id, recorder, timer)
        t0 = time.perf_counter()
        frame = reader.read(timeout=0.5)
        timer.add("decode", time.perf_counter() - t0)
        if frame is None:
            if reader.live:
                continue
            loop.ended_because = "source_ended"
            session.finished = True
            recorder.end_tracks([t.number for t in pipeline.close_tracks()])
            break
        loop.frames += 1
        loop.first_seconds = frame.seconds if loop.first_seconds is None else loop.first_seconds
        loop.last_seconds = frame.seconds
        loop.last_frame_at = frame.captured_at if reader.live else datetime.now(timezone.utc)
        recorder.consume(pipeline.process(frame))
        previewer.offer(frame.image, pipeline.detector)
        health.beat(time.monotonic())


def _segment_session(camera: Camera, source: str, classifier, *, realtime: bool,
                     keepalive=None) -> CameraSession | SegmentStats:
    """The camera's session, or the "error" result saying clearly why it cannot start.

    `keepalive` (the segment's should_continue) is called while a file is wound
    forward to its resume point, so the chain's lease stays fresh meanwhile."""
    try:
        classifier = classifier or _classifier_get()
        return _session_for(camera, source, classifier, realtime=realtime or camera.replay_realtime,
                            keepalive=keepalive)
    except (OperationalError, InterfaceError):
        raise  # the database is down: the segment chain retries soon
    except Exception as exc:  # unreadable source, missing model...: a clear message, no traceback
        if not isinstance(exc, (SourceError, OSError, ValueError, RuntimeError)):
            log.exception("camera %s: cannot start the pipeline", camera.pk)
        message = f"{source_label(source)}: {exc}" if str(source) not in str(exc) else str(exc)
        camera_health_record(camera_id=camera.pk, state=Camera.State.ERROR, error=message)
        return SegmentStats(0, 0, 0, 0, 0, 0.0, "error", message)


def camera_analysis_source(camera: Camera, source_override: str | None = None) -> str:
    """What the camera's pipeline reads: an override (run_camera --source), else its analysis
    substream when it has one, else its source."""
    return (source_override or camera.analysis_source or camera.source).strip()


def camera_segment_run(*, camera_id: int, segment_id: str, max_seconds: float,
                       should_continue: Callable[[], bool] | None = None,
                       max_frames: int | None = None, source_override: str | None = None,
                       realtime: bool = False, classifier=None) -> SegmentStats:
    """Process one camera for at most `max_seconds` (wall clock) / `max_frames` frames.

    Raises only when the database is unreachable before the segment could start
    (the segment chain catches that and retries); everything else is a result.
    """
    if not connection.in_atomic_block:
        # Long-lived workers: drop a connection the database closed since the last segment.
        close_old_connections()
    try:
        camera = Camera.objects.select_related("location", "exhibit").get(pk=camera_id)
    except Camera.DoesNotExist:
        return SegmentStats(0, 0, 0, 0, 0, 0.0, "error", f"camera {camera_id} does not exist")
    source = camera_analysis_source(camera, source_override)
    started = time.monotonic()
    hours = analysis_hours_for(camera.location)
    if not hours.open_at(datetime.now(timezone.utc)):
        # Outside analysis hours or a staff area: the stream is not even opened.
        camera_health_record(camera_id=camera_id, state=Camera.State.IDLE, fps=0.0)
        idle_while_closed(hours, max_seconds=max_seconds, should_continue=should_continue)
        return SegmentStats(0, 0, 0, 0, 0, 0.0, "duration")
    session = _segment_session(camera, source, classifier, realtime=realtime, keepalive=should_continue)
    if isinstance(session, SegmentStats):
        return session

    reader, recorder = session.reader, session.recorder
    session.pipeline.privacy_update(zones=zone_gate_for(camera), hours=hours)
    previewer = CameraPreviewer(camera)
    health = _Health(camera_id)
    if session.finished and not reader.live:
        health.report(Camera.State.STOPPED, fps=0.0)
        session.segment_id, session.completed = segment_id, True
        _ledger_record(camera_id, session, completed=True)
        with _sessions_lock:
            _sessions[camera_id] = session
        return SegmentStats(0, reader.frames_dropped, 0, 0, 0, 0.0, "source_ended", already_ended=True)

    session.segment_id, session.completed = segment_id, False
    if not reader.live:
        _ledger_record(camera_id, session, completed=False)
    health.report(_READER_STATES.get(reader.state, Camera.State.RUNNING) if reader.live else Camera.State.RUNNING,
                  error="" if not reader.live or reader.state in ("running", "starting") else reader.last_error)

    faces0, events0, visits0 = recorder.totals.faces, recorder.totals.events_written, recorder.totals.visits_written
    dropped0, position0 = reader.frames_dropped, reader.position
    timer = session.pipeline.timer
    timer_start = (dict(timer.seconds), timer.frames)
    loop = _Loop()
    try:
        _frames_process(camera_id, session, health, loop, previewer, started=started, max_seconds=max_seconds,
                        max_frames=max_frames, should_continue=should_continue)
    except Exception as exc:  # the segment reports it; the next segment resumes from the ledger
        log.exception("camera %s: segment %s failed", camera_id, segment_id)
        loop.ended_because, loop.error = "error", f"{type(exc).__name__}: {exc}"

    try:
        loop.database_error = _flush(camera_id, recorder, timer)  # a clean stop flushes everything buffered
    except Exception as exc:
        log.exception("camera %s: final flush failed", camera_id)
        loop.ended_because, loop.error = "error", loop.error or f"{type(exc).__name__}: {exc}"

    elapsed = max(time.monotonic() - started, 1e-6)
    faces = recorder.totals.faces - faces0
    stats = SegmentStats(
        frames=loop.frames, frames_dropped=reader.frames_dropped - dropped0, faces=faces,
        events_written=recorder.totals.events_written - events0,
        visits_written=recorder.totals.visits_written - visits0,
        fps=round(loop.frames / elapsed, 2), ended_because=loop.ended_because,
        input_frames=reader.position - position0, input_fps=round((reader.position - position0) / elapsed, 2),
        error=loop.error or loop.database_error,
        stage_ms={k: round(1000.0 * (v - timer_start[0].get(k, 0.0)) / max(timer.frames - timer_start[1], 1), 3)
                  for k, v in timer.seconds.items()},
    )
    _segment_end(camera_id, session, health, stats, loop)
    return stats


def _segment_end(camera_id: int, session: CameraSession, health: _Health, stats: SegmentStats, loop: _Loop) -> None:
    reader = session.reader
    if stats.ended_because == "error":
        # Not marked completed: the next segment restarts from this one's start state.
        session.close()
        health.report(Camera.State.ERROR, error=stats.error, fps=stats.fps)
        return
    # Rows a down database refused stay in the recorder (and in the ledger's state), so the
    # session stays in step and the next segment writes them.
    session.completed = True
    if not reader.live:
        _ledger_record(camera_id, session, completed=True)
    if stats.ended_because == "stopped":
        session.close()  # a stopped camera releases its stream; a file resumes from the ledger
    else:
        with _sessions_lock:
            _sessions[camera_id] = session
    if stats.ended_because in ("source_ended", "stopped"):
        state = Camera.State.STOPPED
    elif reader.live:
        state = _READER_STATES.get(reader.state, Camera.State.RUNNING)
    else:
        state = Camera.State.RUNNING
    media_minutes = ((loop.last_seconds - loop.first_seconds) / 60.0) if loop.frames > 1 else 0.0
    health.report(
        state, last_frame_at=loop.last_frame_at, fps=stats.fps, input_fps=stats.input_fps,
        frames_dropped=reader.frames_dropped,
        faces_per_minute=round(stats.faces / media_minutes, 2) if media_minutes > 0 else 0.0,
        **({"error": reader.last_error} if state == Camera.State.ERROR else {}),
    )


@dataclass
class RunTotals:
    segments: int = 0
    frames: int = 0
    input_frames: int = 0
    frames_dropped: int = 0
    faces: int = 0
    events_written: int = 0
    visits_written: int = 0
    seconds: float = 0.0
    ended_because: str = ""
    error: str = ""
    stage_ms: dict | None = None
    source_already_ended: bool = False  # the file had been played to its end before this run

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0

    @property
    def input_fps(self) -> float:
        return self.input_frames / self.seconds if self.seconds > 0 else 0.0


def camera_run(*, camera_id: int, source_override: str | None = None, duration: float | None = None,
               max_frames: int | None = None, segment_seconds: float | None = None, realtime: bool = False,
               should_continue: Callable[[], bool] | None = None,
               on_segment: Callable[[SegmentStats], None] | None = None, classifier=None) -> RunTotals:
    """Embedded mode: segment after segment in this process until a limit, a stop or the end of a file."""
    segment_seconds = segment_seconds or settings.PIPELINE_SEGMENT_SECONDS
    totals = RunTotals()
    started = time.monotonic()
    run_token = format(int(time.time() * 1000), "x")
    while True:
        left = None if duration is None else duration - (time.monotonic() - started)
        if left is not None and left <= 0:
            totals.ended_because = "duration"
            break
        frames_left = None if max_frames is None else max_frames - totals.frames
        if frames_left is not None and frames_left <= 0:
            totals.ended_because = "max_frames"
            break
        stats = camera_segment_run(
            camera_id=camera_id, segment_id=f"run-{run_token}-{totals.segments}",
            max_seconds=segment_seconds if left is None else min(segment_seconds, left),
            should_continue=should_continue, max_frames=frames_left, source_override=source_override,
            realtime=realtime, classifier=classifier,
        )
        totals.segments += 1
        for name in ("frames", "input_frames", "frames_dropped", "faces", "events_written", "visits_written"):
            setattr(totals, name, getattr(totals, name) + getattr(stats, name))
        totals.stage_ms = stats.stage_ms or totals.stage_ms
        if on_segment is not None:
            on_segment(stats)
        if stats.ended_because in ("stopped", "source_ended", "error"):
            totals.ended_because, totals.error = stats.ended_because, stats.error
            totals.source_already_ended = stats.already_ended and totals.frames == 0
            break
    totals.seconds = time.monotonic() - started
    return totals
