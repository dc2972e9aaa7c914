"""Settings come from the environment, with working embedded defaults."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from museum_site.env import env_bool, env_float, env_int, env_list

REPO = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), 'host': db.get('HOST', ''), "
    "'port': db.get('PORT', ''), 'tz': settings.TIME_ZONE, 'use_tz': settings.USE_TZ, "
    "'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS, 'broker': settings.CELERY_BROKER_URL}))"
)


def load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "TIME_ZONE",
                                                             "ALLOWED_HOSTS", "CELERY_BROKER_URL"}}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "museum_site.settings"
    return subprocess.run([sys.executable, "-c", PRINT_SETTINGS], cwd=REPO, env=clean,
                          capture_output=True, text=True, timeout=60)


def test_it_defaults_to_an_embedded_sqlite_file_in_rome_time(tmp_path):
    result = load_settings(SECRET_KEY="x", MUSEUM_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["engine"] == "django.db.backends.sqlite3"
    assert got["name"] == str(tmp_path / "museum.sqlite3")
    assert got["tz"] == "Europe/Rome" and got["use_tz"] is True
    assert got["debug"] is False


def test_it_reads_a_postgres_database_url():
    result = load_settings(SECRET_KEY="x", DATABASE_URL="postgres://museum:pw@db.example:5433/analytics")
    got = json.loads(result.stdout)
    assert got["engine"] == "django.db.backends.postgresql"
    assert (got["name"], got["host"], got["port"]) == ("analytics", "db.example", 5433)


def test_it_reads_a_sqlite_database_url(tmp_path):
    result = load_settings(SECRET_KEY="x", DATABASE_URL=f"sqlite:///{tmp_path}/other.db")
    got = json.loads(result.stdout)
    assert got["engine"] == "django.db.backends.sqlite3"
    assert got["name"] == f"{tmp_path}/other.db"


def test_it_reads_hosts_broker_and_time_zone():
    result = load_settings(SECRET_KEY="x", ALLOWED_HOSTS="a.example, b.example", TIME_ZONE="Europe/London",
                           CELERY_BROKER_URL="redis://10.0.0.5:6379/2")
    got = json.loads(result.stdout)
    assert got["hosts"] == ["a.example", "b.example"]
    assert got["tz"] == "Europe/London"
    assert got["broker"] == "redis://10.0.0.5:6379/2"


def test_it_requires_a_secret_key_when_debug_is_off():
    result = load_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_runs_without_a_secret_key_in_debug():
    result = load_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is True


def test_it_rejects_a_malformed_boolean():
    result = load_settings(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_it_parses_typed_values(monkeypatch):
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_FLOAT", "2.5")
    monkeypatch.setenv("X_LIST", "a,,b ")
    monkeypatch.setenv("X_BOOL", "Yes")
    assert env_int("X_INT", 1) == 42
    assert env_float("X_FLOAT", 1.0) == 2.5
    assert env_list("X_LIST", []) == ["a", "b"]
    assert env_bool("X_BOOL") is True
    assert env_int("X_MISSING", 7) == 7
    monkeypatch.setenv("X_INT", "forty")
    with pytest.raises(ValueError, match="X_INT='forty' is not an integer"):
        env_int("X_INT", 1)
