"""ModelVersion admin: metrics table, the artifact's PNG plots inline, and "make active".

Reads only JSON and PNG files from the artifact folder: no TensorFlow here.
"""
from __future__ import annotations

import base64

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from emotions import model_artifact
from emotions.model_artifact import ArtifactError
from emotions.models import ModelVersion
from emotions.services.model_versions import (
    model_version_activate,
    model_version_artifact_path,
    model_version_files_replaced,
    shipped_model_name,
)

PLOTS = ((model_artifact.CURVES_PNG, "Training curves"), (model_artifact.CONFUSION_PNG, "Confusion matrix"))
MAX_PLOT_BYTES = 2_000_000  # inline data: URIs; a bigger file is not a plot we wrote


def _tta_label(tta) -> str:
    """metrics.json's "tta": a mode name ("hflip-zoom"); artifacts before modes had a boolean."""
    if isinstance(tta, bool):
        return "hflip" if tta else "none"
    return str(tta or "none")


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "accuracy", "macro_f1", "training_seconds", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "notes", "data_source")
    actions = ("make_active",)
    readonly_fields = (
        "name", "artifact_dir", "created_at", "is_active", "accuracy", "macro_f1", "training_seconds",
        "data_source", "metrics_table", "per_class_table", "plots",
    )
    fields = readonly_fields + ("notes",)

    class Media:
        # A stylesheet, not style attributes: the Content-Security-Policy allows no inline styles.
        css = {"all": ("emotions/model-version-admin.css",)}

    def has_add_permission(self, request):
        return False  # versions come from `manage.py retrain`

    @admin.action(description="Make active (the model every classifier loads)")
    def make_active(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one model version to make active.", messages.ERROR)
            return
        version = queryset.get()
        try:
            model_version_activate(model_version=version)
        except ArtifactError as exc:
            self.message_user(request, f"Not activated: {exc}", messages.ERROR)
            return
        self.message_user(
            request,
            f"{version.name} is now the active model; camera workers load it when they restart.",
            messages.SUCCESS,
        )

    @admin.display(description="Metrics per variant")
    def metrics_table(self, obj: ModelVersion):
        if not obj.metrics:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (variant, f"{m.get('accuracy', 0.0):.4f}", f"{m.get('macro_f1', 0.0):.4f}", m.get("samples", ""),
                 _tta_label(m.get("tta")))
                for variant, m in obj.metrics.items()
            ),
        )
        return format_html(
            "<table><tr><th>variant</th><th>accuracy</th><th>macro-F1</th><th>images</th><th>TTA</th></tr>{}</table>",
            rows,
        )

    @admin.display(description="Per class (the variant classifiers load)")
    def per_class_table(self, obj: ModelVersion):
        metrics = (obj.metrics or {}).get("int8") or (obj.metrics or {}).get("float")
        if not metrics or "per_class" not in metrics:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (label, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", row["support"])
                for label, row in metrics["per_class"].items()
            ),
        )
        return format_html(
            "<table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>{}</table>",
            rows,
        )

    @admin.display(description="Plots")
    def plots(self, obj: ModelVersion):
        if model_version_files_replaced(model_version=obj):
            # The folder now holds the newer shipped model: its plots are not this model's.
            return format_html("<p>Not available: an upgrade replaced this shipped model's files with {}.</p>",
                               shipped_model_name())
        folder = model_version_artifact_path(model_version=obj)
        parts = []
        for file_name, title in PLOTS:
            path = folder / file_name
            if not path.is_file() or path.stat().st_size > MAX_PLOT_BYTES:
                parts.append(format_html("<p>{}: not found at {}</p>", title, path))
                continue
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            parts.append(
                format_html(
                    '<figure class="model-plot"><figcaption>{}</figcaption>'
                    '<img alt="{}" src="data:image/png;base64,{}"></figure>',
                    title, title, data,
                )
            )
        return mark_safe("".join(parts))  # each part was built with format_html
