"""`python manage.py camera_workers`: run the Celery workers of the enabled cameras until stopped."""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from worker.supervisor import POLL_SECONDS, CameraWorkerSupervisor


class Command(BaseCommand):
    help = (
        "Start Celery worker processes for the enabled cameras (each camera on its own queue camera.<id>, "
        "up to CAMERAS_PER_WORKER cameras a process, a thread each), start/stop them as cameras are "
        "enabled/disabled in the admin, and restart any that dies. Stop with SIGTERM or Ctrl-C: running "
        "segments flush before their workers exit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--poll-seconds", type=float, default=POLL_SECONDS,
                            help=f"How often to re-read which cameras are enabled and check the workers "
                                 f"(default {POLL_SECONDS}: a dead worker is back within about a second).")
        parser.add_argument("--stop-timeout", type=float, default=30.0,
                            help="Seconds a worker gets to finish its segments before it is killed (default 30).")
        parser.add_argument("--restart-backoff", type=float, default=1.0,
                            help="First wait before restarting a dead worker; doubles up to 60 s (default 1).")
        parser.add_argument("--cameras-per-worker", type=int, default=None,
                            help=f"Cameras sharing one worker process (default CAMERAS_PER_WORKER, now "
                                 f"{settings.CAMERAS_PER_WORKER}); 1 runs every camera in a process of its own.")
        parser.add_argument("--worker-loglevel", default="INFO", help="Celery worker log level (default INFO).")

    def handle(self, *args, poll_seconds, stop_timeout, restart_backoff, cameras_per_worker, worker_loglevel,
               **options):
        if poll_seconds <= 0 or stop_timeout <= 0 or restart_backoff <= 0:
            raise CommandError("--poll-seconds, --stop-timeout and --restart-backoff must be positive")
        if cameras_per_worker is not None and cameras_per_worker < 1:
            raise CommandError("--cameras-per-worker must be at least 1")
        logging.getLogger("worker").setLevel(logging.INFO)
        CameraWorkerSupervisor(
            poll_seconds=poll_seconds, stop_timeout=stop_timeout, restart_first_seconds=restart_backoff,
            cameras_per_worker=cameras_per_worker, loglevel=worker_loglevel, out=self.stdout,
        ).run()
