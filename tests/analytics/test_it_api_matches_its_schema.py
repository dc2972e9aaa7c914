"""Schemathesis fuzzes the live site, on PostgreSQL, against its own OpenAPI schema: every answer must match it.

The site runs in a real server thread (pytest-django's live_server) over a
museum with events, visits, places and cameras; schemathesis (the CLI, as a
museum's IT person would run it) reads /api/schema/ and sends generated
requests to every operation with a staff user's token, so the endpoints
return real bodies and the login throttling never sees a failure. Half the
ids, names and dates it generates are drawn from that museum (schemathesis
dictionaries), so {id} routes and filters answer with real objects and
numbers, not only 404s and 400s. Checks:
no 5xx, only documented status codes and content types, bodies that match
the documented schemas, and every operation refuses the request without the
token (ignored_auth). Any finding fails the test. Bounded: MAX_EXAMPLES per
operation and phase, one worker.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from cameras.models import Camera, Exhibit, Location
from devices.services import device_create
from tests.analytics.web_fixtures import build_museum
from tests.conftest import require_service

CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
    "ignored_auth"  # and: every operation refuses the same request without the token
)
MAX_EXAMPLES = 20
SCHEMATHESIS = Path(sys.executable).parent / "st"
REAL_VALUE_PROBABILITY = 0.5


def _real_values_config(museum) -> str:
    """schemathesis.toml: dictionaries of the museum's ids, names and dates, bound to the parameters that take them."""
    location_ids = list(Location.objects.values_list("pk", flat=True))
    dictionaries = {
        "ids": sorted(
            {*location_ids, *Exhibit.objects.values_list("pk", flat=True), *Camera.objects.values_list("pk", flat=True)}
        ),
        "location_ids": location_ids,
        "location_names": list(Location.objects.values_list("name", flat=True)),
        "exhibit_ids": list(Exhibit.objects.values_list("pk", flat=True)),
        "camera_ids": list(Camera.objects.values_list("pk", flat=True)),
        "since": ["2026-11-20", "2026-11-20 09:00", "2026-11-20T14:00:00+01:00"],
        "until": ["2026-11-21", "2026-11-23", "2026-11-22T00:00:00+01:00"],
    }
    bindings = {
        "path.id": "ids", "query.location": "location_names", "query.location_id": "location_ids",
        "query.exhibit": "exhibit_ids", "query.camera": "camera_ids", "query.since": "since",
        "query.until": "until", "body.location": "location_ids", "body.exhibit": "exhibit_ids",
    }
    lines = []
    for name, values in dictionaries.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    lines.append("[parameters]")
    for parameter, name in bindings.items():
        lines.append(f'"{parameter}" = {{ dictionary = "{name}", probability = {REAL_VALUE_PROBABILITY} }}')
    return "\n".join(lines) + "\n"


@pytest.mark.integration
@pytest.mark.slow
def test_it_answers_every_generated_request_as_its_schema_says(
    live_server, transactional_db, django_user_model, tmp_path, capsys
):
    if connection.vendor != "postgresql":
        require_service("schemathesis runs against PostgreSQL: set DATABASE_URL")
    config = tmp_path / "schemathesis.toml"
    config.write_text(_real_values_config(build_museum()))
    staff = django_user_model.objects.create_user(username="fuzz-staff", is_staff=True, is_superuser=True)
    token = Token.objects.create(user=staff)

    _schemathesis_passes(live_server.url, config, f"Token {token.key}", capsys)


def _schemathesis_passes(site_url: str, config: Path, authorization: str, capsys, *extra: str) -> None:
    run = subprocess.run(
        [
            str(SCHEMATHESIS), "--config-file", str(config), "run", f"{site_url}/api/schema/",
            "--checks", CHECKS,
            "--header", f"Authorization: {authorization}",
            "--max-examples", str(MAX_EXAMPLES),
            "--phases", "examples,coverage,fuzzing",
            "--workers", "1",
            "--request-timeout", "30",
            "--seed", "10",
            "--no-color",
            *extra,
        ],
        capture_output=True, text=True, timeout=600, cwd=config.parent,  # its .schemathesis/ cache stays out of the repo
    )
    output = run.stdout + run.stderr
    cases = re.search(r"Test cases:\s*([^\n]+)", output)
    summary = re.search(r"API Operations:.*?Test cases:[^\n]*", output, re.S)
    with capsys.disabled():  # the count (operations, phases, warnings, cases) shows in every run, passed or not
        print(f"\nschemathesis: {cases.group(1) if cases else 'no count printed'}")
        print(summary.group(0) if summary else "")
    assert cases, output[-5000:]
    assert run.returncode == 0, output[-15000:]


@pytest.mark.integration
@pytest.mark.slow
def test_it_answers_an_edge_devices_requests_as_its_schema_says(live_server, transactional_db, tmp_path, capsys):
    """The routes a device token may use, fuzzed with one: its camera's settings, the model, heartbeats, ingest."""
    if connection.vendor != "postgresql":
        require_service("schemathesis runs against PostgreSQL: set DATABASE_URL")
    config = tmp_path / "schemathesis.toml"
    museum = build_museum()
    config.write_text(_real_values_config(museum))
    token = device_create(name="fuzz-pi", camera=museum.cam_hall).token
    _schemathesis_passes(live_server.url, config, f"Device {token}", capsys,
                         "--include-path-regex", "^/api/(device/|visits/|events/$)")
