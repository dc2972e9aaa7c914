"""manage.py retrain --data PATH [--val PATH] [--epochs N] ...: train, export, register a ModelVersion."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from emotions.model_artifact import ArtifactError
from emotions.models import ModelVersion
from museum_site.db_ready import require_migrated_database
from worker.ml.data import DatasetError


class Command(BaseCommand):
    help = (
        "Train the emotion model on a folder (one sub-folder per emotion) or a Kaggle fer2013.csv, "
        "write a versioned artifact folder and register it as a ModelVersion."
    )

    def add_arguments(self, parser):
        from worker.ml.preprocessing import TTA_VIEWS

        parser.add_argument("--data", required=True, type=Path, help="class-folder tree or fer2013.csv")
        parser.add_argument("--val", type=Path, help="separate labelled validation folder (or CSV)")
        parser.add_argument("--epochs", type=int, default=30)
        parser.add_argument("--batch-size", type=int, default=64)
        parser.add_argument("--seed", type=int, default=1337)
        parser.add_argument("--learning-rate", type=float, default=2e-3, help="peak of the one-cycle schedule")
        parser.add_argument("--weight-decay", type=float, default=1e-2, help="AdamW decoupled weight decay")
        parser.add_argument("--patience", type=int, default=8, help="early stopping, epochs")
        parser.add_argument(
            "--time-budget-minutes", type=float,
            help="fit the learning-rate schedule to this much training time and stop within it (--epochs is the cap)",
        )
        parser.add_argument("--val-fraction", type=float, default=0.1, help="split when there is no --val/Usage")
        parser.add_argument("--output", type=Path, help="artifact folder (default MODEL_ARTIFACTS_DIR/<name>)")
        parser.add_argument("--name", help="ModelVersion name (default fer-vgg-YYYYmmdd-HHMM)")
        parser.add_argument("--resume", action="store_true", help="continue the run in --output from its checkpoint")
        parser.add_argument(
            "--tta", choices=["auto", *TTA_VIEWS], default="auto",
            help="test-time augmentation the model is measured and used with; auto (default): the cheapest "
                 "mode and threshold within 0.1 point of the best on the validation set",
        )
        parser.add_argument(
            "--tta-below", type=float,
            help="with a --tta mode: apply it only to faces whose first pass scores below this (default: every face)",
        )
        parser.add_argument("--no-tta", action="store_true", help="same as --tta none")
        parser.add_argument("--no-int8", action="store_true", help="skip the int8 export")
        parser.add_argument("--limit-per-class", type=int, help="use at most N images per class (smoke runs)")
        parser.add_argument("--activate", action="store_true", help="make the new version the active model")
        parser.add_argument("--no-cache", action="store_true", help="decode images again instead of var/cache")
        parser.add_argument(
            "--init-from", type=Path,
            help="fine-tune: start from this artifact folder's float .tflite (e.g. worker/ml/shipped_model)",
        )
        parser.add_argument(
            "--camera-augment", type=float, default=0.0,
            help="probability (0-1) of each camera effect in training augmentation: blur, a face captured small",
        )
        parser.add_argument(
            "--cycle-epochs", type=int, default=0,
            help="cosine warm restarts every N epochs (peak --learning-rate) and the cycle ends' weights "
            "averaged at the end, kept if better on validation; --epochs should be a multiple of N",
        )

        parser.add_argument(
            "--distill-from", type=Path,
            help="train towards this artifact's scores averaged over its four test-time views (soft labels), "
            "mixed with the true labels; e.g. worker/ml/shipped_model",
        )
        parser.add_argument(
            "--distill-weight", type=float, default=0.5,
            help="with --distill-from: share of the teacher in the target, (0, 1] (default 0.5)",
        )

    def handle(self, *args, **opts):
        # Imported here so `manage.py help` and the web never load TensorFlow.
        from emotions.services.model_versions import model_version_register
        from worker.ml.train import TrainConfig, run_retrain

        if opts["epochs"] < 1 or opts["batch_size"] < 1:
            raise CommandError("--epochs and --batch-size must be at least 1")
        if opts["tta_below"] is not None:
            if opts["tta"] == "auto" or opts["no_tta"]:
                raise CommandError("--tta-below goes with a --tta mode (auto chooses its own threshold)")
            if not 0 < opts["tta_below"] <= 1:
                raise CommandError(f"--tta-below must be a score in (0, 1], got {opts['tta_below']}")
        if opts["cycle_epochs"] < 0 or (opts["cycle_epochs"] and opts["time_budget_minutes"]):
            raise CommandError("--cycle-epochs must be >= 0 and does not go with --time-budget-minutes (it sets its own schedule)")
        if not 0 <= opts["camera_augment"] <= 1:
            raise CommandError(f"--camera-augment must be a probability in [0, 1], got {opts['camera_augment']}")
        if opts["init_from"] and not (opts["init_from"] / "model_float.tflite").is_file():
            raise CommandError(f"--init-from {opts['init_from']}: no model_float.tflite there (an artifact folder is needed)")
        teacher = opts["distill_from"]
        if teacher and not any((teacher / f"model_{v}.tflite").is_file() for v in ("float", "int8")):
            raise CommandError(f"--distill-from {teacher}: no model .tflite there (an artifact folder is needed)")
        if not 0 < opts["distill_weight"] <= 1:
            raise CommandError(f"--distill-weight must be in (0, 1], got {opts['distill_weight']}")
        if opts["resume"] and not opts["output"]:
            raise CommandError("--resume needs --output: the folder of the run to continue")
        name = opts["name"] or (opts["output"].name if opts["output"] else f"fer-vgg-{datetime.now():%Y%m%d-%H%M}")
        output = opts["output"] or Path(settings.MODEL_ARTIFACTS_DIR) / name
        has_checkpoint = (output / "checkpoints" / "state.json").exists()
        if opts["resume"] and not has_checkpoint:
            raise CommandError(f"nothing to resume: no checkpoint in {output / 'checkpoints'}")
        if has_checkpoint and not opts["resume"]:
            raise CommandError(f"{output} already holds a training run: pass --resume to continue it, or another --output")
        # Checked before hours of training, not after.
        require_migrated_database()
        if ModelVersion.objects.filter(name=name).exists():
            raise CommandError(f"a ModelVersion named {name!r} exists already: pass another --name")
        config = TrainConfig(
            epochs=opts["epochs"],
            batch_size=opts["batch_size"],
            seed=opts["seed"],
            learning_rate=opts["learning_rate"],
            weight_decay=opts["weight_decay"],
            patience=opts["patience"],
            tta="none" if opts["no_tta"] else opts["tta"],
            tta_below=opts["tta_below"],
            time_budget_s=opts["time_budget_minutes"] * 60 if opts["time_budget_minutes"] else None,
            init_from=str(opts["init_from"]) if opts["init_from"] else None,
            cycle_epochs=opts["cycle_epochs"],
            camera_augment=opts["camera_augment"],
            distill_from=str(opts["distill_from"]) if opts["distill_from"] else None,
            distill_weight=opts["distill_weight"],
            verbose=1 if opts["verbosity"] >= 1 else 0,
        )
        try:
            result = run_retrain(
                opts["data"],
                output,
                config,
                val=opts["val"],
                val_fraction=opts["val_fraction"],
                limit_per_class=opts["limit_per_class"],
                cache_dir=None if opts["no_cache"] else Path(settings.VAR_DIR) / "cache" / "datasets",
                resume=opts["resume"],
                int8=not opts["no_int8"],
                name=name,
                log=lambda line: self.stdout.write(line),
            )
            version = model_version_register(
                name=name,
                artifact_dir=result.artifact_dir,
                training_seconds=result.training_seconds,
                activate=opts["activate"],
            )
        except (DatasetError, ArtifactError) as exc:
            raise CommandError(str(exc)) from exc
        for variant, metrics in result.metrics.items():
            self.stdout.write(f"{variant}: accuracy {metrics['accuracy']:.4f}, macro-F1 {metrics['macro_f1']:.4f}")
        self.stdout.write(
            self.style.SUCCESS(
                f"ModelVersion {version.name!r} (id {version.pk}{', active' if version.is_active else ''}) "
                f"-> {result.artifact_dir}"
            )
        )
