"""Embedded mode: run one camera's pipeline in this process, no broker needed.

    python manage.py run_camera "Entrance cam" --duration 60
    python manage.py run_camera 3 --source replay.mp4 --max-frames 500
"""
from __future__ import annotations

import shlex
import signal

from django.core.management.base import BaseCommand, CommandError

from cameras.models import Camera
from museum_site.db_ready import require_migrated_database
from worker.pipeline.runner import RunTotals, SegmentStats, camera_run, ledger_reset


def camera_lookup(value: str) -> Camera:
    """A camera by id or by name, or a CommandError that lists the choices."""
    camera = None
    if value.isdigit():
        camera = Camera.objects.filter(pk=int(value)).first()
    camera = camera or Camera.objects.filter(name=value).first()
    if camera is None:
        names = ", ".join(f"{c.pk}: {c.name}" for c in Camera.objects.all()[:20]) or "none yet (add one in admin)"
        raise CommandError(f"no camera {value!r}; cameras: {names}")
    return camera


def totals_line(totals: RunTotals) -> str:
    return (f"frames={totals.frames} fps={totals.fps:.1f} input_frames={totals.input_frames} "
            f"input_fps={totals.input_fps:.1f} dropped={totals.frames_dropped} faces={totals.faces} "
            f"visits={totals.visits_written} events={totals.events_written} segments={totals.segments} "
            f"ended={totals.ended_because}")


class Command(BaseCommand):
    help = "Run a camera's face/emotion pipeline in this process (embedded mode, no Celery)."

    def add_arguments(self, parser):
        parser.add_argument("camera", help="camera id or name")
        parser.add_argument("--source", help="read this URL/device/file instead of the camera's source")
        limit = parser.add_mutually_exclusive_group()
        limit.add_argument("--max-frames", type=int, help="stop after this many analysed frames")
        limit.add_argument("--duration", type=float, help="stop after this many seconds")
        parser.add_argument("--realtime", action="store_true", help="pace a video file to its own frame rate")
        parser.add_argument(
            "--restart", action="store_true",
            help="replay a video file from its first frame. A file plays once per camera: a later run "
                 "resumes where the last one stopped, and one that reached the end reads nothing. A replay "
                 "gives every frame the same time and every event and visit the same key as the first play, "
                 "so it adds nothing already stored (events are not counted twice); it writes only what an "
                 "interrupted earlier run did not.")
        parser.add_argument("--segment-seconds", type=float, help="flush/report interval of the segments")

    def handle(self, *args, **opts):
        require_migrated_database()
        self.verbosity = opts["verbosity"]
        camera = camera_lookup(opts["camera"])
        if opts["max_frames"] is not None and opts["max_frames"] <= 0:
            raise CommandError("--max-frames must be positive")
        if opts["duration"] is not None and opts["duration"] <= 0:
            raise CommandError("--duration must be positive")
        if opts["restart"]:
            ledger_reset(camera.pk)
        stop = {"asked": False}

        def ask_stop(signum, frame):  # finish the frame, flush, then exit
            stop["asked"] = True

        previous = {s: signal.signal(s, ask_stop) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            totals = camera_run(
                camera_id=camera.pk, source_override=opts["source"], duration=opts["duration"],
                max_frames=opts["max_frames"], segment_seconds=opts["segment_seconds"], realtime=opts["realtime"],
                should_continue=lambda: not stop["asked"], on_segment=self._segment_report,
            )
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
        self.stdout.write(f"{camera.name}: {totals_line(totals)}")
        if totals.source_already_ended:
            self.stdout.write(self.style.WARNING(self._replay_hint(camera, opts)))
        if totals.ended_because == "error":
            raise CommandError(f"camera {camera.name}: {totals.error}")

    @staticmethod
    def _replay_hint(camera: Camera, opts: dict) -> str:
        source = (opts["source"] or camera.source).strip()
        again = ["manage.py", "run_camera", opts["camera"]] + (["--source", opts["source"]] if opts["source"] else [])
        return (f"Nothing to read: {source} was already played to its end on camera {camera.name!r} by an "
                f"earlier run (a file plays once per camera; later runs resume where the last one stopped).\n"
                f"To replay it from the first frame: {shlex.join(again + ['--restart'])}\n"
                "A replay writes the same event and visit keys with the same times, so nothing already "
                "stored is counted twice.")

    def _segment_report(self, stats: SegmentStats) -> None:
        if self.verbosity >= 2:
            self.stdout.write(f"  segment: frames={stats.frames} fps={stats.fps:.2f} input_frames={stats.input_frames} "
                              f"input_fps={stats.input_fps:.2f} dropped={stats.frames_dropped} faces={stats.faces} "
                              f"visits={stats.visits_written} events={stats.events_written} ended={stats.ended_because}")
            self.stdout.flush()
