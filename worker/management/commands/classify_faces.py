"""manage.py classify_faces PATH... [--json]: face crops in, one line per file out.

With --json each line is {"file", "emotion", "confidence", "scores"} or
{"file", "error"} for a file that cannot be read; without, a readable table.
Only the LiteRT runtime is loaded (no TensorFlow), so start-up stays fast.
"""
from __future__ import annotations

import json
from pathlib import Path

from worker.management.model_command import ModelCommand, load_classifier

CHUNK = 256  # files decoded and classified together


class Command(ModelCommand):
    help = "Classify face-crop images (files or folders, recursively); one line per file."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--json", action="store_true", help="JSON lines output")
        self.add_model_arguments(parser, variant_help="model variant (default: the spec's)")

    def handle(self, *args, **opts):
        from worker.ml.classify_files import classify_files, expand_paths

        classifier = load_classifier(opts["version"], opts["artifact"], opts["variant"])
        errors = 0
        total = 0
        for result in classify_files(classifier, expand_paths(opts["paths"]), chunk=CHUNK):
            total += 1
            errors += "error" in result
            self.stdout.write(json.dumps(result) if opts["json"] else _text_line(result))
        self.stderr.write(f"{total} file(s), {errors} error(s), model {classifier.name} ({classifier.variant})")


def _text_line(result: dict) -> str:
    if "error" in result:
        return f"{result['file']}\tERROR\t{result['error']}"
    return f"{result['file']}\t{result['emotion']}\t{result['confidence']:.3f}"

