"""Several camera workers starting at once on a fresh install all get the one shipped ModelVersion:
the race to register it ends in one row, never an IntegrityError shown as a camera's error."""
from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from emotions.models import ModelVersion
from tests.conftest import require_service
from emotions.services.model_versions import active_model_version_ensure

pytestmark = pytest.mark.integration

WORKERS = 6
ROUNDS = 4


def _start_together(barrier: threading.Barrier, results: list, errors: list) -> None:
    try:
        barrier.wait(timeout=30)
        results.append(active_model_version_ensure().pk)
    except Exception as exc:  # collected: the test shows what went wrong in which thread
        errors.append(exc)
    finally:
        connections.close_all()  # this thread's connection


def test_it_registers_the_shipped_model_once_when_workers_start_together(transactional_db):
    if connection.vendor != "postgresql":
        require_service("concurrent writers need PostgreSQL: set DATABASE_URL=postgres://...")
    for _ in range(ROUNDS):
        ModelVersion.objects.all().delete()
        barrier = threading.Barrier(WORKERS)
        results: list[int] = []
        errors: list[Exception] = []
        threads = [threading.Thread(target=_start_together, args=(barrier, results, errors)) for _ in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert len(set(results)) == 1 and len(results) == WORKERS
        assert list(ModelVersion.objects.values_list("pk", "is_active")) == [(results[0], True)]
