"""The local queue: every recorder flush is a batch in SQLite until the server has it.

Batches are sent in the order they were made (visits before the events that
name them). The queue is bounded: when it holds `max_batches`, a new batch is
dropped and counted (the oldest, already waiting, are dropped last), and so is a
batch the server refuses as invalid (400: sending it again can't help). The
counter survives restarts (it lives in the same file).
"""
from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path


class Outbox:
    def __init__(self, path: Path, *, max_batches: int = 20000):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.max_batches = max_batches
        self._lock = threading.Lock()
        # One connection shared by the threads, each use under the lock.
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a power cut keeps what was queued
        self._db.execute("CREATE TABLE IF NOT EXISTS batch (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)")
        self._db.execute("CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
        self._db.execute("INSERT OR IGNORE INTO counter VALUES ('dropped', 0)")

    def put(self, body: dict) -> bool:
        """Queue a batch; False (and counted as dropped) when the queue is full."""
        text = json.dumps(body, separators=(",", ":"))
        with self._lock:
            if self._db.execute("SELECT COUNT(*) FROM batch").fetchone()[0] >= self.max_batches:
                self._db.execute("UPDATE counter SET value = value + 1 WHERE name = 'dropped'")
                return False
            self._db.execute("INSERT INTO batch (body) VALUES (?)", (text,))
            return True

    def oldest(self) -> tuple[int, dict] | None:
        with self._lock:
            row = self._db.execute("SELECT seq, body FROM batch ORDER BY seq LIMIT 1").fetchone()
        return (row[0], json.loads(row[1])) if row else None

    def remove(self, seq: int, *, dropped: bool = False) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM batch WHERE seq = ?", (seq,))
            if dropped:
                self._db.execute("UPDATE counter SET value = value + 1 WHERE name = 'dropped'")
            self._db.execute("COMMIT")

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM batch").fetchone()[0]

    @property
    def dropped(self) -> int:
        with self._lock:
            return self._db.execute("SELECT value FROM counter WHERE name = 'dropped'").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
