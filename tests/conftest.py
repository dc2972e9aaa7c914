"""Shared fixtures, and the CI rule that an integration test may not skip."""
from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_sessionfinish(session, exitstatus):
    # In CI every service is there, so a skipped test means something is broken.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if IN_CI and reporter is not None:
        skipped = reporter.stats.get("skipped", [])
        if skipped:
            reporter.write_line(f"CI=true: {len(skipped)} test(s) skipped; in CI a skip is a failure.", red=True)
            session.exitstatus = 1


def require_service(reason: str):
    """Skip locally when a real service is missing; in CI, fail instead."""
    if IN_CI:
        pytest.fail(f"required service missing in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        username="staff", password="staff-pass-123", is_staff=True, is_superuser=True
    )


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client
