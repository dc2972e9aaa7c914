"""What the edge agent's tests run: a virtualenv with only edge_agent/requirements.txt, the site under
gunicorn on a free loopback port (stoppable), and the agent as a process of that virtualenv."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.conftest import require_service

REPO = Path(settings.BASE_DIR)
ABSENT_FROM_THE_AGENT = ("django", "tensorflow", "keras", "pandas", "sklearn", "rest_framework", "celery", "requests")


def edge_virtualenv(path: Path) -> Path:
    """A fresh virtualenv with the agent's requirements alone (pip reuses its wheel cache); its python."""
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    python = path / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
         "-r", str(REPO / "edge_agent" / "requirements.txt"), "-c", str(REPO / "constraints.txt")],
        capture_output=True, text=True)
    if install.returncode != 0:
        require_service(f"pip could not install edge_agent/requirements.txt: {install.stderr[-1000:]}")
    return python


def importable(python: Path, module: str) -> bool:
    """Can this interpreter import `module` (run outside the repository, so only installed packages count)?"""
    return subprocess.run([str(python), "-c", f"import {module}"], cwd="/", capture_output=True).returncode == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """The site under gunicorn on the test database (PostgreSQL: a second process must see it)."""

    def __init__(self, log: Path):
        if connection.vendor != "postgresql":
            require_service("the edge agent's live-site test needs PostgreSQL (DATABASE_URL=postgres://...)")
        db = connection.settings_dict
        self.database_url = (f"postgres://{db['USER']}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}"
                             f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "DATABASE_URL": self.database_url, "DEBUG": "false"}
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [str(REPO / ".venv" / "bin" / "gunicorn"), "museum_site.wsgi", "-b", f"127.0.0.1:{self.port}",
                 "-w", "2", "--timeout", "60"], cwd=REPO, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/api/device/camera/", timeout=2)
            except urllib.error.HTTPError:
                return  # 401: it answers
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise AssertionError(f"gunicorn did not start: {self.log.read_text()[-2000:]}")
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def agent_command(python: Path, site_url: str, token: str, camera: str, cache_dir: Path, *extra: str) -> list[str]:
    return [str(python), "-m", "edge_agent", "--server", site_url, "--token", token, "--camera", camera,
            "--cache-dir", str(cache_dir), "--heartbeat-seconds", "1", *extra]


def agent_env() -> dict[str, str]:
    """Nothing of the site's environment: no settings module, no database, no PYTHONPATH."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}
