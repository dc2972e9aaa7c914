"""manage.py evaluate_model --data FOLDER [--version V]: the metrics.json numbers for any labelled set.

With --scenes, the same faces are pasted into generated camera frames and go through the real
detector, crop and classifier (worker/pipeline/scene_evaluation.py): detection recall, end-to-end
and crop-level figures side by side.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from emotions.model_artifact import ArtifactError
from worker.management.model_command import ModelCommand, load_classifier
from worker.ml.data import DatasetError


class Command(ModelCommand):
    help = ("Accuracy, macro-F1, per-class precision/recall and confusion matrix of a model on a labelled folder; "
            "with --scenes, end to end through the detector on camera-like frames built from those faces.")

    def add_arguments(self, parser):
        parser.add_argument("--data", required=True, type=Path, help="class-folder tree or fer2013.csv")
        self.add_model_arguments(parser, variant_help="one variant only (default: every exported one; "
                                                      "with --scenes: the model's default variant)")
        parser.add_argument("--no-tta", action="store_true", help="one pass per image even if the spec says TTA")
        parser.add_argument("--per-class", type=int, help="at most this many faces per class (the first, by name)")
        parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
        scenes = parser.add_argument_group("scenes (with --scenes)")
        scenes.add_argument("--scenes", action="store_true",
                            help="paste the faces into generated 640x480 frames and run detector, crop and classifier")
        scenes.add_argument("--seed", type=int, default=0, help="scene generator seed (default 0)")
        scenes.add_argument("--margins", default=None,
                            help="crop margins to compare, fractions of the box side added on each side "
                                 "(default -0.1,0,0.1,0.2,0.3; the pipeline's own is always measured)")
        scenes.add_argument("--paste", choices=["ellipse", "square"], default="ellipse",
                            help="blend each face through a soft ellipse (default) or paste its whole square")
        scenes.add_argument("--max-faces", type=int, default=3, help="faces per frame, at most (default 3)")
        scenes.add_argument("--detector", default=None,
                            help="face detector (default: PIPELINE_DETECTOR, as the camera workers use)")
        scenes.add_argument("--record", action="store_true",
                            help="also store the headline figures in the model's metrics.json (key \"scenes\"), "
                                 "where the model card and the About-the-model page read them")

    def handle(self, *args, **opts):
        if opts["per_class"] is not None and opts["per_class"] < 1:
            raise CommandError("--per-class must be at least 1")
        if opts["record"] and not opts["scenes"]:
            raise CommandError("--record goes with --scenes")
        if opts["scenes"]:
            return self._scenes(opts)
        from emotions import model_artifact
        from worker.ml.data import load_labelled
        from worker.ml.evaluate import compute_metrics, format_metrics
        from worker.ml.preprocessing import to_model_input

        base = load_classifier(opts["version"], opts["artifact"], None)
        try:
            dataset = load_labelled(opts["data"], base.input_size, limit_per_class=opts["per_class"])
            variants = [opts["variant"]] if opts["variant"] else model_artifact.available_variants(base.artifact_dir)
            results = {}
            for variant in variants:
                classifier = load_classifier(None, base.artifact_dir, variant)
                if opts["no_tta"]:
                    classifier.tta = False
                scores = classifier.predict_scores(to_model_input(dataset.images))
                results[variant] = {**compute_metrics(dataset.labels, scores), "tta": classifier.tta_mode,
                                    "tta_below": classifier.tta_below if classifier.tta else None,
                                    "dataset": dataset.source}
        except (DatasetError, ArtifactError) as exc:
            raise CommandError(str(exc)) from exc
        for where, reason in dataset.skipped:
            self.stderr.write(f"skipped {where}: {reason}")
        if opts["json"]:
            self.stdout.write(json.dumps({"model": base.name, "metrics": results}, indent=2))
            return
        self.stdout.write(f"model {base.name} ({base.artifact_dir}) on {dataset.source}")
        for variant, metrics in results.items():
            self.stdout.write(format_metrics(variant, metrics))

    def _scenes(self, opts):
        from cameras.models import Camera
        from worker.ml.data import load_labelled
        from worker.pipeline.detector import detector_create
        from worker.pipeline.pipeline import opencv_threads_set
        from worker.pipeline.scene_evaluation import MARGIN_CHOICES, format_scene_report, margins_parse, scenes_evaluate

        if opts["max_faces"] < 1:
            raise CommandError("--max-faces must be at least 1")
        try:
            margins = MARGIN_CHOICES if opts["margins"] is None else margins_parse(opts["margins"])
        except ValueError as exc:
            raise CommandError(f"--margins: {exc}") from None
        # The detector as a camera worker builds it from a new camera's settings (runner.pipeline_for_camera).
        defaults = {name: Camera._meta.get_field(name).default for name in ("detection_width", "min_face_size")}
        try:
            detector = detector_create(opts["detector"] or settings.PIPELINE_DETECTOR, **defaults)
        except (ValueError, RuntimeError) as exc:
            raise CommandError(str(exc)) from None
        opencv_threads_set(settings.PIPELINE_OPENCV_THREADS)
        classifier = load_classifier(opts["version"], opts["artifact"], opts["variant"])
        if opts["no_tta"]:
            classifier = copy.copy(classifier)  # the process-wide active one keeps its TTA
            classifier.tta = False
        try:
            dataset = load_labelled(opts["data"], classifier.input_size, limit_per_class=opts["per_class"])
        except DatasetError as exc:
            raise CommandError(str(exc)) from exc
        for where, reason in dataset.skipped:
            self.stderr.write(f"skipped {where}: {reason}")

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"scenes: {done}/{total} faces placed")

        result = scenes_evaluate(dataset.images, dataset.labels, classifier=classifier, detector=detector,
                                 seed=opts["seed"], margins=margins, paste=opts["paste"],
                                 max_faces=opts["max_faces"], progress=progress)
        model = {"model": classifier.name, "artifact": str(classifier.artifact_dir), "variant": classifier.variant,
                 "tta": classifier.tta_mode, "tta_below": classifier.tta_below if classifier.tta else None,
                 "dataset": dataset.source}
        if opts["record"]:
            from worker.pipeline.scene_evaluation import scenes_record

            scenes_record(classifier.artifact_dir, result, model)
            self.stderr.write(f"recorded in {Path(classifier.artifact_dir) / 'metrics.json'} (\"scenes\")")
        if opts["json"]:
            self.stdout.write(json.dumps({**model, "scenes": result}, indent=2))
            return
        tta = model["tta"] + (f" below {model['tta_below']}" if model["tta_below"] else "")
        self.stdout.write(f"model {classifier.name} ({classifier.artifact_dir}, {classifier.variant}, TTA {tta}) "
                          f"on {dataset.source}")
        self.stdout.write(format_scene_report(result))
