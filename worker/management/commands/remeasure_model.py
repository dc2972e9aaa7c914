"""manage.py remeasure_model --artifact DIR --data VAL [--add-class-weights]: measure a model again, no training.

For an artifact written before an inference step it now needs existed: the TTA is chosen again
on VAL and metrics.json and the confusion-matrix plot are rewritten (docs/model.md says how the
shipped model's were). Use the validation set the model was chosen on, not the museum's test data.
"""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from emotions.model_artifact import ArtifactError
from worker.ml.data import DatasetError


class Command(BaseCommand):
    help = "Choose the TTA again and rewrite metrics.json of an artifact folder, measured on a labelled set."

    def add_arguments(self, parser):
        parser.add_argument("--artifact", required=True, type=Path, help="artifact folder (spec.json, .tflite)")
        parser.add_argument("--data", required=True, type=Path, help="the validation set: class folders or fer2013.csv")
        parser.add_argument("--add-class-weights", action="store_true",
                            help="record the class weights training used (from the spec's class counts)")

    def handle(self, *args, **opts):
        from emotions import model_artifact
        from worker.ml.data import load_labelled
        from worker.ml.train import remeasure_artifact

        try:
            spec = model_artifact.read_spec(opts["artifact"])
            if not model_artifact.available_variants(opts["artifact"]):
                raise ArtifactError(f"no .tflite model in {opts['artifact']}")
            dataset = load_labelled(opts["data"], spec["input_size"])
            for where, reason in dataset.skipped:
                self.stderr.write(f"skipped {where}: {reason}")
            remeasure_artifact(opts["artifact"], dataset, add_class_weights=opts["add_class_weights"],
                               log=self.stdout.write)
        except (ArtifactError, DatasetError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"rewrote {opts['artifact']}/spec.json, metrics.json and the confusion matrix")
