"""A camera's work under Celery: a chain of bounded segments on the camera's own queue.

`camera_chain_start` begins a chain (if none holds the camera's lease, see
worker/chain.py); each `camera_segment` task runs the pipeline for at most
PIPELINE_SEGMENT_SECONDS through `camera_segment_process`, which publishes the
next segment while the camera is enabled. The pipeline reports the camera's
health; this module adds what only the chain knows (retries, stops).

Delivery guarantees, and where they come from:
- acks_late: a segment whose worker process dies is delivered again as soon
  as camera_workers notices (camera_segments_requeue_unacked), or else after
  the broker's visibility timeout. (reject_on_worker_lost is kept for a worker
  started by hand with a forking pool: its main process requeues at once.)
- The pipeline flushes in transactions with idempotency keys, so a redelivered
  segment adds only what was not flushed before, never a duplicate.
- The next segment is published *before* this one is marked done and acked; a
  redelivered message that finds its segment already done drops itself, so the
  chain never forks.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import redis
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError

from cameras.models import Camera
from worker import chain
from worker.health import (
    camera_error_note,
    camera_health_record,
    camera_restart_note,
    database_connection_reset,
    database_error_remember,
    outage_log,
)
from worker.selectors import camera_is_enabled

log = logging.getLogger(__name__)

# A running segment asks "still enabled? still my lease? drain?" at most this
# often (the runner calls should_continue about once a second; waits poll twice a second).
POLL_SECONDS = 0.5
# Back-off between segments after source errors: 2, 4, 8 ... 60 s.
RETRY_FIRST_SECONDS = 2.0
RETRY_MAX_SECONDS = 60.0
# The database or the broker unreachable: they come back in seconds (a restart), so
# retry every 1-2 s rather than backing off for a minute.
INFRA_RETRY_MAX_SECONDS = 2.0
# How long a finished segment keeps trying to publish the next one while the broker is down.
CONTINUE_PATIENCE_SECONDS = 600.0
# A segment that has ended its worker process this many times is skipped.
MAX_SEGMENT_ATTEMPTS = 3
# Kept free below the soft time limit for start-up and the final flush.
SOFT_LIMIT_MARGIN_SECONDS = 20.0
SOFT_LIMIT_MESSAGE = "segment exceeded CELERY_TASK_SOFT_TIME_LIMIT (a source read hung?)"
CAMERA_SEGMENT_TASK = "worker.camera_segment"  # the name worker.tasks registers camera_segment under


@dataclass(frozen=True)
class NextSegment:
    index: int
    failures: int = 0
    wait_seconds: float = 0.0   # the next segment waits this long (still polling) before it runs


@dataclass
class SegmentOutcome:
    """What one `camera_segment` task did; logged, and returned as the task's result."""

    camera_id: int
    chain_token: str
    index: int
    action: str              # "continued" | "retrying" | "parked" | "stopped" | "dropped"
    reason: str
    stats: dict = field(default_factory=dict)
    next_segment: NextSegment | None = None

    def as_dict(self) -> dict:
        return {
            "camera_id": self.camera_id, "chain_token": self.chain_token, "index": self.index,
            "action": self.action, "reason": self.reason, "stats": self.stats,
            "next_index": self.next_segment.index if self.next_segment else None,
        }


def camera_queue_name(camera_id: int) -> str:
    return Camera(pk=camera_id).queue_name


def segment_id_for(*, camera_id: int, chain_token: str, index: int) -> str:
    """Stable across redeliveries of one message: the pipeline derives its idempotency keys from it."""
    return f"cam{camera_id}-{chain_token}-{index}"


def retry_delay_seconds(failures: int, *, infrastructure: bool = False) -> float:
    """Back-off before the segment after `failures` failed ones in a row.

    `infrastructure`: the failure was the database or the broker being unreachable.
    """
    if failures <= 0:
        return 0.0
    if infrastructure:
        return min(RETRY_FIRST_SECONDS / 2 * 2 ** (failures - 1), INFRA_RETRY_MAX_SECONDS)
    return min(RETRY_FIRST_SECONDS * 2 ** (failures - 1), RETRY_MAX_SECONDS)


def is_infrastructure_error(exc: BaseException) -> bool:
    """The database or the broker could not be reached (as opposed to a bug or a bad source)."""
    from kombu.exceptions import OperationalError as BrokerError

    return isinstance(exc, (OperationalError, InterfaceError, redis.RedisError, BrokerError, ConnectionError,
                            TimeoutError))


def camera_segment_enqueue(*, camera_id: int, chain_token: str, next_segment: NextSegment) -> None:
    # Published by name: worker.tasks imports this module, so this module doesn't import it.
    from museum_site.celery_app import app

    app.send_task(
        CAMERA_SEGMENT_TASK,
        kwargs={"camera_id": camera_id, "chain_token": chain_token, "index": next_segment.index,
                "failures": next_segment.failures, "wait_seconds": next_segment.wait_seconds},
        queue=camera_queue_name(camera_id),
    )


def camera_chain_start(*, camera_id: int) -> str | None:
    """Start the camera's segment chain unless one already holds it; the new chain's token, or None.

    Safe to call as often as you like (camera_workers calls it every poll): a
    running chain keeps its lease alive, so repeated calls start nothing.
    """
    token = chain.lease_acquire_new(camera_id)
    if token is None:
        return None
    camera_segment_enqueue(camera_id=camera_id, chain_token=token, next_segment=NextSegment(index=0))
    log.info("camera %s: started segment chain %s", camera_id, token)
    return token


def camera_chain_take_over(*, camera_id: int, stale_seconds: float | None = None) -> str | None:
    """Replace a chain that stopped refreshing its lease (dead or stuck) with a new one; its token, or None.

    `stale_seconds=0` replaces the chain however fresh its lease (camera_workers, when it
    restarts the chain's worker anyway)."""
    stale = chain.LEASE_STALE_SECONDS if stale_seconds is None else stale_seconds
    token = chain.lease_take_over_stale(camera_id, stale_seconds=stale)
    if token is None:
        return None
    camera_segment_enqueue(camera_id=camera_id, chain_token=token, next_segment=NextSegment(index=0))
    if stale_seconds is None:
        log.warning("camera %s: its segment chain showed no sign of life for %.0fs; started chain %s",
                    camera_id, chain.LEASE_STALE_SECONDS, token)
    else:
        log.info("camera %s: replaced its segment chain with chain %s", camera_id, token)
    return token


def camera_segments_requeue_unacked(*, camera_id: int) -> int:
    """Put the segments a dead camera worker had taken, but not acked, back in the camera's queue now.

    The broker would do it by itself, but only after its visibility timeout
    (minutes). camera_workers calls this when a camera's only worker died, so
    no live process can still be running those segments. Returns how many.
    """
    from kombu.utils.json import loads

    from museum_site.celery_app import app

    queue = camera_queue_name(camera_id)
    restored = 0
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        for tag, raw in channel.client.hgetall(channel.unacked_key).items():
            try:
                _payload, _exchange, routing_key = loads(raw)
            except (ValueError, TypeError):
                continue
            if routing_key == queue:
                # kombu's own restore: same transaction and "redelivered" flag as its timeout sweep.
                channel.qos.restore_by_tag(tag, client=channel.client)
                restored += 1
    return restored


class SegmentWatch:
    """The pipeline's `should_continue`: cheap; asks the DB and Redis at most every POLL_SECONDS.

    Ends the segment when the camera is disabled, when another chain holds the
    lease, when camera_workers asks to drain, or at the deadline. Each poll
    also refreshes this chain's lease (the heartbeat).
    """

    def __init__(self, *, camera_id: int, chain_token: str, poll_seconds: float = POLL_SECONDS):
        self.camera_id = camera_id
        self.chain_token = chain_token
        self.poll_seconds = poll_seconds
        self.stop_reason = ""
        self._next_poll = 0.0
        self._broker_down = False

    def __call__(self) -> bool:
        if self.stop_reason:
            return False
        now = time.monotonic()
        if now < self._next_poll:
            return True
        self._next_poll = now + self.poll_seconds
        try:
            enabled = camera_is_enabled(camera_id=self.camera_id)
        except DatabaseError as exc:
            # A database blip should not stop the camera. Drop the broken connection, or
            # every later query of this process (the next flush) fails on it too.
            database_connection_reset()
            outage_log(self.camera_id, "camera %s: cannot read enabled flag (%s); carrying on", self.camera_id, exc)
            database_error_remember(camera_id=self.camera_id, message=f"database unreachable: {exc}")
            enabled = True
        try:
            ours, drain = chain.heartbeat(self.camera_id, self.chain_token)
            if self._broker_down:
                log.info("camera %s: Redis reachable again", self.camera_id)
            self._broker_down = False
        except redis.RedisError as exc:
            if not self._broker_down:  # once per outage, not once a second
                log.warning("camera %s: cannot reach Redis for the lease (%s); carrying on", self.camera_id, exc)
                camera_error_note(camera_id=self.camera_id, error=f"broker unreachable ({exc}); the segment "
                                                                  "carries on without it")
            self._broker_down = True
            ours, drain = True, False
        if not enabled:
            self.stop_reason = "disabled"
        elif not ours:
            self.stop_reason = "lease_lost"
        elif drain:
            self.stop_reason = "drain"
        return not self.stop_reason

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds` while still polling; False if the segment should stop instead."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self():
                return False
            time.sleep(min(0.25, max(0.0, deadline - time.monotonic())))
        return self()


def _segment_seconds(*, waited: float) -> float:
    budget = float(settings.CELERY_TASK_SOFT_TIME_LIMIT) - SOFT_LIMIT_MARGIN_SECONDS - waited
    return max(1.0, min(float(settings.PIPELINE_SEGMENT_SECONDS), budget))


def _run_pipeline(*, camera_id: int, segment_id: str, max_seconds: float, watch: SegmentWatch):
    """camera_segment_run, with every failure turned into an "error" result instead of an exception."""
    # Imported here so the worker's parent process (and the web site) never loads OpenCV/TF.
    from worker.pipeline.runner import SegmentStats, camera_segment_run

    try:
        return camera_segment_run(camera_id=camera_id, segment_id=segment_id, max_seconds=max_seconds,
                                  should_continue=watch)
    except SoftTimeLimitExceeded:
        log.error("camera %s: segment %s hit the soft time limit", camera_id, segment_id)
        return SegmentStats(frames=0, frames_dropped=0, faces=0, events_written=0, visits_written=0, fps=0.0,
                            ended_because="error", error=SOFT_LIMIT_MESSAGE)
    except Exception as exc:  # the chain must survive any pipeline bug; the traceback goes to the log
        infrastructure = is_infrastructure_error(exc)
        if isinstance(exc, DatabaseError):
            database_connection_reset()
        if infrastructure:
            log.error("camera %s: segment %s: %s: %s", camera_id, segment_id, type(exc).__name__, exc)
        else:
            log.exception("camera %s: segment %s failed", camera_id, segment_id)
        return SegmentStats(frames=0, frames_dropped=0, faces=0, events_written=0, visits_written=0, fps=0.0,
                            ended_because="error", error=f"{type(exc).__name__}: {exc}",
                            infrastructure=infrastructure)


def _stats_dict(stats) -> dict:
    return {
        "frames": stats.frames, "frames_dropped": stats.frames_dropped, "faces": stats.faces,
        "events_written": stats.events_written, "visits_written": stats.visits_written,
        "fps": round(stats.fps, 2), "ended_because": stats.ended_because, "error": stats.error,
    }


def _chain_continue(outcome: SegmentOutcome, next_segment: NextSegment) -> SegmentOutcome:
    """Publish the next segment, then mark this one done; keeps trying while the broker is down."""
    deadline = time.monotonic() + CONTINUE_PATIENCE_SECONDS
    pause = 0.5
    reported = False
    while True:
        try:
            # Publish first, mark done second: a crash in between redelivers this
            # segment, which then publishes a second copy of the next one; the copy
            # that runs later finds that index done and drops. The other order could
            # lose the chain.
            camera_segment_enqueue(camera_id=outcome.camera_id, chain_token=outcome.chain_token,
                                   next_segment=next_segment)
            chain.segment_done_mark(outcome.camera_id, outcome.chain_token, outcome.index)
            break
        except SoftTimeLimitExceeded:
            _chain_abandon(outcome, "the broker stayed unreachable until the segment's time limit")
            return outcome
        except Exception as exc:
            if not is_infrastructure_error(exc) or time.monotonic() >= deadline:
                _chain_abandon(outcome, f"cannot publish the next segment: {type(exc).__name__}: {exc}")
                return outcome
            if not reported:
                reported = True
                log.error("camera %s: broker unreachable, cannot continue the chain yet (%s); retrying",
                          outcome.camera_id, exc)
                camera_health_record(camera_id=outcome.camera_id, state=Camera.State.ERROR,
                                     error=f"broker unreachable: {exc} (retrying)")
            time.sleep(pause)
            pause = min(pause * 2, INFRA_RETRY_MAX_SECONDS)
    if reported:
        log.info("camera %s: broker reachable again; chain continues", outcome.camera_id)
    outcome.next_segment = next_segment
    return outcome


def _chain_abandon(outcome: SegmentOutcome, message: str) -> None:
    """The chain cannot go on: say so, and free the lease so camera_workers starts a new one at once."""
    log.error("camera %s: segment chain %s ends: %s", outcome.camera_id, outcome.chain_token, message)
    outcome.action, outcome.reason = "abandoned", message
    camera_health_record(camera_id=outcome.camera_id, state=Camera.State.ERROR, error=message)
    try:
        chain.lease_release(outcome.camera_id, outcome.chain_token)
    except Exception as exc:  # camera_workers takes the stale lease over instead
        log.warning("camera %s: cannot release the lease: %s", outcome.camera_id, exc)


def _chain_stop(outcome: SegmentOutcome) -> SegmentOutcome:
    """The camera was disabled: end the chain and say so in its state."""
    chain.segment_done_mark(outcome.camera_id, outcome.chain_token, outcome.index)
    chain.lease_release(outcome.camera_id, outcome.chain_token)
    camera_health_record(camera_id=outcome.camera_id, state=Camera.State.STOPPED)
    return outcome


def camera_segment_process(*, camera_id: int, chain_token: str, index: int, failures: int = 0,
                           wait_seconds: float = 0.0, redelivered: bool = False) -> SegmentOutcome:
    """Run one segment of a camera's chain and decide what comes next; never raises.

    The pipeline (runner.camera_segment_run) reports the camera's health itself;
    this adds what only the chain knows: retries, stops, and a parked chain. Any
    exception (database or broker down, a bug) is caught here, at the segment's
    edge: it is recorded on the camera (or remembered until the database is
    back) and the chain goes on after a back-off, so a camera never dies silently.
    """
    outcome = SegmentOutcome(camera_id=camera_id, chain_token=chain_token, index=index, action="dropped", reason="")
    try:
        return _segment_process(outcome, failures=failures, wait_seconds=wait_seconds, redelivered=redelivered)
    except Exception as exc:  # the edge: nothing may end the chain unseen
        return _segment_failed(outcome, exc, failures=failures)


def _segment_failed(outcome: SegmentOutcome, exc: Exception, *, failures: int) -> SegmentOutcome:
    infrastructure = is_infrastructure_error(exc)
    if isinstance(exc, DatabaseError):
        database_connection_reset()
    message = f"{type(exc).__name__}: {exc}".strip()
    if infrastructure:
        log.error("camera %s: segment %s: %s", outcome.camera_id, outcome.index, message)
    else:
        log.exception("camera %s: segment %s failed", outcome.camera_id, outcome.index)
    delay = retry_delay_seconds(failures + 1, infrastructure=infrastructure)
    camera_health_record(camera_id=outcome.camera_id, state=Camera.State.ERROR,
                         error=f"{message} (retrying in {delay:.0f}s)")
    outcome.action, outcome.reason = "retrying", message
    return _chain_continue(outcome, NextSegment(index=outcome.index + 1, failures=failures + 1, wait_seconds=delay))


def _segment_process(outcome: SegmentOutcome, *, failures: int, wait_seconds: float,
                     redelivered: bool) -> SegmentOutcome:
    camera_id, chain_token, index = outcome.camera_id, outcome.chain_token, outcome.index
    camera = Camera.objects.filter(pk=camera_id).only("pk", "enabled").first()
    if camera is None:
        chain.lease_release(camera_id, chain_token)
        outcome.reason = "camera deleted"
        return outcome
    if not chain.lease_claim(camera_id, chain_token):
        outcome.reason = "another chain holds this camera"
        return outcome
    if chain.segment_done_index(camera_id, chain_token) >= index:
        outcome.reason = "segment already done (redelivered after it finished)"
        return outcome
    if not camera.enabled:
        outcome.action, outcome.reason = "stopped", "disabled"
        return _chain_stop(outcome)
    if redelivered:
        # A replay, not a copy of a finished segment: the operator sees it (a count and a time).
        camera_restart_note(camera_id=camera_id, error=f"segment {index} delivered again: the process running "
                                                       "it died; replaying it")

    attempts = chain.segment_attempt_count(camera_id, chain_token, index)
    if attempts > MAX_SEGMENT_ATTEMPTS:
        message = f"segment {index} ended its worker process {attempts - 1} times; skipped"
        log.error("camera %s: %s", camera_id, message)
        camera_health_record(camera_id=camera_id, state=Camera.State.ERROR, error=message)
        outcome.action, outcome.reason = "retrying", message
        return _chain_continue(outcome, NextSegment(index=index + 1, failures=failures + 1,
                                                    wait_seconds=retry_delay_seconds(failures + 1)))

    watch = SegmentWatch(camera_id=camera_id, chain_token=chain_token)
    wait_seconds = max(0.0, min(float(wait_seconds), RETRY_MAX_SECONDS))
    if wait_seconds and not watch.wait(wait_seconds):
        return _segment_stopped(outcome, watch.stop_reason, failures=failures)

    segment_id = segment_id_for(camera_id=camera_id, chain_token=chain_token, index=index)
    stats = _run_pipeline(camera_id=camera_id, segment_id=segment_id,
                          max_seconds=_segment_seconds(waited=wait_seconds), watch=watch)
    outcome.stats = _stats_dict(stats)
    # A parked chain's periodic check of an ended file is not news; the segment that saw the end is.
    idle = stats.ended_because == "source_ended" and stats.frames == 0 and wait_seconds > 0 and not failures
    log.log(logging.DEBUG if idle else logging.INFO,
            "camera %s: segment %s: %s frames (%s read, %s dropped), %s faces, %s events, %s visits, %.1f fps, "
            "ended: %s%s", camera_id, segment_id, stats.frames, stats.input_frames, stats.frames_dropped, stats.faces,
            stats.events_written, stats.visits_written, stats.fps, stats.ended_because,
            f" ({stats.error})" if stats.error else "")

    if stats.ended_because == "error":
        if SoftTimeLimitExceeded.__name__ in stats.error:  # raised inside the pipeline, which flushed and reported it
            stats.error = outcome.stats["error"] = SOFT_LIMIT_MESSAGE
        delay = retry_delay_seconds(failures + 1, infrastructure=stats.infrastructure)
        camera_health_record(camera_id=camera_id, state=Camera.State.ERROR,
                             error=f"{stats.error or 'pipeline error'} (retrying in {delay:.0f}s)")
        outcome.action, outcome.reason = "retrying", stats.error
        return _chain_continue(outcome, NextSegment(index=index + 1, failures=failures + 1, wait_seconds=delay))
    if stats.ended_because == "stopped" and watch.stop_reason:
        return _segment_stopped(outcome, watch.stop_reason, failures=0)
    if stats.ended_because == "source_ended":
        # A replayed file plays once. The chain stays parked (one no-op segment
        # per segment length) rather than ending, so the camera still answers
        # to its switch and the supervisor does not keep starting new chains.
        outcome.action, outcome.reason = "parked", "source ended"
        return _chain_continue(outcome, NextSegment(index=index + 1,
                                                    wait_seconds=float(settings.PIPELINE_SEGMENT_SECONDS)))
    outcome.action, outcome.reason = "continued", stats.ended_because
    return _chain_continue(outcome, NextSegment(index=index + 1))


def _segment_stopped(outcome: SegmentOutcome, reason: str, *, failures: int) -> SegmentOutcome:
    outcome.reason = reason
    if reason == "lease_lost":
        # Another chain runs this camera now; its lease and the camera's state are its own.
        outcome.action = "dropped"
        return outcome
    if reason == "drain":
        # camera_workers is stopping this worker but the camera stays enabled:
        # leave the next segment queued so the chain resumes when a worker returns.
        outcome.action = "continued"
        return _chain_continue(outcome, NextSegment(index=outcome.index + 1, failures=failures,
                                                    wait_seconds=retry_delay_seconds(failures)))
    outcome.action = "stopped"
    return _chain_stop(outcome)
