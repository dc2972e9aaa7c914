"""Base for the commands that run a trained model: --version / --artifact / --variant."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from museum_site.db_ready import require_migrated_database
from emotions.model_artifact import ArtifactError


class ModelCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        # Our --version names a ModelVersion; it replaces Django's --version (the Django version).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_model_arguments(self, parser, *, variant_help: str):
        parser.add_argument("--version", help="ModelVersion name (default: the active model)")
        parser.add_argument("--artifact", type=Path, help="artifact folder instead of a ModelVersion")
        parser.add_argument("--variant", choices=["float", "int8"], help=variant_help)


def load_classifier(version: str | None, artifact_dir: Path | None, variant: str | None):
    """The classifier a command asked for: --artifact, --version, or the active model."""
    from emotions.models import ModelVersion
    from emotions.services.model_versions import model_version_artifact_path
    from worker.ml.active import classifier_options, get_active_classifier
    from worker.ml.classifier import EmotionClassifier

    if artifact_dir is None:
        require_migrated_database()  # ModelVersion rows name the model
    try:
        if artifact_dir is not None:
            return EmotionClassifier(artifact_dir, variant=variant, **classifier_options())
        if version is not None:
            found = ModelVersion.objects.filter(name=version).first()
            if found is None:
                known = ", ".join(ModelVersion.objects.values_list("name", flat=True)) or "none"
                raise CommandError(f"no ModelVersion named {version!r} (known: {known})")
            classifier = EmotionClassifier(
                model_version_artifact_path(model_version=found), variant=variant, **classifier_options()
            )
            classifier.model_version_id, classifier.name = found.pk, found.name
            return classifier
        active = get_active_classifier()
        if variant and variant != active.variant:
            return EmotionClassifier(active.artifact_dir, variant=variant, **classifier_options())
        return active
    except ArtifactError as exc:
        raise CommandError(str(exc)) from exc
