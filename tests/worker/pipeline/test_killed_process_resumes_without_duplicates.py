"""A run_camera process killed with SIGKILL mid-segment: the next run resumes the file from the
segment's start, and the camera's rows end up exactly as after one clean run (PostgreSQL)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from emotions.models import EmotionEvent
from tests.conftest import require_service
from tests.factories import CameraFactory, LocationFactory
from tests.worker.pipeline.test_redelivered_segment_writes_no_duplicates import _snapshot
from tests.worker.videos import walkers_video
from worker.pipeline.runner import camera_segment_run, ledger_read

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_it_resumes_a_killed_process_without_losing_or_doubling(tmp_path):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL (DATABASE_URL): the killed process and the test share the database")
    from tests.worker.celery.conftest import database_url_for_subprocess

    video = walkers_video(tmp_path / "walk.avi", 2, frames=200, sizes=(110, 90), seed=5)
    location = LocationFactory()
    reference = CameraFactory(name="reference", location=location, source=str(video.path))
    killed = CameraFactory(name="killed", location=location, source=str(video.path))
    assert camera_segment_run(camera_id=reference.pk, segment_id="r", max_seconds=120).ended_because == "source_ended"

    env = {**os.environ, "DATABASE_URL": database_url_for_subprocess(), "MUSEUM_VAR_DIR": str(settings.VAR_DIR),
           "PIPELINE_FLUSH_SECONDS": "0.3"}
    process = subprocess.Popen(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "run_camera", str(killed.pk), "--realtime"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while EmotionEvent.objects.filter(camera=killed).count() < 10:
            assert process.poll() is None, process.stdout.read().decode()[-2000:]
            assert time.monotonic() < deadline, "no events from the run_camera process"
            time.sleep(0.2)
        process.send_signal(signal.SIGKILL)  # mid-video: the paced 8 s file is far from done
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    written_before_kill = EmotionEvent.objects.filter(camera=killed).count()
    assert ledger_read(killed.pk)["completed"] is False

    resumed = camera_segment_run(camera_id=killed.pk, segment_id="after-kill", max_seconds=120)

    assert resumed.ended_because == "source_ended"
    assert EmotionEvent.objects.filter(camera=killed).count() > written_before_kill
    assert _snapshot(killed) == _snapshot(reference)
