"""The agent's run: settings and model from the server, the shared pipeline on the local source,
every flush into the local queue, the sender and the heartbeat in the background."""
from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from edge_agent import VERSION
from edge_agent.client import ServerClient
from edge_agent.model_cache import ModelCache, NoModel
from edge_agent.outbox import Outbox
from edge_agent.pipeline_config import (
    NoSettings,
    analysis_source_for,
    camera_settings_get,
    pipeline_for_settings,
    recorder_for_settings,
)
from edge_agent.sender import Heartbeat, Sender
from emotions.recording_rows import EventRow, RecordingResult, VisitRow
from worker.pipeline.sources import SourceError, reader_open, source_kind

log = logging.getLogger(__name__)

# The ingest takes client ids of at most 60 characters; 56 hex digits of the
# recorder's SHA-256 keys keep them unique.
CLIENT_ID_LENGTH = 56


@dataclass
class AgentConfig:
    server: str
    token: str
    camera: str = ""
    source: str = ""
    cache_dir: Path = Path("var/edge-agent")
    realtime: bool = False
    clock_anchor: datetime | None = None
    threads: int = 1
    tta: bool | None = None
    detector: str = "haar"
    smoothing_seconds: float = 1.0
    flush_seconds: float = 2.0
    heartbeat_seconds: float = 15.0
    max_queue: int = 20000
    drain_timeout: float = 300.0
    max_frames: int | None = None
    retry_seconds: float = 5.0


class AgentError(Exception):
    """The agent can't run as configured; the message says why."""


def visit_item(row: VisitRow) -> dict:
    return {"id": row.visit_key[:CLIENT_ID_LENGTH], "track_id": row.track_id,
            "started_at": row.started_at.isoformat(), "ended_at": row.ended_at.isoformat(),
            "dwell_seconds": row.dwell_seconds, "frames_classified": row.frames_classified,
            "mean_scores": row.mean_scores, "dominant_emotion": row.dominant_emotion}


def event_item(row: EventRow) -> dict:
    return {"id": row.event_key[:CLIENT_ID_LENGTH], "timestamp": row.timestamp.isoformat(),
            "emotion": row.emotion, "confidence": row.confidence, "scores": row.scores,
            "track_id": row.track_id, "visit": row.visit_key[:CLIENT_ID_LENGTH]}


def outbox_writer(outbox: Outbox, sender: Sender, *, model_version: int | None = None):
    """The recorder's writer: a flush becomes one queued batch (never fails, never blocks on the network).

    Rows carry the server's id of the model that classified them, as the server's own workers record it."""
    stamp = {"model_version": model_version} if model_version else {}

    def write(visits: list[VisitRow], events: list[EventRow]) -> RecordingResult:
        queued = outbox.put({"visits": [{**visit_item(v), **stamp} for v in visits],
                             "events": [{**event_item(e), **stamp} for e in events]})
        if not queued:
            log.error("local queue full (%d batches): a batch of %d visits and %d events was dropped",
                      outbox.max_batches, len(visits), len(events))
        sender.wake.set()
        return RecordingResult(visits_new=len(visits) if queued else 0, events_new=len(events) if queued else 0,
                               visit_ids={})
    return write


def track_prefix_for(source: str) -> str:
    """Track ids: a file's path and size (a replay gives the same ids), a live source's start time."""
    if source_kind(source) == "file":
        path = Path(source).expanduser().resolve()
        size = path.stat().st_size if path.exists() else 0
        return "f" + hashlib.sha256(f"{path}|{size}".encode()).hexdigest()[:10]
    return "l" + format(int(time.time() * 1000), "x")


class Agent:
    def __init__(self, config: AgentConfig):
        self.config = config
        self.client = ServerClient(config.server, config.token, user_agent=f"edge-agent/{VERSION}")
        self.stop_asked = False
        self.frames = 0
        self.started = time.monotonic()
        self.error = ""
        self.reader = None
        self.classifier = None
        self.sender: Sender | None = None
        self.outbox: Outbox | None = None

    def _until_ready(self, what: str, get):
        """Settings and model: retried while the server is unreachable and nothing is cached."""
        while True:
            try:
                return get()
            except (NoSettings, NoModel) as exc:
                if "refused" in str(exc):
                    raise AgentError(str(exc)) from exc
                self.error = str(exc)
                log.warning("%s not available yet, retrying in %.0f s: %s", what, self.config.retry_seconds, exc)
            if self.stop_asked:
                raise AgentError(f"stopped before the {what} was available: {self.error}")
            time.sleep(self.config.retry_seconds)

    def report(self) -> dict:
        """The heartbeat's body."""
        state = "running"
        if self.stop_asked or self.reader is None:
            state = "stopped" if self.stop_asked else "running"
        elif self.sender is not None and self.sender.unreachable:
            state = "buffering"
        elif getattr(self.reader, "live", False) and self.reader.state in ("reconnecting", "error"):
            state = self.reader.state
        elapsed = max(time.monotonic() - self.started, 1e-6)
        error = self.error or (self.sender.refused if self.sender else "") or getattr(self.reader, "last_error", "")
        return {"state": state, "agent_version": VERSION, "queued": len(self.outbox) if self.outbox else 0,
                "dropped": self.outbox.dropped if self.outbox else 0, "fps": round(self.frames / elapsed, 2),
                "frames": self.frames, "model_sha256": getattr(self.classifier, "sha256", ""),
                "last_error": (error or "")[:2000]}

    def run(self) -> int:
        config = self.config
        cache_dir = Path(config.cache_dir)
        cache_dir.mkdir(parents=True, exist_ok=True)
        settings = self._until_ready("camera settings", lambda: camera_settings_get(self.client, cache_dir))
        if config.camera and config.camera not in (settings["name"], str(settings["id"])):
            raise AgentError(f"this device's token belongs to camera {settings['name']!r}, not {config.camera!r}")
        models = ModelCache(cache_dir, num_threads=config.threads, tta=config.tta)
        self.classifier = self._until_ready("model", lambda: models.classifier(self.client))
        self.error = models.problem
        source = analysis_source_for(settings, config.source)
        self.outbox = Outbox(cache_dir / "outbox.sqlite3", max_batches=config.max_queue)
        self.sender = Sender(self.client, self.outbox)
        pipeline = pipeline_for_settings(settings, self.classifier, detector=config.detector,
                                         smoothing_seconds=config.smoothing_seconds)
        recorder = recorder_for_settings(settings, track_prefix=track_prefix_for(source),
                                         writer=outbox_writer(self.outbox, self.sender,
                                                             model_version=self.classifier.model_version_id),
                                         flush_seconds=config.flush_seconds)
        try:
            self.reader = reader_open(source, clock_anchor=config.clock_anchor,
                                      realtime=config.realtime or settings.get("replay_realtime", False),
                                      gate=pipeline.gate.due)  # only frames due for analysis are decoded
        except SourceError as exc:
            raise AgentError(str(exc)) from exc
        heartbeat = Heartbeat(self.client, self.report, every=config.heartbeat_seconds)
        self.sender.start()
        heartbeat.start()
        log.info("camera %r (%s): source %s, model %s; %d batches queued from before",
                 settings["name"], settings["id"], source, self.classifier.name, len(self.outbox))
        self.started = time.monotonic()  # fps counts the frames' time, not the start-up's
        try:
            ended = self._frames(pipeline, recorder)
            recorder.flush()
            if ended:
                log.info("source ended after %d frames; sending what is queued (up to %.0f s)",
                         self.frames, config.drain_timeout)
            drained = self.sender.drained(config.drain_timeout if ended else min(config.drain_timeout, 5.0))
            if not drained:
                log.warning("%d batches still queued; they are sent on the next start", len(self.outbox))
        finally:
            self.stop_asked = True
            self.reader.close()
            heartbeat.stopping.set()
            self.sender.stopping.set()
            self.sender.wake.set()
            heartbeat.beat()  # "stopped", if the server can hear it
            self.sender.join(timeout=15)
            summary = self.report()
            self.outbox.close()
        log.info("frames=%d fps=%.1f visits=%d events=%d queued=%d dropped=%d", self.frames, summary["fps"],
                 recorder.totals.visits_written, recorder.totals.events_written, summary["queued"], summary["dropped"])
        return 0

    def _frames(self, pipeline, recorder) -> bool:
        """Frames until a stop or the end of a file (True)."""
        reader = self.reader
        while not self.stop_asked:
            if self.config.max_frames is not None and self.frames >= self.config.max_frames:
                return False
            if recorder.flush_due():
                recorder.flush()
            frame = reader.read(timeout=0.5)
            if frame is None:
                if reader.live:
                    continue
                recorder.end_tracks([t.number for t in pipeline.close_tracks()])
                return True
            self.frames += 1
            recorder.consume(pipeline.process(frame))
        return False
