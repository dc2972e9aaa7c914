"""docs/node-red/flow.json imports as is and reads only what the real API serves."""
import pytest
from django.urls import resolve

from analytics.api.views import SummaryView
from tests.analytics.web_fixtures import museum, viewer_api, viewer_user  # noqa: F401
from tests.nodered.flow_tools import (
    CORE_NODE_TYPES, load_flow, nodes_of, payload_paths, requested_urls, tab_env,
)


def test_it_uses_only_core_nodes_wired_to_nodes_that_exist():
    flow = load_flow()
    ids = {node["id"] for node in flow}
    assert len(ids) == len(flow)
    assert {node["type"] for node in flow} <= CORE_NODE_TYPES
    for node in flow:
        for output in node.get("wires", []):
            assert set(output) <= ids, node["id"]
        if node["type"] != "tab":
            assert node["z"] == nodes_of(flow, "tab")[0]["id"]


def test_it_polls_with_a_configurable_base_url_and_a_token():
    flow = load_flow()
    assert set(tab_env(flow)) == {"MUSEUM_API_URL", "MUSEUM_API_TOKEN", "MUSEUM_THRESHOLD"}
    (request,) = nodes_of(flow, "http request")
    assert request["url"] == "" and request["ret"] == "obj"  # the URL comes from msg.url, JSON is parsed
    rules = {rule["p"]: rule["to"] for rule in nodes_of(flow, "change")[0]["rules"]}
    assert "$env('MUSEUM_API_URL')" in rules["url"]
    assert "\"Token \" & $env('MUSEUM_API_TOKEN')" in rules["headers"]
    (inject,) = nodes_of(flow, "inject")
    assert inject["once"] is True and inject["repeat"] == "60"


@pytest.mark.django_db
def test_it_calls_urls_and_reads_paths_that_exist_in_the_real_response(viewer_api, museum):
    flow = load_flow()
    assert requested_urls(flow, MUSEUM_API_URL="http://museum.example:8000/") == [
        "http://museum.example:8000/api/analytics/summary/?threshold=0.6"
    ]
    for url in requested_urls(flow, MUSEUM_API_URL=""):
        assert resolve(url.split("?")[0]).func.view_class is SummaryView
        response = viewer_api.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        paths = payload_paths(flow)
        assert ("overall_sentiment_summary", "sentiment_counts") in paths
        assert ("overall_emotion_counts",) in paths
        for keys in paths:
            value = body
            for key in keys:
                assert isinstance(value, dict) and key in value, ".".join(keys)
                value = value[key]
