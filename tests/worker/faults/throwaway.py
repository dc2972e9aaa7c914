"""A throw-away PostgreSQL cluster and Redis server on spare loopback ports, that a test may stop and
start at will (the shared services of the machine are never touched).

PostgreSQL refuses to run as root, so when the tests run as root (CI) the cluster belongs to, and
runs as, the `postgres` OS user. Redis keeps an append-only file, so what it held (chain leases,
queued segments) survives a restart, as it would in production.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis

from tests.conftest import require_service


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True) or [shutil.which(name)]
    if not found or not found[0]:
        require_service(f"PostgreSQL server binaries ({name}) not found under /usr/lib/postgresql/*/bin")
    return found[0]


class ThrowawayPostgres:
    def __init__(self, root: Path):
        self.root = root
        self.data = root / "pgdata"
        self.port = spare_port()
        self.as_postgres_user = os.geteuid() == 0
        if self.as_postgres_user:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                require_service("running as root needs a `postgres` OS user to own the throw-away cluster")
            os.chown(root, owner.pw_uid, owner.pw_gid)
        self._run(_postgres_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--no-sync", "-E", "UTF8")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = ["runuser", "-u", "postgres", "--", *args] if self.as_postgres_user else list(args)
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/museum"

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        self._run(_postgres_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "pg.log"),
                  "-w", "-t", "60", "start")

    def stop(self) -> None:
        self._run(_postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop", check=False)

    def create_database(self) -> None:
        self._run(_postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "museum")


class ThrowawayRedis:
    def __init__(self, root: Path):
        self.root = root
        self.port = spare_port()
        self.process: subprocess.Popen | None = None
        if not shutil.which("redis-server"):
            require_service("redis-server not found")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.root),
             "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--protected-mode", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                return
            except redis.RedisError:
                if time.monotonic() > deadline:
                    pytest.fail("the throw-away redis-server did not start")
                time.sleep(0.05)

    def stop(self) -> None:
        """A clean shutdown (SIGTERM): the append-only file keeps every key."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None

