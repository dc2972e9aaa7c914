"""The README's main job: real video through the real pipeline into the database.

Generates a 640x480 video of three visitors (faces scikit-image ships, so no
download and no committed media), creates a demo location, exhibit and camera
(idempotent), and runs the same pipeline `run_camera` runs, in this process.
Running it again replays the same video with the same keys: nothing is doubled.
"""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from cameras.models import Camera, Exhibit, Location
from worker.management.commands.run_camera import totals_line
from worker.pipeline.runner import camera_run, ledger_reset

DEMO_LOCATION = "Demo Hall"
DEMO_EXHIBIT = "The Astronaut (demo)"
DEMO_CAMERA = "demo-camera"


@transaction.atomic
def demo_camera_ensure(*, source: str) -> Camera:
    location, _ = Location.objects.get_or_create(name=DEMO_LOCATION, defaults={"floor": "0",
                                                 "description": "Created by manage.py run_demo."})
    exhibit, _ = Exhibit.objects.get_or_create(location=location, title=DEMO_EXHIBIT)
    camera, _ = Camera.objects.get_or_create(name=DEMO_CAMERA, defaults={"location": location, "source": source})
    camera.location, camera.exhibit, camera.source = location, exhibit, source
    camera.save(update_fields=["location", "exhibit", "source"])
    return camera


class Command(BaseCommand):
    help = "Generate a demo video and run the real camera pipeline on it (no broker, no webcam needed)."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=24.0, help="length of the generated video")
        parser.add_argument("--video", help="write/read the demo video here (default VAR_DIR/demo/demo.avi)")

    def handle(self, *args, **opts):
        from worker.pipeline.synthetic import demo_video_write

        video = Path(opts["video"] or Path(settings.VAR_DIR) / "demo" / f"demo-{int(opts['seconds'])}s.avi")
        if not video.is_file():
            self.stdout.write(f"Generating {video} ({opts['seconds']:.0f} s, 640x480, 3 visitors)...")
            demo_video_write(video, seconds=opts["seconds"])
        camera = demo_camera_ensure(source=str(video))
        ledger_reset(camera.pk)  # replay from the first frame; same frames, same keys
        self.stdout.write(f"Running the pipeline on camera '{camera.name}' at {camera.location.name}...")
        totals = camera_run(camera_id=camera.pk)
        self.stdout.write(self.style.SUCCESS(f"Demo done: {totals_line(totals)}"))
        if totals.stage_ms:
            stages = " ".join(f"{k}={v:.1f}ms" for k, v in totals.stage_ms.items())
            self.stdout.write(f"Per frame: {stages}")
        if totals.events_written == 0 and totals.ended_because != "error":
            self.stdout.write("(Nothing new written: this video was already recorded by an earlier run.)")
        if totals.error:
            self.stderr.write(f"error: {totals.error}")
