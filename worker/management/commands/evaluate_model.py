"""manage.py evaluate_model --data FOLDER [--version V]: the metrics.json numbers for any labelled set."""
from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError

from emotions.model_artifact import ArtifactError
from worker.management.model_command import ModelCommand, load_classifier
from worker.ml.data import DatasetError


class Command(ModelCommand):
    help = "Accuracy, macro-F1, per-class precision/recall and confusion matrix of a model on a labelled folder."

    def add_arguments(self, parser):
        parser.add_argument("--data", required=True, type=Path, help="class-folder tree or fer2013.csv")
        self.add_model_arguments(parser, variant_help="one variant only (default: every exported one)")
        parser.add_argument("--no-tta", action="store_true", help="one pass per image even if the spec says TTA")
        parser.add_argument("--json", action="store_true", help="print the metrics as JSON")

    def handle(self, *args, **opts):
        from emotions import model_artifact
        from worker.ml.data import load_labelled
        from worker.ml.evaluate import compute_metrics, format_metrics
        from worker.ml.preprocessing import to_model_input

        base = load_classifier(opts["version"], opts["artifact"], None)
        try:
            dataset = load_labelled(opts["data"], base.input_size)
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
