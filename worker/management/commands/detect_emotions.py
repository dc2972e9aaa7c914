"""manage.py detect_emotions PATH... [--json]: faces and emotions in images and videos.

One line per detected face; with --json each line is {"file", "frame",
"time_ms", "bbox", "track_id", "emotion", "confidence", "scores"}, and an
unreadable input gives {"file", "error"}. Folders are searched recursively.
In a video a face's emotion is its track's scores averaged over the last
`--smoothing-seconds` (EMOTION_SMOOTHING_SECONDS), as the cameras log it; an image is read on its own.
Nothing is written to the database or to disk.
"""
from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from museum_site.db_ready import require_migrated_database


class Command(BaseCommand):
    help = "Detect faces and classify their emotions in image/video files (or folders, recursively)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--json", action="store_true", help="JSON lines output")
        parser.add_argument("--detector", default=getattr(settings, "PIPELINE_DETECTOR", "haar"))
        parser.add_argument("--detect-every", type=int, default=1,
                            help="run the detector every n-th video frame (default 1: every frame)")
        parser.add_argument("--detection-width", type=int, default=640)
        parser.add_argument("--min-face-size", type=int, default=24)
        parser.add_argument("--smoothing-seconds", type=float, default=settings.EMOTION_SMOOTHING_SECONDS,
                            help="videos: a face's emotion is its scores averaged over about this many seconds "
                                 "of its track (default EMOTION_SMOOTHING_SECONDS; 0: every frame on its own)")
        parser.add_argument("--camera", help="name or id of the camera the files come from: its privacy zones apply")

    def handle(self, *args, **opts):
        require_migrated_database()
        from worker.ml.active import get_active_classifier
        from worker.pipeline.detector import detector_create
        from worker.pipeline.file_faces import faces_in_files
        from worker.pipeline.pipeline import FacePipeline

        if opts["detect_every"] < 1:
            raise CommandError("--detect-every must be at least 1")
        if not 0 <= opts["smoothing_seconds"] <= 60:
            raise CommandError("--smoothing-seconds must be between 0 (off) and 60")
        try:
            detector_create(opts["detector"])
        except (ValueError, RuntimeError) as exc:
            raise CommandError(str(exc)) from None
        zones = self._camera_zones(opts["camera"]) if opts["camera"] else None
        classifier = get_active_classifier()

        def pipeline_factory() -> FacePipeline:
            detector = detector_create(opts["detector"], detection_width=opts["detection_width"],
                                       min_face_size=opts["min_face_size"])
            # classify_interval=0: every detected face on every detection frame gets a line.
            return FacePipeline(detector=detector, classifier=classifier, detect_every=opts["detect_every"],
                                classify_interval=0.0, zones=zones, smoothing_seconds=opts["smoothing_seconds"])

        faces = errors = 0
        for line in faces_in_files(opts["paths"], pipeline_factory):
            errors += "error" in line
            faces += "error" not in line
            if opts["json"]:
                self.stdout.write(json.dumps(line))
            elif "error" in line:
                self.stdout.write(f"{line['file']}\tERROR\t{line['error']}")
            else:
                x, y, w, h = line["bbox"]
                self.stdout.write(f"{line['file']}\tframe {line['frame']}\t{line['time_ms']} ms\t"
                                  f"face {line['track_id']} at {x},{y} {w}x{h}\t{line['emotion']} "
                                  f"{line['confidence']:.2f}")
        self.stderr.write(f"{faces} face(s), {errors} unreadable input(s), model {getattr(classifier, 'name', '?')}")

    @staticmethod
    def _camera_zones(name_or_id: str):
        from cameras.models import Camera
        from worker.pipeline.camera_gates import zone_gate_for

        cameras = Camera.objects.select_related("location")
        camera = (cameras.filter(pk=int(name_or_id)).first() if name_or_id.isdigit() else None) or \
            cameras.filter(name=name_or_id).first()
        if camera is None:
            raise CommandError(f"no camera named or numbered {name_or_id!r}")
        if camera.location.staff_area:
            raise CommandError(f"{camera.location.name} is a staff area: its images may not be analysed")
        return zone_gate_for(camera)
