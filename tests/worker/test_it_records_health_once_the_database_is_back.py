"""Health writes of a camera worker never raise: while its database connection is dead they are
kept, the connection is replaced, and the error and the restart count are written once it answers."""
from __future__ import annotations

import psycopg
import pytest
from django.db import connection

from cameras.models import Camera
from tests.conftest import require_service
from tests.factories import CameraFactory
from worker import health

pytestmark = pytest.mark.integration


def _kill_this_connection() -> None:
    """What a PostgreSQL restart does to a worker's open connection, done from outside."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                         password=db["PASSWORD"] or None, dbname=db["NAME"], autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_it_keeps_what_it_could_not_write_and_writes_it_later(transactional_db):
    if connection.vendor != "postgresql":
        require_service("needs PostgreSQL: set DATABASE_URL=postgres://...")
    camera = CameraFactory(enabled=True, state=Camera.State.RUNNING)

    _kill_this_connection()
    assert health.camera_health_record(camera_id=camera.pk, state=Camera.State.ERROR,
                                       error="broker unreachable") is False
    message, failed_at = health.unrecorded_error(camera.pk)
    assert message == "broker unreachable"
    _kill_this_connection()
    assert health.camera_restart_note(camera_id=camera.pk, error="camera worker exited (exit code -9)") is False

    # The next write goes through on a fresh connection and brings what was kept.
    assert health.camera_health_record(camera_id=camera.pk, state=Camera.State.RUNNING, heartbeat=True) is True
    camera.refresh_from_db()
    assert camera.state == Camera.State.RUNNING and camera.restarts == 1
    assert camera.last_error.startswith("broker unreachable (at ") and camera.last_error.endswith("recovered)")
    assert camera.last_error_at == failed_at
    assert health.unrecorded_error(camera.pk) is None
