"""Admin registrations (see emotions/admin/__init__.py)."""
