"""EARLIEST_EVENT_DATE, MAX_CLOCK_SKEW_SECONDS and the ingest limits come from the environment, with defaults; bad values stop start-up naming the variable."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from museum_site.env import env_date

REPO = Path(__file__).resolve().parents[2]
VARIABLES = ("EARLIEST_EVENT_DATE", "MAX_CLOCK_SKEW_SECONDS", "INGEST_MAX_ITEMS", "INGEST_MAX_BYTES", "DATABASE_URL")

PRINT_BOUNDS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps([settings.EARLIEST_EVENT_DATE.isoformat(), settings.MAX_CLOCK_SKEW_SECONDS, "
    "settings.INGEST_MAX_ITEMS, settings.INGEST_MAX_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE]))"
)


def _bounds(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    clean.update(env, SECRET_KEY="x", MUSEUM_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="museum_site.settings")
    return subprocess.run(
        [sys.executable, "-c", PRINT_BOUNDS], cwd=REPO, env=clean, capture_output=True, text=True, timeout=60
    )


def test_it_has_working_defaults(tmp_path):
    result = _bounds(tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["2000-01-01", 300, 10_000, 8_388_608, 8_388_608]


def test_it_takes_them_from_the_environment(tmp_path):
    result = _bounds(
        tmp_path, EARLIEST_EVENT_DATE="2015-06-01", MAX_CLOCK_SKEW_SECONDS="60",
        INGEST_MAX_ITEMS="500", INGEST_MAX_BYTES="1000000",
    )
    assert result.returncode == 0, result.stderr
    # Django's own upload limit never drops below its 2.5 MB default.
    assert json.loads(result.stdout) == ["2015-06-01", 60, 500, 1_000_000, 2_621_440]


@pytest.mark.parametrize(
    ("env", "says"),
    [({"EARLIEST_EVENT_DATE": "01/06/2015"}, "EARLIEST_EVENT_DATE='01/06/2015' is not a date"),
     ({"MAX_CLOCK_SKEW_SECONDS": "-1"}, "MAX_CLOCK_SKEW_SECONDS=-1 must not be negative"),
     ({"INGEST_MAX_ITEMS": "0"}, "must be positive")],
)
def test_it_refuses_bad_values_naming_them(tmp_path, env, says):
    result = _bounds(tmp_path, **env)
    assert result.returncode != 0 and says in result.stderr


def test_env_date_reads_iso_dates(monkeypatch):
    monkeypatch.setenv("X_DATE", " 2020-02-29 ")
    assert env_date("X_DATE", date(2000, 1, 1)) == date(2020, 2, 29)
    monkeypatch.delenv("X_DATE")
    assert env_date("X_DATE", date(2000, 1, 1)) == date(2000, 1, 1)
