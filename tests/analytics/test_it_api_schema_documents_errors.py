"""/api/schema/ documents what the server answers: paginated bodies as returned, and the error bodies of every route."""
import pytest
import yaml


@pytest.fixture
def schema(client, db):
    return yaml.safe_load(client.get("/api/schema/").content)


def _ref(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _body(schema, operation, code):
    return _ref(schema, operation["responses"][str(code)]["content"]["application/json"]["schema"])


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


@pytest.mark.parametrize(("path", "item"), [("/api/events/", "Event"), ("/api/visits/", "Visit")])
def test_it_documents_the_paginated_lists_as_returned(schema, path, item):
    page = _body(schema, schema["paths"][path]["get"], 200)
    assert set(page["required"]) == {"next", "previous", "results"}
    assert page["properties"]["next"]["nullable"] and page["properties"]["previous"]["nullable"]
    assert page["properties"]["results"]["items"]["$ref"].endswith(f"/{item}")
    params = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
    assert {"cursor", "page_size"} <= params


def test_it_documents_401_and_403_everywhere_and_404_on_every_id_route(schema):
    for path, method, operation in _operations(schema):
        for code in (401, 403) + ((404,) if "{id}" in path else ()):
            assert _body(schema, operation, code)["required"] == ["detail"], (method, path, code)


def test_it_documents_400_and_413_on_every_write_and_409_on_deletes(schema):
    for path, method, operation in _operations(schema):
        if method in ("POST", "PUT", "PATCH"):
            assert str(400) in operation["responses"] and str(413) in operation["responses"], (method, path)
        if method == "DELETE":
            assert _body(schema, operation, 409)["required"] == ["detail"], path
    write_400 = _body(schema, schema["paths"]["/api/locations/"]["post"], 400)
    assert len(write_400["oneOf"]) == 2  # {field: [reason]} or {"detail"}


def test_it_documents_the_ingest_errors_with_their_fields(schema):
    ingest = schema["paths"]["/api/events/"]["post"]
    rejected = _body(schema, ingest, 400)
    assert set(rejected["required"]) == {"detail", "errors"}
    too_large = _body(schema, ingest, 413)
    assert {"detail", "max_items", "max_bytes"} <= set(too_large["required"])
    assert list(ingest["requestBody"]["content"]) == ["application/json"]


def test_it_documents_bad_parameters_as_named_reasons(schema):
    for path in ("/api/analytics/summary/", "/api/analytics/series/daily/", "/api/events/", "/api/events.csv"):
        body = _body(schema, schema["paths"][path]["get"], 400)
        assert body["additionalProperties"] == {"type": "array", "items": {"type": "string"}}, path
    point = _ref(schema, _body(schema, schema["paths"]["/api/analytics/series/daily/"]["get"], 200)["items"])
    assert _ref(schema, point["properties"]["bucket"]["allOf"][0])["enum"] == ["day", "week", "month", "year"]
