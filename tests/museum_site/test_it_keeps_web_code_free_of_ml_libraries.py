"""The site starts without TensorFlow, OpenCV or pandas: web code never imports them.

The run-time side of the web-code contract in .importlinter: loading the URL
patterns also follows the `include("app.urls")` strings the linter cannot see.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Load every URL pattern (views, API views), the admin registry and the schema
# generator, then report which heavy libraries ended up imported.
SCRIPT = """
import sys, django
django.setup()
from django.urls import get_resolver
from django.contrib import admin
get_resolver().url_patterns
admin.autodiscover()
heavy = sorted(m for m in ("tensorflow", "keras", "cv2", "ai_edge_litert", "pandas") if m in sys.modules)
print(",".join(heavy))
"""


def test_it_serves_urls_and_admin_without_tensorflow_or_opencv():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="museum_site.settings", SECRET_KEY="x")
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"web code imported: {result.stdout.strip()}"
