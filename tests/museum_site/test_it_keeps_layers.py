"""The README's "may import" table holds: every import-linter contract in .importlinter is kept.

The contracts: apps import only downwards (worker > analytics > emotions > cameras),
museum_site imports no app, web code never reaches tensorflow/keras/cv2/ai_edge_litert/
pandas, the pipeline core and the ML code import no Django, and no import cycles.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def test_it_keeps_every_import_contract():
    # --no-cache: nothing written into the checkout; the whole check takes well under a second.
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, f"lint-imports found broken contracts:\n{result.stdout}\n{result.stderr}"
    assert "0 broken" in result.stdout, result.stdout
