"""A camera worker's health writes that never raise: the database may be down when they happen.

The pipeline and the segment chain report through `camera_health_record`. When
the database cannot be reached the write is dropped, Django's broken connection
is closed (the next query opens a fresh one; otherwise every later query of
this process fails on the dead socket), and the error is kept in memory; the
next write that gets through records it with the time it happened, so the
operator still sees it.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime

from django.db import DatabaseError, connection
from django.utils import timezone

from cameras.services import camera_error_record, camera_restart_record, camera_status_update

log = logging.getLogger(__name__)

# camera id -> (message, when): errors not yet recorded because the database was down.
_unrecorded: dict[int, tuple[str, datetime]] = {}
# camera id -> [(message, when)]: restarts not yet counted because the database was down.
_unrecorded_restarts: dict[int, list[tuple[str, datetime]]] = {}
_lock = threading.Lock()


def database_connection_reset() -> None:
    """Forget this thread's database connection after an error; the next query reconnects."""
    try:
        connection.close()
    except Exception:  # closing a dead socket may fail too; it is gone either way
        log.debug("closing the broken database connection failed", exc_info=True)


def database_error_remember(*, camera_id: int, message: str) -> None:
    """Keep the first error of an outage, with its time, until it can be recorded."""
    with _lock:
        _unrecorded.setdefault(camera_id, (message, timezone.now()))


def unrecorded_error(camera_id: int) -> tuple[str, datetime] | None:
    with _lock:
        return _unrecorded.get(camera_id)


def outage_log(camera_id: int, message: str, *args) -> None:
    """A database failure: WARNING the first time in an outage, DEBUG while it lasts (else the log
    gets a line per flush and per poll). Call it before `database_error_remember`."""
    log.log(logging.DEBUG if unrecorded_error(camera_id) else logging.WARNING, message, *args)


def camera_health_record(*, camera_id: int, state: str, **fields) -> bool:
    """camera_status_update that never raises; False when the database could not be reached.

    An error remembered during an outage goes with the first write that gets
    through (unless this write brings its own error), so it is never lost.
    """
    if _unrecorded_restarts:  # counted first: this write's state is the newer news
        unrecorded_restarts_record()
    pending = unrecorded_error(camera_id)
    if pending is not None and not fields.get("error"):
        message, at = pending
        fields["error"] = f"{message} (at {at:%H:%M:%S} UTC; recovered)"
        fields["error_at"] = at
    try:
        camera_status_update(camera_id=camera_id, state=state, **fields)
    except DatabaseError as exc:
        database_connection_reset()
        outage_log(camera_id, "camera %s: cannot record its state (%s) in the database: %s", camera_id, state, exc)
        database_error_remember(camera_id=camera_id, message=fields.get("error") or f"database unreachable: {exc}")
        return False
    if pending is not None:
        with _lock:
            if _unrecorded.get(camera_id) == pending:
                del _unrecorded[camera_id]
    return True


def camera_error_note(*, camera_id: int, error: str) -> None:
    """Leave a trace of a problem the camera carries on through; never raises."""
    try:
        camera_error_record(camera_id=camera_id, error=error)
    except DatabaseError as exc:
        database_connection_reset()
        outage_log(camera_id, "camera %s: cannot record %r: %s", camera_id, error, exc)
        database_error_remember(camera_id=camera_id, message=error)


def camera_restart_note(*, camera_id: int, error: str) -> bool:
    """Count a restart of the camera's worker or chain; never raises. Kept for
    `unrecorded_restarts_record` when the database is down."""
    try:
        camera_restart_record(camera_id=camera_id, error=error)
    except DatabaseError as exc:
        database_connection_reset()
        log.warning("camera %s: cannot record a restart: %s", camera_id, exc)
        with _lock:
            _unrecorded_restarts.setdefault(camera_id, []).append((error, timezone.now()))
        return False
    return True


def unrecorded_restarts_record() -> None:
    """Count the restarts noted while the database was down (camera_workers calls it every poll)."""
    with _lock:
        pending = {camera_id: list(notes) for camera_id, notes in _unrecorded_restarts.items()}
    for camera_id, notes in pending.items():
        for message, at in notes:
            try:
                camera_restart_record(camera_id=camera_id, error=message, error_at=at)
            except DatabaseError:
                database_connection_reset()
                return
            with _lock:
                _unrecorded_restarts[camera_id].remove((message, at))
                if not _unrecorded_restarts[camera_id]:
                    del _unrecorded_restarts[camera_id]
