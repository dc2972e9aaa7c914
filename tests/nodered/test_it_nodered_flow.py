"""docs/node-red/flow.json imports as is, takes its settings from Node-RED's environment or the tab,
and reads only what the real API serves."""
import pytest
from django.urls import resolve

from analytics.api.views import SummaryView
from tests.analytics.web_fixtures import museum, viewer_api, viewer_user  # noqa: F401
from tests.nodered.flow_tools import (
    CORE_NODE_TYPES, load_flow, nodes_of, payload_paths, request_node, requested_urls, run_function_node, tab_env,
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
    assert tab_env(flow) == {"MUSEUM_API_URL": "http://127.0.0.1:8000", "MUSEUM_API_TOKEN": "", "MUSEUM_THRESHOLD": "0.6"}
    (request,) = nodes_of(flow, "http request")
    assert request["url"] == "" and request["ret"] == "obj"  # the URL comes from msg.url, JSON is parsed
    result = run_function_node(request_node(flow), tab={**tab_env(flow), "MUSEUM_API_TOKEN": "abc"}, process_env={})
    assert result["msg"]["headers"] == {"Authorization": "Token abc", "Accept": "application/json"}
    (inject,) = nodes_of(flow, "inject")
    assert inject["once"] is True and inject["repeat"] == "60"


@pytest.mark.parametrize(
    ("tab", "process_env", "url"),
    [
        # Only the tab (the editor's Environment variables).
        ({"MUSEUM_API_URL": "http://tab:8000/", "MUSEUM_THRESHOLD": "0.7"}, {},
         "http://tab:8000/api/analytics/summary/?fill_zeros=true&threshold=0.7"),
        # The process's environment wins over the tab's values, each variable on its own.
        ({"MUSEUM_API_URL": "http://tab:8000"}, {"MUSEUM_API_URL": "http://proc:9000//"},
         "http://proc:9000/api/analytics/summary/?fill_zeros=true&threshold=0.6"),
        ({}, {"MUSEUM_THRESHOLD": "0.9"}, "http://127.0.0.1:8000/api/analytics/summary/?fill_zeros=true&threshold=0.9"),
        # An empty value counts as unset, in the process and on the tab.
        ({"MUSEUM_THRESHOLD": ""}, {"MUSEUM_API_URL": " "}, "http://127.0.0.1:8000/api/analytics/summary/?fill_zeros=true&threshold=0.6"),
    ],
)
def test_it_takes_settings_from_the_process_environment_before_the_tab(tab, process_env, url):
    flow = load_flow()
    assert requested_urls(flow, process_env={"MUSEUM_API_TOKEN": "t", **process_env}, **tab) == [url]


def test_it_says_which_setting_is_missing_instead_of_polling():
    result = run_function_node(request_node(load_flow()), tab=tab_env(load_flow()), process_env={})
    assert result["msg"] is None
    assert result["status"]["fill"] == "red" and "MUSEUM_API_TOKEN" in result["status"]["text"]
    assert "MUSEUM_API_TOKEN" in result["flow"]["museum_error"]["detail"]


@pytest.mark.django_db
def test_it_calls_urls_and_reads_paths_that_exist_in_the_real_response(viewer_api, museum):
    flow = load_flow()
    for url in requested_urls(flow, MUSEUM_API_URL="", process_env={"MUSEUM_API_URL": "/", "MUSEUM_API_TOKEN": "t"}):
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
        # fill_zeros: the page's Positive/Negative/Neutral are there even when one never occurs.
        assert list(body["overall_sentiment_summary"]["sentiment_counts"]) == ["Positive", "Negative", "Neutral"]
