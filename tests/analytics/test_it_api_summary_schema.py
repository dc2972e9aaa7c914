"""The OpenAPI schema describes both summary shapes and the no-data answer, and real bodies validate."""
from __future__ import annotations

import jsonschema
import pytest
import yaml

from tests.analytics.web_fixtures import museum, viewer_api, viewer_user  # noqa: F401

URL = "/api/analytics/summary/"


def json_schema(node):
    """OpenAPI 3.0 -> JSON Schema: `nullable: true` becomes a "null" type."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") and "type" in node:
        converted["type"] = [node["type"], "null"]
    return converted


@pytest.fixture
def summary_validator(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    response = schema["paths"][URL]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    root = {**json_schema(response), "components": json_schema(schema["components"])}
    return jsonschema.Draft7Validator(root)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [{}, {"fill_zeros": "true"}, {"since": "2001-01-01", "until": "2001-01-02"}, {"since": "2001-01-01", "until": "2001-01-02", "fill_zeros": "true"},
     {"location": "Exhibit Hall A", "threshold": "0.9"}],
)
def test_it_documents_what_the_summary_returns(viewer_api, museum, summary_validator, query):
    body = viewer_api.get(URL, query).json()
    summary_validator.validate(body)


@pytest.mark.django_db
def test_it_rejects_bodies_of_another_shape(summary_validator):
    assert not summary_validator.is_valid({"error": "something else"})
    assert not summary_validator.is_valid({"metadata": {"total_rows": 3}})
