"""Background threads: one sends the queued batches in order, one reports heartbeats."""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from edge_agent.client import ServerClient, ServerUnreachable
from edge_agent.outbox import Outbox

log = logging.getLogger(__name__)

SENT, REJECTED, REFUSED = "sent", "rejected", "refused"


class Sender(threading.Thread):
    """Sends the oldest batch until the server has it: visits, then the events that name them.

    Unreachable server (or 5xx/429): wait (0.5 s doubling to `max_backoff`) and try the
    same batch again; the ingest is idempotent, so a batch the server stored just before
    the connection broke adds nothing the second time. 400/413: the server will never
    take it: dropped and counted. 401/403: a token problem staff must fix: kept, retried.
    """

    def __init__(self, client: ServerClient, outbox: Outbox, *, max_backoff: float = 5.0):
        super().__init__(name="edge-sender", daemon=True)
        self.client, self.outbox, self.max_backoff = client, outbox, max_backoff
        self.stopping = threading.Event()
        self.wake = threading.Event()
        self.unreachable = ""   # why the last try failed, while it does
        self.refused = ""       # the server's 401/403, while it does
        self.sent_batches = 0

    def _post(self, path: str, items: list) -> str:
        if not items:
            return SENT
        answer = self.client.post_json(path, items)
        if answer.status in (200, 201):
            return SENT
        if answer.status in (401, 403):
            self.refused = f"{path}: HTTP {answer.status} {answer.body}"
            return REFUSED
        log.error("server refused a batch for good (%s HTTP %s): %.500s; dropped", path, answer.status, answer.body)
        return REJECTED

    def _send(self, body: dict) -> str:
        outcome = self._post("/api/visits/", body.get("visits", []))
        if outcome == SENT:
            outcome = self._post("/api/events/", body.get("events", []))
        return outcome

    def run(self) -> None:
        backoff = 0.5
        while not self.stopping.is_set():
            item = self.outbox.oldest()
            if item is None:
                self.wake.wait(1.0)
                self.wake.clear()
                continue
            seq, body = item
            try:
                outcome = self._send(body)
            except ServerUnreachable as exc:
                if not self.unreachable:
                    log.warning("server unreachable, buffering (%d batches queued): %s", len(self.outbox), exc)
                self.unreachable = str(exc)
                self.stopping.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                continue
            if self.unreachable:
                log.info("server back; draining %d queued batches", len(self.outbox))
            self.unreachable = ""
            backoff = 0.5
            if outcome == REFUSED:
                self.stopping.wait(self.max_backoff)
                continue
            self.refused = ""
            self.outbox.remove(seq, dropped=outcome == REJECTED)
            self.sent_batches += outcome == SENT

    def drained(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for an empty queue."""
        deadline = time.monotonic() + timeout
        self.wake.set()
        while len(self.outbox) and time.monotonic() < deadline:
            time.sleep(0.2)
        return not len(self.outbox)


class Heartbeat(threading.Thread):
    """POST /api/device/heartbeat/ every `every` seconds with what `report()` says."""

    def __init__(self, client: ServerClient, report: Callable[[], dict], *, every: float = 15.0):
        super().__init__(name="edge-heartbeat", daemon=True)
        self.client, self.report, self.every = client, report, every
        self.stopping = threading.Event()
        self.last_answer = None

    def beat(self) -> None:
        try:
            answer = self.client.post_json("/api/device/heartbeat/", self.report())
            self.last_answer = answer.status
            if answer.status != 200:
                log.warning("heartbeat refused: HTTP %s %.300s", answer.status, answer.body)
        except ServerUnreachable:
            self.last_answer = None  # the sender says so in the log

    def run(self) -> None:
        while not self.stopping.is_set():
            self.beat()
            self.stopping.wait(self.every)
