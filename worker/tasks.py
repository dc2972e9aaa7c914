"""Celery tasks. Each camera's worker consumes only its own queue, `camera.<id>`."""
from __future__ import annotations

import logging

from celery import shared_task

from worker.services import CAMERA_SEGMENT_TASK, camera_segment_process

log = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name=CAMERA_SEGMENT_TASK,
    # Ack after the segment, and requeue it if the process running it dies:
    # the pipeline's idempotency keys make the second run add only what was lost.
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def camera_segment(self, *, camera_id: int, chain_token: str, index: int = 0, failures: int = 0,
                   wait_seconds: float = 0.0) -> dict:
    """One bounded stretch of a camera's work; publishes the next while the camera is enabled."""
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    if redelivered:
        log.warning("camera %s: segment %s of chain %s delivered again (its worker died?); replaying it "
                    "unless it had finished", camera_id, index, chain_token)
    return camera_segment_process(
        camera_id=int(camera_id), chain_token=str(chain_token), index=int(index), failures=int(failures),
        wait_seconds=float(wait_seconds), redelivered=redelivered,
    ).as_dict()
