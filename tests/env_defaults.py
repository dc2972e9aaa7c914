"""Loaded as a pytest plugin (`-p tests.env_defaults`) before Django reads settings.

Gives the test run a secret key and keeps its files out of the real var/ folder.
Anything already set in the environment (DATABASE_URL in CI) wins.
"""
import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("MUSEUM_VAR_DIR", tempfile.mkdtemp(prefix="museum-test-var-"))
# Tests of other behaviours build a handful of rows; the suppression tests set the
# production default (5) themselves (tests/analytics/test_it_suppresses_small_groups.py).
os.environ.setdefault("MIN_GROUP_SIZE", "1")
