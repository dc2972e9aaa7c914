"""Admin for the emotions app, one module per model group."""
# Each module registers its own ModelAdmin classes on import.
from emotions.admin import audit, events, model_versions, visits  # noqa: F401
